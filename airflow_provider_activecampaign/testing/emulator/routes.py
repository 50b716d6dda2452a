"""The v3 route table: method and path pattern -> handler, matched in order; nothing is reached by name.

A pattern is a tuple of path segments after ``/api/3/``: a literal, ``*`` (any one segment), or a
placeholder that must name something the emulator knows: ``RESOURCE`` (a collection, made from
the catalogue: ``resources.RESOURCES``), ``NOTE_PARENT`` (a collection whose records hold notes),
``SUBLIST`` (a sub-collection of the collection in the first segment, from the catalogue's:
``sublists.SUBLISTS``). A path that no route knows is answered 404 as the API does; a
known collection or item path asked with a method it does not take is answered 405.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from airflow_provider_activecampaign.testing.emulator import bulk, v3, v3_more
from airflow_provider_activecampaign.testing.emulator.resources import NOTE_PARENTS, RESOURCES
from airflow_provider_activecampaign.testing.emulator.store import Store
from airflow_provider_activecampaign.testing.emulator.sublists import CONTACT_ONES, SUBLISTS
from airflow_provider_activecampaign.testing.emulator.values import ApiError, Call, Query, Reply, not_found

Handler = Callable[[Store, Call], Reply]

RESOURCE, NOTE_PARENT, SUBLIST, CONTACT_ONE = "{resource}", "{note_parent}", "{sublist}", "{contact_one}"
#: collections whose path has more than one segment (``customObjects/schemas``), served as one
NESTED = tuple(path.split("/") for path, res in RESOURCES.items() if res.top and "/" in path)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: tuple[str, ...]
    handler: Handler
    operation: str | None = None  # a CRUD operation the resource must allow (see Resource.ops)

    def matches_path(self, segments: list[str]) -> bool:
        return len(self.pattern) == len(segments) and all(
            _segment_matches(part, index, segments) for index, part in enumerate(self.pattern))


def _segment_matches(part: str, index: int, segments: list[str]) -> bool:
    segment = segments[index]
    if part == RESOURCE:
        return segment in RESOURCES and RESOURCES[segment].top
    if part == CONTACT_ONE:
        return segment in CONTACT_ONES
    if part == NOTE_PARENT:
        return segment in NOTE_PARENTS
    if part == SUBLIST:
        return (segments[0], segment) in SUBLISTS
    return part in ("*", segment)


#: Special endpoints first (they shadow the generic item routes), then collection and item CRUD.
ROUTES: tuple[Route, ...] = (
    Route("GET", (), v3_more.root),
    Route("GET", ("contacts", "*", CONTACT_ONE), v3_more.contact_one),
    Route("DELETE", ("accounts", "bulk_delete"), v3_more.bulk_delete_accounts),
    Route("POST", ("dealCustomFieldData", "bulkCreate"), v3_more.bulk_create_field_data),
    Route("POST", ("accountCustomFieldData", "bulkCreate"), v3_more.bulk_create_field_data),
    Route("PATCH", ("dealCustomFieldData", "bulkUpdate"), v3_more.bulk_update_field_data),
    Route("PATCH", ("accountCustomFieldData", "bulkUpdate"), v3_more.bulk_update_field_data),
    Route("PATCH", ("deals", "bulkUpdate"), v3_more.bulk_update_deals),
    Route("GET", ("siteTracking",), v3_more.site_tracking),
    Route("PUT", ("siteTracking",), v3_more.site_tracking),
    Route("GET", ("siteTracking", "code"), v3_more.site_tracking_code),
    Route("DELETE", ("personalizations", "bulkdelete"), v3_more.bulk_delete_personalizations),
    Route("PATCH", ("personalizations", "*", "lock"), v3_more.lock_personalization),
    Route("PATCH", ("personalizations", "*", "unlock"), v3_more.lock_personalization),
    Route("DELETE", ("customObjects/schemas", "*", "fields", "*"), v3_more.delete_schema_field),
    Route("PUT", ("dealTasktypes", "*", "dealTasks"), v3_more.move_tasks),
    Route("GET", ("contacts", "*", "automationEntryCounts"), v3_more.entry_counts),
    Route("GET", ("customObjects", "records", "*"), v3_more.list_object_records),
    Route("POST", ("customObjects", "records", "*"), v3_more.save_object_record),
    Route("GET", ("customObjects", "records", "*", "*"), v3_more.get_object_record),
    Route("DELETE", ("customObjects", "records", "*", "*"), v3_more.delete_object_record),
    Route("GET", ("records", "*", "external", "*"), v3_more.get_object_record),
    Route("GET", ("customObjects", "records", "*", "external", "*"), v3_more.get_object_record),
    Route("DELETE", ("customObjects", "records", "*", "external", "*"), v3_more.delete_object_record),
    Route("POST", ("contact", "sync"), v3.contact_sync),
    Route("PUT", ("dealStages", "*", "deals"), v3.move_deals),
    Route("POST", (NOTE_PARENT, "*", "notes"), v3.parent_note),
    Route("PUT", (NOTE_PARENT, "*", "notes", "*"), v3.parent_note),
    Route("POST", ("fieldOption", "bulk"), v3.field_options),
    Route("GET", ("eventTracking",), v3.event_tracking),
    Route("PUT", ("eventTracking",), v3.event_tracking),
    Route("GET", ("users", "me"), v3.me),
    Route("GET", ("users", "email", "*"), v3.user_by),
    Route("GET", ("users", "username", "*"), v3.user_by),
    Route("GET", ("webhook", "events"), v3.webhook_events),
    Route("DELETE", ("campaigns", "*"), v3.delete_campaign),
    Route("POST", ("import", "bulk_import"), bulk.bulk_import),
    Route("GET", ("import", "info"), bulk.import_info),
    Route("GET", (RESOURCE,), v3.list_records, "list"),
    Route("POST", (RESOURCE,), v3.create_record, "create"),
    Route("GET", (RESOURCE, "*"), v3.get_record, "get"),
    Route("PUT", (RESOURCE, "*"), v3.update_record, "update"),
    Route("DELETE", (RESOURCE, "*"), v3.delete_record, "delete"),
    Route("GET", (RESOURCE, "*", SUBLIST), v3.sublist),
)


def unknown_route() -> ApiError:
    """What the API answers for a path it does not serve: its JSON:API 404."""
    return not_found(None, None)


def _collapsed(segments: list[str]) -> list[str]:
    """``customObjects/schemas/5`` -> ``["customObjects/schemas", "5"]``: a nested path as one collection."""
    for parts in NESTED:
        if segments[:len(parts)] == parts:
            return ["/".join(parts), *segments[len(parts):]]
    return segments


def route(store: Store, method: str, path: str, pairs: list[tuple[str, str]], body: Any) -> Reply:
    """Answer one v3 request (``path`` starts with ``/api/3/``)."""
    segments = _collapsed([urllib.parse.unquote(s) for s in path[len("/api/3/"):].strip("/").split("/") if s])
    query: Query = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    call = Call(method, segments, query, pairs, body)
    known_path = False
    for candidate in ROUTES:
        if not candidate.matches_path(segments):
            continue
        allowed = candidate.operation is None or candidate.operation in RESOURCES[segments[0]].ops
        if candidate.method == method and allowed:
            return candidate.handler(store, call)
        known_path = known_path or candidate.operation is not None
    if known_path:
        raise ApiError(405, {"message": "Method Not Allowed"})
    raise unknown_route()
