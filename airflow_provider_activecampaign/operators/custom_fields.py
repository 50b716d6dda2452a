"""Custom fields given by personalization tag: the tag looked up to the field's id before the write."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_activecampaign.catalogue import Resource
from airflow_provider_activecampaign.catalogue.resources import Label
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook


@dataclass(frozen=True)
class TagLookup:
    """Where a resource's custom fields are listed, and the attribute holding their tag."""

    body_field: str  # the body's list of custom field values
    id_key: str  # the key of a field id in that list
    path: str  # the collection of field definitions
    envelope: str
    tag_key: str  # the definitions' personalization tag
    filter_param: str | None = None  # narrows the listing to one tag (still matched here: filters may be ignored)
    numeric_ids: bool = False  # the body takes ids as numbers


#: Resources whose custom fields may be given by personalization tag.
TAG_LOOKUPS: Mapping[str, TagLookup] = {
    "contact": TagLookup("fieldValues", "field", "fields", "fields", "perstag", "filters[perstag]"),
    "deal": TagLookup("fields", "customFieldId", "dealCustomFieldMeta", "dealCustomFieldMeta", "personalization",
                      numeric_ids=True),
}


def tags_in(spec: Resource, body: Mapping[str, Any], label: Label) -> list[str]:
    """The personalization tags (``%TAG%``) among a checked body's custom fields; refused where no lookup exists."""
    for name, rule in spec.fields.items():
        if rule.kind != "fields" or not isinstance(body.get(name), list):
            continue
        tags = [item[rule.choices[0]] for item in body[name] if str(item.get(rule.choices[0])).startswith("%")]
        if tags and spec.name not in TAG_LOOKUPS:
            raise ActiveCampaignInputError(label(name), f"keyed by custom field ids ({spec.plural} take no "
                                           "personalization tags)", tags[0])
        return tags
    return []


def resolve_tags(hook: ActiveCampaignHook, spec: Resource, body: dict[str, Any], label: Label) -> dict[str, Any]:
    """``body`` with custom fields given by tag (``%COLOUR%``) keyed by the field's id instead."""
    tags = tags_in(spec, body, label)
    if not tags:
        return body
    lookup = TAG_LOOKUPS[spec.name]
    ids = {tag: _field_id(hook, lookup, tag, label(lookup.body_field)) for tag in dict.fromkeys(tags)}
    items = [{**item, lookup.id_key: _as_id(ids[item[lookup.id_key]], lookup)} if item[lookup.id_key] in ids
             else item for item in body[lookup.body_field]]
    return {**body, lookup.body_field: items}


def _as_id(field_id: str, lookup: TagLookup) -> int | str:
    return int(field_id) if lookup.numeric_ids else field_id


def _field_id(hook: ActiveCampaignHook, lookup: TagLookup, tag: str, label: str) -> str:
    bare = tag.strip("%").upper()
    params = {lookup.filter_param: bare} if lookup.filter_param else None
    found = _matching(hook.paginate(lookup.path, lookup.envelope, params=params), lookup.tag_key, bare)
    if len(found) != 1:
        what = "no field has" if not found else f"{len(found)} fields have"
        raise ActiveCampaignInputError(
            f"{label}.{bare}", f"a personalization tag of exactly one custom field ({what} it in "
            f"GET /{lookup.path})", tag)
    return str(found[0]["id"])


def _matching(definitions: Iterable[dict[str, Any]], tag_key: str, bare: str) -> list[dict[str, Any]]:
    return [d for d in definitions if str(d.get(tag_key) or "").strip().strip("%").upper() == bare]
