"""The legacy API (``admin/api.php?api_action=...``) machinery shared by the named legacy
operators: their base classes, paged legacy listings and the legacy forms of values."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import pendulum

from airflow_provider_activecampaign.catalogue import Rule, ident, text
from airflow_provider_activecampaign.catalogue.resources import is_literal
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignInputError,
    ActiveCampaignPagingError,
    error_context,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from airflow_provider_activecampaign.io import deliver_records
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator, checked_limit
from airflow_provider_activecampaign.operators.retry_safe import create_once

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

#: rows in a page of the legacy list actions
LEGACY_PAGE = 20
#: the legacy API's own parameters: the provider sets them, no form or query may
RESERVED = ("api_action", "api_key", "api_output")


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
        self.check_literals()

    def check_literals(self) -> None:
        """Check the arguments that are final when the DAG is parsed (templated ones after rendering)."""
        fields = self.fields if isinstance(self.fields, Mapping) else {}
        with error_context(self.where):
            for name, rule in self.rules.items():
                if is_literal(fields.get(name)):
                    rule.check(fields.get(name), name)
            refuse_reserved(fields.get("extra_fields"), "extra_fields")

    @property
    def account_zone(self) -> str:
        """The zone the legacy API reads date/times without an offset in (the connection's ``timezone``)."""
        return self.hook.core.settings.timezone

    def checked(self) -> dict[str, Any]:
        fields = self.fields or {}
        refuse_reserved(fields.get("extra_fields"), "extra_fields")
        return {name: rule.check(fields.get(name), name) for name, rule in self.rules.items()}

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
        raise NotImplementedError

    def perform(self, context: Context) -> Any:
        values = self.checked()
        action, params, data = self.call(values)

        def send() -> Any:
            reply = self.hook.legacy(action, params=legacy_values(params, "params"),
                                     data=legacy_values(data, "data"), method="POST" if data is not None else "GET")
            if self.changes:
                reply_of = reply if isinstance(reply, Mapping) else {}
                verb = _LEGACY_VERBS.get(action.rpartition("_")[2], "changed")
                self.record_done(verb, self.changes, reply_of.get("subscriber_id") or reply_of.get("id"),
                                 detail=f"{action}: {reply_of.get('result_message') or 'done'}")
            return reply

        if not self.looks_up(values):
            return send()
        return create_once(send, lambda since: self.find_done(values, since), context=context, what=action)

    def looks_up(self, values: dict[str, Any]) -> bool:
        """True when a retried write looks for what an earlier attempt made (:meth:`find_done`) first."""
        return False

    def find_done(self, values: dict[str, Any], since: Any) -> dict[str, Any] | None:
        """What an earlier attempt of this write made, as a legacy reply, or None when nothing is found."""
        return None


def found_reply(record: Mapping[str, Any] | None, what: str) -> dict[str, Any] | None:
    """A record an earlier attempt made, in the shape of the legacy API's reply to the write."""
    if record is None:
        return None
    return {"result_code": 1, "result_message": f"{what} (by an earlier attempt)", "id": record.get("id"),
            "subscriber_id": record.get("contact") or record.get("id")}


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


def legacy_values(values: Mapping[str, Any] | None, name: str) -> dict[str, Any] | None:
    """A legacy query or form with booleans as the 1/0 the legacy API takes (``true`` would be read as 0)."""
    if values is None:
        return None
    if not isinstance(values, Mapping):
        raise ActiveCampaignInputError(name, "a mapping of legacy parameter names to values", values)
    refuse_reserved(values, name)
    return {key: int(value) if isinstance(value, bool) else value for key, value in values.items()}


def refuse_reserved(values: Any, name: str) -> None:
    """Refuse ``api_action``, ``api_key`` and ``api_output`` among a form's or query's keys: they
    would turn the call into another action, or send (or replace) the key."""
    for key in values if isinstance(values, Mapping) else ():
        if str(key).strip().lower().split("[")[0] in RESERVED:
            raise ActiveCampaignInputError(f"{name}.{key}", "left out: api_action, api_key and api_output are "
                                           "set by the provider")


def id_list(value: Any, name: str) -> list[str]:
    """One id or a list of ids (a comma-separated string too), checked, as strings."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        items = [items]
    if not items:
        raise ActiveCampaignInputError(name, "one id or a non-empty list of ids", value)
    rule = ident(required=True)
    return [rule.check(item.strip() if isinstance(item, str) else item, name) for item in items]


def legacy_datetime(value: Any, zone: str, name: str = "date") -> str:
    """A date/time the way the legacy API takes it: ``YYYY-MM-DD HH:MM:SS`` in the account's zone.

    The legacy API reads times without an offset in the account's zone, so an instant (a time
    with an offset, or without one: UTC) is converted to ``zone`` first; a day alone is that
    day's midnight in the account's zone.
    """
    checked = Rule("date", required=True).check(value, name)
    if len(checked) == 10:  # a day
        return f"{checked} 00:00:00"
    return pendulum.parse(checked).in_timezone(zone).strftime("%Y-%m-%d %H:%M:%S")


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
            isinstance(n, str) and n.strip() and "," not in n and not re.search(r"[\x00-\x1f\x7f]", n)
            for n in names):
        raise ActiveCampaignInputError("tags", "tag names: a list, or one comma-separated text (no line breaks)",
                                       tags)
    return ",".join(n.strip() for n in names)
