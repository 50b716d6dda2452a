"""Handlers for what is not a plain collection: the API's root, a contact's one-record sub-resources and
automation entry counts, and custom object records (kept per schema, checked against it)."""

from __future__ import annotations

import re
from typing import Any

from airflow_provider_activecampaign.testing.emulator.resources import RESOURCES
from airflow_provider_activecampaign.testing.emulator.store import Store
from airflow_provider_activecampaign.testing.emulator.values import (
    ApiError,
    Call,
    Query,
    Record,
    Reply,
    as_text,
    page_bounds,
)

#: An empty reply that still says it is JSON, as the document gives for deletes of deals, pipelines,
#: custom object schemas and records.
EMPTY_JSON = b""

RECORDS = "customObjects/records"
RELATION_KEY = re.compile(r"filters\[relationships\.([^\]]+)\]\[eq\]")


def empty(status: int = 200) -> Reply:
    return Reply(status, raw=EMPTY_JSON)


def root(store: Store, call: Call) -> Reply:
    """``GET /api/3/``: the documented way to check a key (``curl -H "Api-Token: ..." .../api/3/``)."""
    return Reply(200, {})


def _contact(store: Store, call: Call) -> Record:
    return store.require("contacts", call.segments[1])


def contact_one(store: Store, call: Call) -> Reply:
    """``contacts/{id}/organization|contactData|plusAppend``: one record or null."""
    contact, name = _contact(store, call), call.segments[2]
    if name == "organization":
        org = store.get("organizations", contact.get("orgid"))
        return Reply(200, {"organization": None if org is None else store.render(RESOURCES["organizations"], org)})
    res = RESOURCES[name]
    found = store.children(name, "contact", contact["id"])
    return Reply(200, {res.singular: store.render(res, found[0]) if found else None})


def entry_counts(store: Store, call: Call) -> Reply:
    """``contacts/{id}/automationEntryCounts``: how often the contact entered each automation."""
    contact = _contact(store, call)
    counts: dict[str, int] = {}
    for entry in store.children("contactAutomations", "contact", contact["id"]):
        counts[as_text(entry.get("automation"))] = counts.get(as_text(entry.get("automation")), 0) + 1
    out = []
    for automation_id, count in counts.items():
        automation = store.get("automations", automation_id) or {}
        out.append({"id": automation_id, "name": automation.get("name", ""), "status": automation.get("status", "1"),
                    "hidden": automation.get("hidden", "0"), "contactEntryCount": str(count)})
    return Reply(200, {"automationEntryCounts": out})


# --------------------------------------------------------------------------- custom object records


def _schema(store: Store, schema_id: str) -> Record:
    schema = store.get("customObjects/schemas", schema_id)
    if schema is None:
        raise ApiError(404, {"message": "Not Found"})
    return schema


def _record(store: Store, schema: Record, record_id: str, by: str = "id") -> Record:
    for rec in store.children(RECORDS, "schemaId", schema["id"]):
        if as_text(rec.get(by)) == record_id:
            return rec
    raise ApiError(404, {"message": "Not Found"})


def list_object_records(store: Store, call: Call) -> Reply:
    schema = _schema(store, call.segments[2])
    limit, offset = page_bounds(call.query)
    records = [rec for rec in store.children(RECORDS, "schemaId", schema["id"]) if _related(rec, call.query)]
    page = records[offset:offset + limit]
    meta = {"total": len(records), "count": len(page), "limit": limit, "offset": offset}
    return Reply(200, {"records": store.render_all(RECORDS, page), "meta": meta})


def _related(rec: Record, query: Query) -> bool:
    """``filters[relationships.NAME][eq]=ID``: the record is related to that record (other filters: ignored)."""
    for key, values in query.items():
        match = RELATION_KEY.fullmatch(key)
        if match and values[-1] and values[-1] not in map(as_text, (rec.get("relationships") or {}).get(
                match.group(1)) or []):
            return False
    return True


def save_object_record(store: Store, call: Call) -> Reply:
    """Create or update (same ``externalId``) a record; fields are checked against the schema."""
    schema = _schema(store, call.segments[2])
    body = call.body.get("record") if isinstance(call.body, dict) else None
    if not isinstance(body, dict):
        raise ApiError(400, {"errors": [{"status": 400, "title": "The request body must hold a record."}]})
    data = {k: v for k, v in body.items() if k in ("externalId", "fields", "relationships")}
    _check_fields(schema, data.get("fields", []))
    data["schemaId"] = schema["id"]
    existing = None
    if data.get("externalId"):
        existing = next((rec for rec in store.children(RECORDS, "schemaId", schema["id"])
                         if rec.get("externalId") == data["externalId"]), None)
    rec = store.save(RESOURCES[RECORDS], data, existing, "api")
    return Reply(201 if existing is None else 200, {"record": store.render(RESOURCES[RECORDS], rec)})


def _check_fields(schema: Record, fields: Any) -> None:
    known = {f.get("id"): f for f in schema.get("fields") or [] if isinstance(f, dict)}
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        raise _unprocessable("fields", "The record fields must be a list of {id, value} objects.")
    given = {f.get("id") for f in fields}
    for name in sorted(str(n) for n in given - set(known)):
        raise _unprocessable("fields", f"The schema has no field {name!r}.")
    for name, spec in known.items():
        if spec.get("required") and name not in given:
            raise _unprocessable("fields", f"The field {name!r} is required by the schema.")


def _unprocessable(name: str, title: str) -> ApiError:
    pointer = {"pointer": f"/data/attributes/{name}"}
    return ApiError(422, {"errors": [{"title": title, "detail": "", "source": pointer}]})


def get_object_record(store: Store, call: Call) -> Reply:
    by_external = call.segments[0] == "records"
    schema = _schema(store, call.segments[1] if by_external else call.segments[2])
    rec = _record(store, schema, call.segments[-1], "externalId" if by_external else "id")
    return Reply(200, {"record": store.render(RESOURCES[RECORDS], rec)})


def delete_object_record(store: Store, call: Call) -> Reply:
    schema = _schema(store, call.segments[2])
    by_external = len(call.segments) == 5
    rec = _record(store, schema, call.segments[-1], "externalId" if by_external else "id")
    store.delete(RESOURCES[RECORDS], rec, "api")
    return empty(202)

