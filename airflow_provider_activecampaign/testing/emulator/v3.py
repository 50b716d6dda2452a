"""The v3 API's handlers: collection and item CRUD, sub-collections, and the special endpoints.

Every handler takes the store and the parsed request (``Call``) and returns a ``Reply`` or raises
``ApiError``; ``routes`` says which handler serves which method and path.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.testing.emulator.filters import compared, deal_contact
from airflow_provider_activecampaign.testing.emulator.names import EVENTS_IN_API_ORDER
from airflow_provider_activecampaign.testing.emulator.resources import (
    NOTE_PARENTS,
    ORDER_ALIASES,
    RESOURCES,
    Resource,
)
from airflow_provider_activecampaign.testing.emulator.store import Store
from airflow_provider_activecampaign.testing.emulator.sublists import SUBLISTS
from airflow_provider_activecampaign.testing.emulator.values import (
    FILTER_KEY,
    OPERATOR_KEY,
    ORDER_KEY,
    ApiError,
    Call,
    Query,
    Record,
    Reply,
    as_int,
    as_text,
    first,
    not_found,
    page_bounds,
    problem,
    scalar,
    sort_key,
    truthy,
)


def _payload(res: Resource, call: Call) -> Record:
    body = call.body if isinstance(call.body, dict) else {}
    data = body.get(res.singular)
    return dict(data) if isinstance(data, dict) else {}


def _item(store: Store, res: Resource, key: str) -> Record:
    rec = store.find(res, key)
    if rec is None:
        raise not_found(res.entity, key)
    return rec


def list_records(store: Store, call: Call) -> Reply:
    return listing(store, RESOURCES[call.segments[0]], call)



def listing(store: Store, res: Resource, call: Call, base: list[Record] | None = None) -> Reply:
    """A list reply: filtered, ordered, one page, with the resource's meta and side-loads (``base``: the
    records of a sub-collection, which has side-loads of its own and no meta)."""
    limit, offset = page_bounds(call.query)
    span = _id_span(store, res, call) if base is None else None
    if span is None:
        candidates = store.ordered(res.plural) if base is None else base
        items = _sort(store, res, [rec for rec in candidates if _matches(store, res, rec, call.query)], call.pairs)
        count, page = len(items), items[offset:offset + limit]
    else:  # a plain page in id order: a slice of the table, whatever its size
        start, stop = span
        count, page = stop - start, store.tables[res.plural].rows(start + offset, min(stop, start + offset + limit))
    total: Any = str(count) if res.total_as_str else count
    rendered = [store.render(res, rec) for rec in page]
    if res.plural == "accounts" and truthy(first(call.query, "count_deals")):
        for out in rendered:
            out["dealCount"] = str(len(store.children("deals", "account", out["id"])))
            out["contactCount"] = "0"
    meta: Record = {"total": total}
    if res.paged_meta:
        meta.update(count=len(rendered), limit=limit, offset=offset)
    if res.plural == "deals":
        table = store.tables["deals"]
        meta["currencies"] = _currencies(items) if span is None else table.summary(
            ("currencies", span), lambda: _currencies(table.rows(*span)))
    if res.plural == "contacts":
        meta["page_input"] = {"limit": limit, "offset": offset, "status": as_int(first(call.query, "status"), -1)}
    if base is not None:  # no meta in any of the document's examples of a sub-collection
        return Reply(200, {**store.sideloads(res, page, "sublist"), res.many: rendered})
    return Reply(200, {**store.sideloads(res, page, "list"), res.many: rendered, "meta": meta})


def _id_span(store: Store, res: Resource, call: Call) -> tuple[int, int] | None:
    """Table positions of a list with no filter and no order but id ascending (``id_greater``/``id_less``
    allowed where the resource has them), or None when the list must be filtered and sorted."""
    bounds: dict[str, int] = {}
    for key, values in call.query.items():
        value = values[-1]
        if value == "" or key in ("limit", "offset") or (key == "orders[id]" and value.upper() == "ASC"):
            continue
        if key in ("id_greater", "id_less") and key in res.params:
            bounds[key] = as_int(value, 0 if key == "id_greater" else 1 << 62)
        elif key.startswith(("filters[", "orders[")) or key in res.params:
            return None
    return store.tables[res.plural].span(bounds.get("id_greater"), bounds.get("id_less"))


def _currencies(deals: list[Record]) -> Record:
    out: Record = {}
    for deal in deals:
        code = as_text(deal.get("currency")).upper()
        entry = out.setdefault(code, {"currency": code, "total": "0", "value": "0"})
        entry["total"] = str(int(entry["total"]) + 1)
        entry["value"] = str(int(entry["value"]) + as_int(deal.get("value")))
    return out


def _matches(store: Store, res: Resource, rec: Record, query: Query) -> bool:
    for key, values in query.items():
        value = ",".join(values) if key.endswith("[]") else values[-1]
        if value == "":
            continue
        match, with_operator = FILTER_KEY.fullmatch(key), OPERATOR_KEY.fullmatch(key)
        if with_operator:
            name = res.operators.get(with_operator.group(1))
            predicate = compared(name, with_operator.group(2)) if name else None
        elif match:
            name = match.group(1)
            predicate = res.filters.get(name)  # unknown filters are ignored, as the API ignores them
        else:
            predicate = res.params.get(key)
        if predicate is not None and not predicate(store, rec, value, query):
            return False
    return True


def _sort(store: Store, res: Resource, items: list[Record], pairs: list[tuple[str, str]]) -> list[Record]:
    """``orders[FIELD]=ASC|DESC``, several in query order, after a default of id ascending."""
    orders = [(m.group(1), value.upper()) for key, value in pairs if (m := ORDER_KEY.fullmatch(key))]
    if orders:
        items = sorted(items, key=lambda rec: int(rec["id"]))
    for name, direction in reversed(orders):
        items.sort(key=lambda rec: sort_key(_order_value(store, res, rec, name)), reverse=direction == "DESC")
    return items


def _order_value(store: Store, res: Resource, rec: Record, name: str) -> Any:
    if res.plural == "contacts" and name == "name":
        return f"{as_text(rec.get('firstName'))} {as_text(rec.get('lastName'))}".strip()
    if res.plural == "deals" and name in ("contact_name", "contact_orgname"):
        contact = deal_contact(store, rec)
        return contact.get("firstName" if name == "contact_name" else "orgname")
    return rec.get(ORDER_ALIASES.get(name, name))


def create_record(store: Store, call: Call) -> Reply:
    res = RESOURCES[call.segments[0]]
    data = _payload(res, call)
    if res.upsert_on:
        rec, _ = store.upsert(res, data, res.upsert_on, "api")
    else:
        rec = store.save(res, data, None, "api")
    return _written(store, res, rec, res.create_status, data)


def _written(store: Store, res: Resource, rec: Record, status: int, data: Mapping[str, Any],
             kind: str = "create") -> Reply:
    out = store.render(res, rec)
    if res.plural == "contacts" and isinstance(data.get("fieldValues"), list):
        out["fieldValues"] = [value["id"] for value in store.children("fieldValues", "contact", rec["id"])]
    if res.plural == "dealGroups":  # a written pipeline names its permissions
        for plural in ("dealGroupGroups", "dealGroupUsers"):
            out[plural] = [link["id"] for link in store.children(plural, "dealGroup", rec["id"])]
    if res.plural == "deals" and isinstance(data.get("fields"), list):
        out["fields"] = [{**item, "dealId": rec["id"]} for item in data["fields"] if isinstance(item, dict)]
    return Reply(status, {**store.sideloads(res, [rec], kind), res.singular: out})


def get_record(store: Store, call: Call) -> Reply:
    res = RESOURCES[call.segments[0]]
    rec = _item(store, res, call.segments[1])
    out = store.render(res, rec)
    if res.plural == "contacts":
        for plural in ("contactAutomations", "contactLists", "fieldValues", "deals"):
            out[plural] = [r["id"] for r in store.children(plural, "contact", rec["id"])]
        out.update(geoIps=[], accountContacts=[])
    return Reply(200, {**store.sideloads(res, [rec], "get"), res.singular: out})


def update_record(store: Store, call: Call) -> Reply:
    res = RESOURCES[call.segments[0]]
    rec = _item(store, res, call.segments[1])
    data = _payload(res, call)
    return _written(store, res, store.save(res, data, rec, "api"), 200, data, "update")


def delete_record(store: Store, call: Call) -> Reply:
    res = RESOURCES[call.segments[0]]
    rec = store.find(res, call.segments[1])
    if rec is None:
        if res.delete_404:
            raise ApiError(404, {"message": res.delete_404.format(id=call.segments[1])})
        raise not_found(res.entity, call.segments[1])
    store.delete(res, rec, "api")
    return Reply(200, copy.deepcopy(res.delete_body))


def sublist(store: Store, call: Call) -> Reply:
    res = RESOURCES[call.segments[0]]
    parent = _item(store, res, call.segments[1])
    plural, name, fixed = SUBLISTS[(res.plural, call.segments[2])]
    base = [rec for rec in store.children(plural, name, parent["id"])
            if all(as_text(rec.get(k)) == v for k, v in fixed.items())]
    return listing(store, RESOURCES[plural], call, base)


def contact_sync(store: Store, call: Call) -> Reply:
    res = RESOURCES["contacts"]
    data = _payload(res, call)
    store.check_required(res, data)
    rec, created = store.sync_contact(data, "api")
    return _written(store, res, rec, 201 if created else 200, data)


def move_deals(store: Store, call: Call) -> Reply:
    source_stage = _item(store, RESOURCES["dealStages"], call.segments[1])
    target_id = as_text(scalar(_payload(RESOURCES["deals"], call).get("stage")))
    if not target_id:
        raise ApiError(422, {"errors": [problem("stage", "The deal stage was not provided.", "field_missing")]})
    target = _item(store, RESOURCES["dealStages"], target_id)
    if target["group"] != source_stage["group"]:
        raise ApiError(422, {"errors": [{"detail": "Target stage does not belong to same pipeline",
                                         "source": {"pointer": "/data/attributes/stage"}, "status": 422,
                                         "title": "Invalid attribute"}]})
    moved = [store.save(RESOURCES["deals"], {"stage": target["id"]}, deal, "api")
             for deal in store.children("deals", "stage", source_stage["id"])]
    return Reply(200, {"deals": store.render_all("deals", moved)})


def parent_note(store: Store, call: Call) -> Reply:
    parent_res = RESOURCES[call.segments[0]]
    parent = _item(store, parent_res, call.segments[1])
    notes = RESOURCES["notes"]
    data = {**_payload(notes, call), "relid": parent["id"], "reltype": NOTE_PARENTS[parent_res.plural]}
    if call.method == "POST":
        rec, status = store.save(notes, data, None, "api"), 201
    else:
        note = _item(store, notes, call.segments[3])
        if note.get("relid") != parent["id"] or note.get("reltype") != data["reltype"]:
            raise not_found(notes.entity, call.segments[3])
        rec, status = store.save(notes, data, note, "api"), 200
    return Reply(status, {parent_res.plural: [store.render(parent_res, parent)], "note": store.render(notes, rec)})


def field_options(store: Store, call: Call) -> Reply:
    items = call.body.get("fieldOptions") if isinstance(call.body, dict) else None
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        message = "Bulk operation failed. Request must contain an array of fieldOption objects."
        raise ApiError(422, {"errors": message})
    res = RESOURCES["fieldOptions"]
    for item in items:
        store.check_required(res, item)
        store.require("fields", item.get("field"))
    created = [store.save(res, item, None, "api") for item in items]
    return Reply(201, {"fieldOptions": store.render_all("fieldOptions", created)})


def event_tracking(store: Store, call: Call) -> Reply:
    if call.method == "PUT":
        body = call.body.get("eventTracking") if isinstance(call.body, dict) else None
        if not isinstance(body, dict) or "enabled" not in body:
            raise ApiError(400, {"errors": [{"status": 400, "title": "Bad Request",
                                             "detail": "eventTracking.enabled is required."}]})
        enabled = body["enabled"]
        store.tracking_enabled = enabled if isinstance(enabled, bool) else truthy(enabled)
    return Reply(200, {"eventTracking": {"enabled": store.tracking_enabled}})


def me(store: Store, call: Call) -> Reply:
    return Reply(200, {"user": store.render(RESOURCES["users"], store.require("users", "1"))})


def user_by(store: Store, call: Call) -> Reply:
    name, value = {"email": "email", "username": "username"}[call.segments[1]], call.segments[2]
    users = RESOURCES["users"]
    user = next((u for u in store.ordered("users") if as_text(u.get(name)).lower() == value.lower()), None)
    if user is None:
        raise not_found(users.entity, value)
    return Reply(200, {"user": store.render(users, user)})


def webhook_events(store: Store, call: Call) -> Reply:
    return Reply(200, {"webhookEvents": list(EVENTS_IN_API_ORDER), "meta": {"total": len(EVENTS_IN_API_ORDER)}})


def delete_campaign(store: Store, call: Call) -> Reply:
    rec = store.get("campaigns", call.segments[1])
    if rec is None:  # a documented failure that comes back as 200
        return Reply(200, {"succeeded": 0, "message": "The campaign could not be deleted: it does not exist "
                                                      "or you do not have permission to delete it."})
    store.delete(RESOURCES["campaigns"], rec, "api")
    return Reply(200, {"succeeded": 1, "message": "The campaign was deleted."})

