"""Custom object records checked against their schema (``GET customObjects/schemas/{id}``), when it is known.

A schema's ``fields`` list each field's ``id`` (its slug), ``type`` and ``isRequired``. A record's
``fields`` are ``[{"id": field id, "value": ...}]``; they may be given as ``{field id: value}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.catalogue.errors import input_error
from airflow_provider_activecampaign.catalogue.types import Rule

#: A schema field's type -> the rule its values follow (other types: any value).
FIELD_RULES = {
    "number": Rule("number"), "currency": Rule("number"), "date": Rule("date"), "datetime": Rule("date"),
    "text": Rule("str"), "textarea": Rule("str"), "dropdown": Rule("str"), "boolean": Rule("bool"),
    "multiselect": Rule("list"),
}


def record_fields(value: Any, name: str = "fields") -> list[dict[str, Any]]:
    """``{field id: value}`` or ``[{"id", "value"}]`` as the API's list, each entry with an id and a value."""
    if isinstance(value, Mapping):
        return [{"id": str(key), "value": item} for key, item in value.items()]
    if isinstance(value, (list, tuple)) and all(isinstance(item, Mapping) and "id" in item and "value" in item
                                                for item in value):
        return [dict(item) for item in value]
    raise input_error(name, "{field id: value} or a list of {'id', 'value'}", value)


def check_record_fields(schema: Mapping[str, Any], fields: list[dict[str, Any]], name: str = "fields",
                        *, whole: bool = True) -> list[dict[str, Any]]:
    """The record's fields checked against the schema: known ids, values of the field's type, and
    (``whole``: a new record) every required field given. Returns them converted."""
    known = {str(f.get("id") or f.get("slug")): f for f in schema.get("fields") or () if isinstance(f, Mapping)}
    slug = schema.get("slug") or schema.get("id") or "the schema"
    out = []
    for item in fields:
        field = known.get(str(item["id"]))
        label = f"{name}.{item['id']}"
        if field is None:
            raise input_error(label, f"a field of {slug} ({', '.join(sorted(known)) or 'none'})")
        rule = FIELD_RULES.get(str(field.get("type")), Rule("any"))
        required = bool(field.get("isRequired"))
        out.append({**item, "value": Rule(rule.kind, rule.choices, rule.pattern, required).check(item["value"], label)})
    given = {str(item["id"]) for item in fields}
    missing = sorted(fid for fid, f in known.items() if f.get("isRequired") and fid not in given)
    if whole and missing:
        raise input_error(f"{name}.{missing[0]}", f"given (a required field of {slug})")
    return out
