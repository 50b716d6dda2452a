"""Per-resource validation and derived fields, applied when a record is created or changed.

Values breaking the catalogue's rules (enums, formats) are refused before, by ``kinds.check_values``.
A shaper gets the store, the incoming fields (already stored-as-strings), the existing record
(None when creating) and the source (``api``, ``admin``, ``system``). It may raise ApiError (strict
checks only when the source is ``api``) and may return a callback run with the saved record.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from airflow_provider_activecampaign.testing.emulator.names import (
    EVENTS_IN_API_ORDER,
    WEBHOOK_SOURCES,
)
from airflow_provider_activecampaign.testing.emulator.resources import NOTE_OWNERS, RELTYPES, RESOURCES
from airflow_provider_activecampaign.testing.emulator.values import (
    ApiError,
    Record,
    as_int,
    as_text,
    format_time,
    invalid,
    not_found,
    parse_time,
)

if TYPE_CHECKING:
    from airflow_provider_activecampaign.testing.emulator.store import Store

Shaper = Callable[["Store", Record, "Record | None", str], "Callable[[Record], None] | None"]


def shape_contacts(store: Store, data: Record, old: Record | None, source: str) -> Callable[[Record], None] | None:
    for legacy_name, name in (("first_name", "firstName"), ("last_name", "lastName")):
        if legacy_name in data:
            data.setdefault(name, data.pop(legacy_name))
    values = data.pop("fieldValues", None)
    if "email" in data:
        email = as_text(data["email"]).strip()  # checked before, by the catalogue's rule (``kinds.check_values``)
        data["email"] = email
        data["hash"] = hashlib.md5(email.lower().encode()).hexdigest()
    if not isinstance(values, list):
        return None
    if source == "api":
        for value in values:
            store.require("fields", (value or {}).get("field"))

    def after(rec: Record) -> None:
        for value in values:
            store.set_field_value(rec["id"], value.get("field"), value.get("value"), source)
    return after

def shape_fieldValues(store: Store, data: Record, old: Record | None, source: str) -> None:
    if source == "api":
        store.require("contacts", data.get("contact", (old or {}).get("contact")))
        store.require("fields", data.get("field", (old or {}).get("field")))
    if "contact" in data:
        data["owner"] = data["contact"]

def shape_fields(store: Store, data: Record, old: Record | None, source: str) -> None:
    if old is None and not data.get("perstag") and data.get("title"):
        data["perstag"] = re.sub(r"[^A-Z0-9]+", "_", as_text(data["title"]).upper()).strip("_")

def shape_fieldOptions(store: Store, data: Record, old: Record | None, source: str) -> None:
    if source == "api":
        store.require("fields", data.get("field"))
        if "isdefault" in data and not isinstance(data["isdefault"], bool) and as_text(data["isdefault"]) not in (
                "0", "1"):
            raise invalid("isdefault", "The field option isdefault must be true or false.")

def shape_contactLists(store: Store, data: Record, old: Record | None, source: str) -> None:
    contact = store.get("contacts", data.get("contact", (old or {}).get("contact")))
    if source == "api":
        if contact is None:
            raise not_found("Subscriber", data.get("contact"))
        store.require("lists", data.get("list"))
    status = as_text(data.get("status", (old or {}).get("status", "1")))
    data["status"] = status
    if old is None or as_text(old.get("status")) != status:
        now = data.get("created_timestamp") or format_time(store.now())
        # the unsubscribe date is the legacy API's (its contact_view); v3 names it nowhere
        data.setdefault("sdate" if status == "1" else "_unsubdate", now if status in ("1", "2") else None)
    if contact:
        data.setdefault("first_name", contact.get("firstName"))
        data.setdefault("last_name", contact.get("lastName"))

def shape_contactTags(store: Store, data: Record, old: Record | None, source: str) -> None:
    if source != "api":
        return
    missing = [name for name in ("contact", "tag") if data.get(name) in (None, "")]
    if missing:
        raise ApiError(422, {"errors": [{"status": 422, "title": "Missing attribute",
                                         "source": {"pointer": f"/data/attributes/{name}"}} for name in missing]})
    for plural, label in (("contacts", "Contact"), ("tags", "Tag")):
        if store.get(plural, data[plural[:-1]]) is None:
            raise ApiError(404, {"errors": [{"status": 404, "title": "Not Found", "detail": f"{label} not found"}]})

def shape_lists(store: Store, data: Record, old: Record | None, source: str) -> None:
    if old is None and not data.get("stringid") and data.get("name"):
        data["stringid"] = re.sub(r"[^a-z0-9]+", "-", as_text(data["name"]).lower()).strip("-")

def shape_contactAutomations(store: Store, data: Record, old: Record | None, source: str) -> None:
    if source == "api" and (store.get("contacts", data.get("contact")) is None
                            or store.get("automations", data.get("automation")) is None):
        raise ApiError(403, {"message": "Could not create SubscriberSeries"})
    if "automation" in data:
        data["seriesid"] = data["automation"]

def shape_deals(store: Store, data: Record, old: Record | None, source: str) -> Callable[[Record], None] | None:
    strict = source == "api"
    fields = data.pop("fields", None)
    if "value" in data:
        try:
            data["value"] = str(int(float(as_text(data["value"]) or 0)))
        except ValueError:
            if strict:
                raise invalid("value", "The deal value must be a number (in cents).") from None
    if "currency" in data:
        data["currency"] = as_text(data["currency"]).lower()
    if "account" in data:
        data.setdefault("customerAccount", data["account"])
        data.setdefault("organization", data["account"])
    stage = store.get("dealStages", data.get("stage"))
    if data.get("stage") and stage is None and strict:
        raise not_found("DealStage", data["stage"])
    if stage is not None and not data.get("group"):
        data["group"] = stage["group"]
    elif data.get("group") and not data.get("stage") and old is None:
        stages = store.stages_of(as_text(data["group"]))
        if stages:
            data["stage"] = stages[0]["id"]
    if strict:
        if data.get("group"):
            store.require("dealGroups", data["group"])
        if stage is not None and as_text(stage["group"]) != as_text(data.get("group", stage["group"])):
            raise invalid("stage", "The stage does not belong to the deal's pipeline.")
        if old is None and not data.get("stage"):
            raise invalid("stage", "The deal stage was not provided.", "field_missing")
        if old is None and not (data.get("contact") or data.get("account")):
            raise invalid("contact", "The deal contact was not provided.", "field_missing")
        pipeline = store.get("dealGroups", data.get("group")) or {}
        if old is None and not data.get("owner") and as_text(pipeline.get("autoassign")) == "0":
            raise invalid("owner", "The deal owner was not provided: the pipeline does not auto-assign deals.",
                          "field_missing")
        if data.get("contact"):
            store.require("contacts", data["contact"])
    if old is None:
        data.setdefault("hash", secrets.token_hex(4))
    if not isinstance(fields, list):
        return None

    def after(rec: Record) -> None:
        for item in fields:
            values = {"dealId": rec["id"], "customFieldId": item.get("customFieldId"),
                      "fieldValue": item.get("fieldValue"), "dealCustomFieldMetumId": item.get("customFieldId")}
            if "fieldCurrency" in item:
                values["fieldCurrency"] = item["fieldCurrency"]
            store.upsert(RESOURCES["dealCustomFieldData"], values, ("dealId", "customFieldId"), source)
    return after

def shape_dealGroups(store: Store, data: Record, old: Record | None, source: str) -> Callable[[Record], None] | None:
    if "currency" in data:
        data["currency"] = as_text(data["currency"]).lower()
    given = {"user": data.pop("users", None), "group": data.pop("groups", None)}
    for name, ids in given.items():
        if source == "api" and ids is not None:
            for item in ids if isinstance(ids, list) else [ids]:
                store.require(f"{name}s", item)
    stages = old is None and not data.pop("_no_default_stages", False)

    def after(rec: Record) -> None:
        for name, ids in given.items():
            if ids is not None:
                _permissions(store, rec["id"], name, [as_text(i) for i in (ids if isinstance(ids, list) else [ids])],
                             source)
        if stages:  # ActiveCampaign gives a new pipeline three stages
            for order, title in enumerate(("To Contact", "In Contact", "Follow Up"), start=1):
                store.save(RESOURCES["dealStages"], {"title": title, "group": rec["id"], "order": order}, None, source)
    return after


def _permissions(store: Store, pipeline: str, name: str, ids: list[str], source: str) -> None:
    """The pipeline's users (or user groups) become those given: one dealGroupUser (dealGroupGroup) each."""
    res = RESOURCES[f"dealGroup{name.title()}s"]
    for link in store.children(res.plural, "dealGroup", pipeline):
        if as_text(link.get(name)) not in ids:
            store.delete(res, link, source)
    have = {as_text(link.get(name)) for link in store.children(res.plural, "dealGroup", pipeline)}
    for item in dict.fromkeys(ids):
        if item not in have:
            store.save(res, {"dealGroup": pipeline, name: item}, None, source)

