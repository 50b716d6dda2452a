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
    not_found,
    page_bounds,
)

RECORDS = "customObjects/records"
RELATION_KEY = re.compile(r"filters\[relationships\.([^\]]+)\]\[eq\]")


def root(store: Store, call: Call) -> Reply:
    """``GET /api/3/``: the documented way to check a key (``curl -H "Api-Token: ..." .../api/3/``)."""
    return Reply(200, {})


def bulk_delete_accounts(store: Store, call: Call) -> Reply:
    """``DELETE accounts/bulk_delete?ids[]=1&ids[]=2``: all of them or, when one does not exist, none."""
    ids = [i for key in ("ids[]", "ids", "[]ids") for value in call.query.get(key, []) for i in value.split(",") if i]
    accounts = RESOURCES["accounts"]
    found = [store.get("accounts", i) for i in ids]
    if not ids or None in found:
        raise ApiError(400, {"meta": {"success": False}, "errors": [{"title": "Every id must name an account."}]})
    for rec in found:
        store.delete(accounts, rec, "api")  # type: ignore[arg-type]
    return Reply(200, {"meta": {"success": True}})


def site_tracking(store: Store, call: Call) -> Reply:
    """``GET|PUT siteTracking``: whether site tracking is on (off in a new account)."""
    if call.method == "PUT":
        body = call.body.get("siteTracking") if isinstance(call.body, dict) else None
        if not isinstance(body, dict) or not isinstance(body.get("enabled"), bool):
            raise ApiError(400, {"errors": [{"status": 400, "title": "Bad Request",
                                             "detail": "siteTracking.enabled must be true or false."}]})
        store.site_tracking = body["enabled"]
    return Reply(200, {"siteTracking": {"enabled": store.site_tracking}})


def site_tracking_code(store: Store, call: Call) -> Reply:
    """``GET siteTracking/code``: the page snippet, as text."""
    account = store.base.rsplit(":", 1)[-1]
    snippet = ('<script type="text/javascript">\n'
               f'    vgo("setAccount", "{account}");\n    vgo("setTrackByDefault", true);\n    vgo("process");\n'
               '</script>')
    return Reply(200, raw=snippet.encode(), content_type="text/plain")


def bulk_delete_personalizations(store: Store, call: Call) -> Reply:
    """``DELETE personalizations/bulkdelete?ids=1,2``: all of them, or none when one does not exist."""
    res = RESOURCES["personalizations"]
    ids = [i.strip() for value in call.query.get("ids", []) for i in value.split(",") if i.strip()]
    found = [store.find(res, i) for i in ids]
    if not ids or None in found:
        raise not_found(res.entity, ",".join(i for i, rec in zip(ids, found, strict=True) if rec is None) or "(none)")
    for rec in found:
        store.delete(res, rec, "api")  # type: ignore[arg-type]
    return Reply(200, raw=b"Delete successful", content_type="text/plain")


def lock_personalization(store: Store, call: Call) -> Reply:
    """``PATCH personalizations/{id}/lock|unlock``: a locked variable cannot be edited in the app."""
    res = RESOURCES["personalizations"]
    rec = store.find(res, call.segments[1])
    if rec is None:
        raise not_found(res.entity, call.segments[1])
    store.save(res, {"isLocked": "1" if call.segments[2] == "lock" else "0"}, rec, "api")
    return Reply(200, {"success": True, "message": "Personalization updated successfully"})


def delete_schema_field(store: Store, call: Call) -> Reply:
    """``DELETE customObjects/schemas/{id}/fields/{fieldId}``: the field leaves the schema and its records."""
    schema = _schema(store, call.segments[1])
    field_id = call.segments[3]
    fields = [f for f in schema.get("fields") or [] if isinstance(f, dict)]
    if not any(f.get("id") == field_id for f in fields):
        raise ApiError(404, {"message": "Not Found"})
    schemas = RESOURCES["customObjects/schemas"]
    store.save(schemas, {"fields": [f for f in fields if f.get("id") != field_id]}, schema, "api")
    for rec in store.children(RECORDS, "schemaId", schema["id"]):
        rec["fields"] = [f for f in rec.get("fields") or [] if f.get("id") != field_id]
    return Reply(202, {"schema": store.render(schemas, schema)})


