"""Custom field ids checked against the account's fields before a write, and fields given by
personalization tag looked up to their ids.

A body field whose catalogue rule names ``defined_by`` (contacts' ``fieldValues``, deals' and
accounts' ``fields``, a field value's ``field``, a deal or account field datum's ``customFieldId``)
holds custom field ids. When a write carries any, the account's field definitions are read once
(``GET /fields``, ``/dealCustomFieldMeta`` or ``/accountCustomFieldMeta``, every page) and kept for
the hook's lifetime, one task: a write without custom field values costs no extra request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from weakref import WeakKeyDictionary

from airflow_provider_activecampaign.catalogue import resource
from airflow_provider_activecampaign.catalogue.types import INT_FIELD_IDS, Rule
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

#: The attribute holding a definition's personalization tag, for the definitions that take tags.
TAG_KEYS: Mapping[str, str] = {"field": "perstag", "dealCustomFieldMetum": "personalization"}

#: Each hook's field definitions read so far, by the catalogue resource listing them.
_READ: WeakKeyDictionary[ActiveCampaignHook, dict[str, list[dict[str, Any]]]] = WeakKeyDictionary()


def field_definitions(hook: ActiveCampaignHook, defined_by: str) -> list[dict[str, Any]]:
    """The account's custom fields listed by the catalogue resource ``defined_by``, read once per hook."""
    read = _READ.setdefault(hook, {})
    if defined_by not in read:
        spec = resource(defined_by)
        read[defined_by] = list(hook.paginate(spec.path, spec.plural))
    return read[defined_by]


def check_custom_fields(hook: ActiveCampaignHook, fields: Mapping[str, Rule], body: dict[str, Any],
                        label: Callable[[str], str], owner: str) -> dict[str, Any]:
    """``body`` (checked by ``fields``) with custom fields given by tag keyed by id, every id known.

    Refuses, before any write, a tag where the field's definitions take none (``owner``, e.g.
    "accounts", names whose), and an id or tag that no custom field of the account has. Reads
    nothing when the body holds no custom field.
    """
    out = dict(body)
    for name, rule in fields.items():
        if rule.defined_by is None or out.get(name) is None:
            continue
        if rule.kind == "fields":
            out[name] = _checked_items(hook, rule, out[name], label(name), owner)
        else:
            known_field_id(hook, rule.defined_by, out[name], label(name))
    return out


def _checked_items(hook: ActiveCampaignHook, rule: Rule, items: list[dict[str, Any]], label: str,
                   owner: str) -> list[dict]:
    """Custom field values with each tag replaced by its field's id and each id checked."""
    id_key, defined_by = rule.choices[0], str(rule.defined_by)
    tags = [item[id_key] for item in items if str(item[id_key]).startswith("%")]
    if tags and defined_by not in TAG_KEYS:
        raise ActiveCampaignInputError(label, f"keyed by custom field ids ({owner} take no personalization tags)",
                                       tags[0])
    out = []
    for item in items:
        key = item[id_key]
        if key in tags:
            found = _by_tag(hook, defined_by, key, label)
            key = int(found) if id_key in INT_FIELD_IDS else found
        else:
            known_field_id(hook, defined_by, key, f"{label}.{key}")
        out.append({**item, id_key: key})
    return out


def known_field_id(hook: ActiveCampaignHook, defined_by: str, field_id: Any, label: str) -> str:
    """``field_id`` as text, refused when the account has no such custom field."""
    if not any(str(d.get("id")) == str(field_id) for d in field_definitions(hook, defined_by)):
        raise ActiveCampaignInputError(label, f"the id of one of the account's custom fields (none has it in "
                                       f"GET /{resource(defined_by).path})", field_id)
    return str(field_id)


def _by_tag(hook: ActiveCampaignHook, defined_by: str, tag: str, label: str) -> str:
    bare = tag.strip("%").upper()
    tag_key = TAG_KEYS[defined_by]
    found = [d for d in field_definitions(hook, defined_by)
             if str(d.get(tag_key) or "").strip().strip("%").upper() == bare]
    if len(found) != 1:
        what = "no field has" if not found else f"{len(found)} fields have"
        raise ActiveCampaignInputError(
            f"{label}.{bare}", f"a personalization tag of exactly one custom field ({what} it in "
            f"GET /{resource(defined_by).path})", tag)
    return str(found[0]["id"])