def shape_dealStages(store: Store, data: Record, old: Record | None, source: str) -> None:
    if source == "api" and "group" in data:
        store.require("dealGroups", data["group"])
    if old is None and not data.get("order") and data.get("group"):
        data["order"] = str(len(store.children("dealStages", "group", data["group"])) + 1)

def shape_dealTasks(store: Store, data: Record, old: Record | None, source: str) -> None:
    owner_type = as_text(data.pop("ownerType", "")).lower()
    if owner_type or "reltype" in data:
        data["reltype"] = RELTYPES.get(owner_type or as_text(data.get("reltype")).lower(), data.get("reltype"))
    if "status" in data:
        data["status"] = as_int(data["status"])
    for name in ("duedate", "edate"):
        when = parse_time(data.get(name))
        if when is not None:
            data[name] = format_time(when)
        elif data.get(name) and source == "api":
            raise invalid(name, f"The dealTask {name} is not a valid date.")
    reltype = data.get("reltype", (old or {}).get("reltype", "Deal"))
    relid = data.get("relid", (old or {}).get("relid"))
    if source == "api" and "relid" in data:
        parent = {"Deal": "deals", "Subscriber": "contacts"}.get(reltype)
        if parent:
            store.require(parent, relid)
    data["owner"] = {"type": "contact" if reltype == "Subscriber" else as_text(reltype).lower(), "id": as_text(relid)}