def move_tasks(store: Store, call: Call) -> Reply:
    """``PUT dealTasktypes/{id}/dealTasks``: the type's tasks get another type (``dealTask.dealTasktype``)."""
    kinds = RESOURCES["dealTasktypes"]
    source = store.find(kinds, call.segments[1])
    body = call.body.get("dealTask") if isinstance(call.body, dict) else None
    target_id = as_text((body or {}).get("dealTasktype"))
    if source is None:
        raise not_found(kinds.entity, call.segments[1])
    if store.find(kinds, target_id) is None:
        raise not_found(kinds.entity, target_id)
    moved = [store.save(RESOURCES["dealTasks"], {"dealTasktype": target_id}, task, "api")
             for task in store.children("dealTasks", "dealTasktype", source["id"])]
    deals = [d for d in (store.get("deals", t.get("relid")) for t in moved if t.get("reltype") == "Deal") if d]
    return Reply(200, {"dealTasks": store.render_all("dealTasks", moved), "deals": store.render_all("deals", deals)})


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
    by_external = "external" in call.segments
    schema = _schema(store, call.segments[call.segments.index("records") + 1])
    rec = _record(store, schema, call.segments[-1], "externalId" if by_external else "id")
    return Reply(200, {"record": store.render(RESOURCES[RECORDS], rec)})


def delete_object_record(store: Store, call: Call) -> Reply:
    schema = _schema(store, call.segments[2])
    by_external = len(call.segments) == 5
    rec = _record(store, schema, call.segments[-1], "externalId" if by_external else "id")
    store.delete(RESOURCES[RECORDS], rec, "api")
    return Reply(202, {})  # as every delete: an empty JSON object (docs/testing.md)



# --------------------------------------------------------------------------- bulk writes


def _items(call: Call, envelope: str | None = None) -> list[Record]:
    body = call.body.get(envelope) if envelope and isinstance(call.body, dict) else call.body
    if not isinstance(body, list) or not body or not all(isinstance(item, dict) for item in body):
        where = f"a {envelope} list" if envelope else "a list"
        raise ApiError(422, {"errors": [{"status": 422, "title": f"The request body must be {where} of objects."}]})
    return body


def bulk_create_field_data(store: Store, call: Call) -> Reply:
    """``POST deal|accountCustomFieldData/bulkCreate``: a list of values, each created or updated."""
    res = RESOURCES[call.segments[0]]
    items = _items(call)
    for item in items:
        store.check_required(res, item)
    for item in items:
        store.upsert(res, item, res.upsert_on, "api")
    return Reply(200, {"message": "the bulk insert was successful"})


def bulk_update_field_data(store: Store, call: Call) -> Reply:
    """``PATCH deal|accountCustomFieldData/bulkUpdate``: ``[{id, fieldValue}, ...]``, all ids must exist."""
    res = RESOURCES[call.segments[0]]
    items = _items(call)
    found = [(store.find(res, as_text(item.get("id"))), item) for item in items]
    for rec, item in found:
        if rec is None:
            raise not_found(res.entity or res.singular, item.get("id"))
    for rec, item in found:
        store.save(res, {k: v for k, v in item.items() if k != "id"}, rec, "api")
    ids = ", ".join(as_text(item.get("id")) for item in items)
    name = "DealCustomFieldDatas" if res.plural.startswith("deal") else "AccountCustomFieldDatas"
    return Reply(200, {"message": f"{name} with ID(s): {ids} successfully bulk updated."})


def bulk_update_deals(store: Store, call: Call) -> Reply:
    """``PATCH deals/bulkUpdate``: ``{"deals": [{id, ownerId}]}``; each id succeeds, is unchanged or fails."""
    deals, users = RESOURCES["deals"], RESOURCES["users"]
    out: dict[str, list[str]] = {"success": [], "nochange": [], "failed": []}
    for item in _items(call, "deals"):
        deal, owner = store.find(deals, as_text(item.get("id"))), as_text(item.get("ownerId"))
        if deal is None or store.find(users, owner) is None:
            out["failed"].append(as_text(item.get("id")))
        elif as_text(deal.get("owner")) == owner:
            out["nochange"].append(deal["id"])
        else:
            store.save(deals, {"owner": owner}, deal, "api")
            out["success"].append(deal["id"])
    return Reply(200, out)
