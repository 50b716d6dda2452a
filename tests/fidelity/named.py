"""Every field the document names for each kind of record, wherever it names it.

A record's fields are read from every example (request and reply, of every operation) and
every schema of the document, under the envelope that holds the record (``deal`` and
``deals`` are one kind). Examples that are not valid JSON (trailing commas, tabs: the
document's own slips) are read after those slips are mended. A field an emulated reply
gives that the document names nowhere for its kind is a difference the fidelity suite reports.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from airflow_provider_activecampaign.testing.emulator.resources import RESOURCES
from tests.fidelity.world import SPEC

#: the one name of a kind of record, by each envelope that holds it
KIND = {name: res.plural for res in RESOURCES.values() for name in (res.plural, res.singular, res.many)}


def _loaded(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        try:
            return json.loads(re.sub(r",(\s*[}\]])", r"\1", value.replace("\t", " ")))
        except ValueError:
            return None


def _from_example(example: Any, named: dict[str, set[str]]) -> None:
    if not isinstance(example, dict):
        return
    for key, value in example.items():
        records = value if isinstance(value, list) else [value]
        for record in records:
            if isinstance(record, dict):
                named[KIND.get(key, key)] |= set(record)


def _from_schema(schema: Any, named: dict[str, set[str]]) -> None:
    properties = schema.get("properties") if isinstance(schema, dict) else None
    for key, value in (properties or {}).items():
        inner = value.get("items", value) if isinstance(value, dict) else None
        if isinstance(inner, dict) and isinstance(inner.get("properties"), dict):
            named[KIND.get(key, key)] |= set(inner["properties"])


def _media(op: dict[str, Any]) -> list[dict[str, Any]]:
    found = [op.get("requestBody", {}).get("content", {}).get("application/json", {})]
    found += [r.get("content", {}).get("application/json", {}) for r in op.get("responses", {}).values()]
    return [media for media in found if media]


def _named() -> dict[str, frozenset[str]]:
    named: dict[str, set[str]] = defaultdict(set)
    for item in SPEC["paths"].values():
        for op in (o for o in item.values() if isinstance(o, dict)):
            for media in _media(op):
                _from_schema(media.get("schema"), named)
                _from_example(_loaded(media.get("example")), named)
                for example in media.get("examples", {}).values():
                    _from_example(_loaded(example.get("value")), named)
    return {kind: frozenset(fields) for kind, fields in named.items()}


NAMED = _named()


def unnamed(reply: Any) -> list[str]:
    """``envelope.field`` for each field of the reply's records that the document names nowhere for
    their kind (kinds the document names no field of are not judged)."""
    found = set()
    for key, value in (reply.items() if isinstance(reply, dict) else ()):
        known = NAMED.get(KIND.get(key, key))
        for record in (value if isinstance(value, list) else [value]):
            if known and isinstance(record, dict):
                found |= {f"{key}.{field}" for field in set(record) - known}
    return sorted(found)
