"""The legacy API (``admin/api.php?api_action=...``) machinery shared by the named legacy
operators: their base classes, paged legacy listings and the legacy forms of values."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import timezone
from typing import TYPE_CHECKING, Any, ClassVar

import pendulum

from airflow_provider_activecampaign.catalogue import Rule, ident, text
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignInputError,
    ActiveCampaignPagingError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from airflow_provider_activecampaign.io import deliver_records
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator, checked_limit

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

#: rows in a page of the legacy list actions
LEGACY_PAGE = 20


class LegacyOperator(ActiveCampaignBaseOperator):
    """Base of the named legacy-API operators (``admin/api.php``).

    ``fields`` (templated) holds the keyword arguments; after rendering each is checked by
    ``rules`` (argument name -> rule), then :meth:`call` turns them into the legacy action
    and its query (``params``, sent as a GET) or form (``data``, sent as a POST).
    """

    rules: ClassVar[Mapping[str, Rule]] = {}
    #: The kind of record a legacy write changes (``"contact"``...); reads leave it None.
    changes: ClassVar[str | None] = None
    template_fields: Sequence[str] = ("fields",)
    template_fields_renderers = {"fields": "json"}

    def __init__(self, *, fields: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = fields

    def checked(self) -> dict[str, Any]:
        fields = self.fields or {}
        return {name: rule.check(fields.get(name), name) for name, rule in self.rules.items()}

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
        raise NotImplementedError

    def perform(self, context: Context) -> Any:
        action, params, data = self.call(self.checked())
        reply = self.hook.legacy(action, params=params, data=data, method="POST" if data is not None else "GET")
        if self.changes:
            reply_of = reply if isinstance(reply, Mapping) else {}
            verb = _LEGACY_VERBS.get(action.rpartition("_")[2], "changed")
            self.record_done(verb, self.changes, reply_of.get("subscriber_id") or reply_of.get("id"),
                             detail=f"{action}: {reply_of.get('result_message') or 'done'}")
        return reply


#: The log's verb for a legacy write, by the last word of its action (``contact_tag_add`` -> "added").
_LEGACY_VERBS = {"sync": "synced", "add": "added", "edit": "updated", "create": "created", "remove": "removed",
                 "delete": "deleted"}


class LegacyListOperator(LegacyOperator):
    """A legacy list action read page by page (``limit`` caps the rows; ``output_path`` as for list operators)."""

    template_fields: Sequence[str] = ("fields", "limit", "output_path")
    what: ClassVar[str] = "records"

    def __init__(self, *, fields: Mapping[str, Any], limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(fields=fields, **kwargs)
        self.limit = limit
        self.output_path = output_path

    def perform(self, context: Context) -> Any:
        limit = checked_limit(self.limit)
        action, params, _ = self.call(self.checked())
        rows = legacy_records(self.hook, action, params or {}, limit=limit)
        return deliver_records(rows, self.output_path, log=self.log, what=self.what)


def legacy_records(hook: ActiveCampaignHook, action: str, params: Mapping[str, Any], *,
                   limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Yield the rows of a paged legacy list action (``page=1, 2, ...``) once each.

    Legacy replies carry their rows under the keys ``"0"``, ``"1"``, ...; the listing ends on
    the empty page (a 200 with ``result_code: 0`` and "Nothing is returned"), or a short page
    that brings nothing new. Rows come in id order: a row at or below the last id read is a
    repeat (rows deleted meanwhile shift later ones forward) and skipped; a full page of
    repeats means the server ignores ``page`` and is an error. The legacy API gives no total,
    so rows shifted past the position by deletes cannot be detected: prefer the v3 lists.
    """
    count, page, last_id = 0, 1, -1
    while limit is None or count < limit:
        try:
            reply = hook.legacy(action, params={**params, "page": page}, method="GET")
        except ActiveCampaignApiError as error:
            if error.status == 200 and "nothing" in error.message.lower():
                return
            raise
        rows = [reply[k] for k in sorted((k for k in reply if str(k).isdigit()), key=int)] \
            if isinstance(reply, dict) else []
        fresh = [row for row in rows if isinstance(row, dict) and _row_id(row, last_id + 1) > last_id]
        if not fresh:
            if len(rows) >= LEGACY_PAGE:
                raise ActiveCampaignPagingError(f"admin/api.php?api_action={action}",
                                                f"page {page} repeats rows already read",
                                                seen="the server ignored page, so the position does not advance")
            return
        for row in fresh[: None if limit is None else limit - count]:
            last_id = max(last_id, _row_id(row, last_id))
            count += 1
            yield row
        page += 1


def _row_id(row: Mapping[str, Any], default: int) -> int:
    """The row's numeric id; ``default`` for a row without one (never taken for a repeat)."""
    try:
        return int(row["id"])
    except (KeyError, TypeError, ValueError):
        return default


def id_list(value: Any, name: str) -> list[str]:
    """One id or a list of ids (a comma-separated string too), checked, as strings."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        items = [items]
    if not items:
        raise ActiveCampaignInputError(name, "one id or a non-empty list of ids", value)
    rule = ident(required=True)
    return [rule.check(item.strip() if isinstance(item, str) else item, name) for item in items]


def legacy_datetime(value: Any) -> str:
    """A date/time the way the legacy API takes it: ``YYYY-MM-DD HH:MM:SS`` (UTC when an offset is given)."""
    when = value if hasattr(value, "isoformat") else pendulum.parse(str(value))
    if not hasattr(when, "hour"):  # a date
        return f"{when.isoformat()} 00:00:00"
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def legacy_field_values(values: Mapping[str, Any], param: str) -> dict[str, Any]:
    """Custom fields ``{perstag or field id: value}`` as legacy keys ``%PERSTAG%`` / ``ID``."""
    keys: dict[str, Any] = {}
    for key, value in values.items():
        tag = str(key).strip().strip("%")
        if not re.fullmatch(r"[A-Za-z0-9_]+", tag):
            raise ActiveCampaignInputError(f"field_values.{key}",
                                           "keyed by a custom field id or personalization tag (FAVORITE_COLOR)")
        keys[tag if tag.isdigit() else f"%{tag}%"] = text().check(value, f"{param}.{key}")
    return keys


def legacy_tags(tags: Any) -> str:
    """Tag names, given as a list or a comma-separated string, as the legacy API's comma-separated text."""
    names = tags.split(",") if isinstance(tags, str) else tags
    if not isinstance(names, (list, tuple)) or not names or not all(
            isinstance(n, str) and n.strip() and "," not in n for n in names):
        raise ActiveCampaignInputError("tags", "tag names: a list, or one comma-separated text", tags)
    return ",".join(n.strip() for n in names)
