"""One input row as a contact of the bulk import API, checked before it is sent.

A row is a mapping (a JSON Lines object, a CSV record, an item of an inline list) with the
API's names: ``email`` (required), ``first_name``, ``last_name``, ``phone``,
``customer_acct_name``, ``tags``, ``fields``, ``subscribe``, ``unsubscribe``. Lists may be
given the short way: ``tags`` and the list ids as comma-separated text, ``fields`` as
``{field id: value}`` or as CSV columns ``field:ID``, ``subscribe``/``unsubscribe`` as ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from airflow_provider_activecampaign.catalogue import Rule
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError

TEXT_KEYS = ("first_name", "last_name", "phone", "customer_acct_name")
LIST_KEYS = ("tags", "fields", "subscribe", "unsubscribe")
ALIASES = {"firstName": "first_name", "lastName": "last_name"}
FIELD_COLUMN = "field:"
KNOWN = frozenset(("email", *TEXT_KEYS, *LIST_KEYS, *ALIASES))

_EMAIL = Rule("email", required=True)
_TEXT = Rule("str")
_FIELD_ID = Rule("id")


def unknown_columns(names: Iterable[str]) -> list[str]:
    """The names of a row (or a CSV header) the bulk import does not take."""
    return [name for name in names if name not in KNOWN and not name.startswith(FIELD_COLUMN)]


def to_contact(row: Any) -> dict[str, Any]:
    """The row as the API's contact; raises :class:`ActiveCampaignInputError` naming the bad value."""
    if not isinstance(row, Mapping):
        raise ActiveCampaignInputError("row", "an object of contact fields", type(row).__name__)
    unknown = unknown_columns(str(k) for k in row)
    if unknown:
        raise ActiveCampaignInputError(unknown[0], "a field of the bulk import (email, first_name, last_name, phone, "
                                       "customer_acct_name, tags, fields, subscribe, unsubscribe, field:ID)")
    row = {ALIASES.get(k, k): v for k, v in row.items() if v not in (None, "")}
    contact: dict[str, Any] = {"email": _EMAIL.check(row.get("email"), "email")}
    for key in TEXT_KEYS:
        if key in row:
            contact[key] = str(_TEXT.check(row[key], key))
    tags = _names(row.get("tags"), "tags")
    fields = _fields(row)
    subscribe, unsubscribe = _lists(row.get("subscribe"), "subscribe"), _lists(row.get("unsubscribe"), "unsubscribe")
    contact.update((k, v) for k, v in (("tags", tags), ("fields", fields), ("subscribe", subscribe),
                                       ("unsubscribe", unsubscribe)) if v)
    return contact


def _names(value: Any, name: str) -> list[str]:
    """Text items: a list, or comma-separated text."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, (str, int)) for i in items):
        raise ActiveCampaignInputError(name, "a list of names or comma-separated text", value)
    return [str(i).strip() for i in items if str(i).strip()]


def _fields(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Custom fields as the API's ``[{"id": 12, "value": "x"}]`` from ``fields`` and ``field:ID`` columns."""
    given = row.get("fields")
    if isinstance(given, Mapping):
        pairs = list(given.items())
    elif isinstance(given, (list, tuple)):
        if not all(isinstance(f, Mapping) and {"id", "value"} <= set(f) for f in given):
            raise ActiveCampaignInputError("fields", 'a list of {"id": field id, "value": value} or {id: value}',
                                           given)
        pairs = [(f["id"], f["value"]) for f in given]
    elif given is None:
        pairs = []
    else:
        raise ActiveCampaignInputError("fields", 'a list of {"id": field id, "value": value} or {id: value}', given)
    pairs += [(k[len(FIELD_COLUMN):], v) for k, v in row.items() if k.startswith(FIELD_COLUMN)]
    out = []
    for field_id, value in pairs:
        checked = _FIELD_ID.check(field_id, f"fields id {field_id!r}")
        text = "||".join(str(v) for v in value) if isinstance(value, (list, tuple)) else value
        out.append({"id": int(checked), "value": str(_TEXT.check(text, f"fields value of {field_id}"))})
    return out


def _lists(value: Any, name: str) -> list[dict[str, str]]:
    """List ids as the API's ``[{"listid": "3"}]``: from ids, comma-separated text or that form."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, (list, tuple)) else [value]
    ids = [item.get("listid") if isinstance(item, Mapping) else item for item in items]
    return [{"listid": _FIELD_ID.check(str(i).strip(), name)} for i in ids if str(i).strip()]