def shape_notes(store: Store, data: Record, old: Record | None, source: str) -> None:
    if "reltype" in data:
        data["reltype"] = RELTYPES.get(as_text(data["reltype"]).lower(), data["reltype"])
    reltype = data.get("reltype", (old or {}).get("reltype"))
    relid = data.get("relid", (old or {}).get("relid"))
    parent = NOTE_OWNERS.get(as_text(reltype))
    if source == "api" and parent and "relid" in data:
        store.require(parent, relid)
    data["owner"] = {"type": as_text(reltype).lower(), "id": as_text(relid)}

def shape_messages(store: Store, data: Record, old: Record | None, source: str) -> None:
    if "email" in data:
        data.setdefault("fromemail", data.pop("email"))

def shape_calendars(store: Store, data: Record, old: Record | None, source: str) -> None:
    if old is None:
        data.setdefault("token", secrets.token_hex(16))

def shape_users(store: Store, data: Record, old: Record | None, source: str) -> None:
    data.pop("password", None)
    if "group" in data:
        data["_group"] = data.pop("group")

def shape_webhooks(store: Store, data: Record, old: Record | None, source: str) -> None:
    for name, known in (("events", EVENTS_IN_API_ORDER), ("sources", WEBHOOK_SOURCES)):
        if name not in data:
            continue
        values = data[name]
        if isinstance(values, str):
            values = [v.strip() for v in values.split(",") if v.strip()]
        if source == "api":
            unknown = [v for v in values or [] if v not in known] if isinstance(values, list) else ["?"]
            if not values or unknown:
                raise invalid(name, f"The webhook {name} must be a non-empty list of: {', '.join(known)}.",
                              detail=f"Unknown {name}: {', '.join(map(str, unknown))}" if unknown else "")
        data[name] = list(values or [])


#: Per-resource shaping, by path: an explicit table (resources without an entry are stored as given).
SHAPERS: dict[str, Shaper] = {
    "contacts": shape_contacts,
    "fieldValues": shape_fieldValues,
    "fields": shape_fields,
    "fieldOptions": shape_fieldOptions,
    "contactLists": shape_contactLists,
    "contactTags": shape_contactTags,
    "lists": shape_lists,
    "contactAutomations": shape_contactAutomations,
    "deals": shape_deals,
    "dealGroups": shape_dealGroups,
    "dealStages": shape_dealStages,
    "dealTasks": shape_dealTasks,
    "notes": shape_notes,
    "messages": shape_messages,
    "calendars": shape_calendars,
    "users": shape_users,
    "webhooks": shape_webhooks,
}
