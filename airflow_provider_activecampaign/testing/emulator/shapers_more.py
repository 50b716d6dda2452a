"""Checks and side effects of the collections in ``resources_more`` (see ``shapers`` for the contract).

Only the API's answers the emulator can know: what a record points at must exist, the request's
own spellings (``company_name``, ``listid``) are the record's, an order makes its products.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from airflow_provider_activecampaign.testing.emulator.resources import RESOURCES
from airflow_provider_activecampaign.testing.emulator.values import ApiError, Record, as_text, invalid, problem

if TYPE_CHECKING:
    from airflow_provider_activecampaign.testing.emulator.store import Store

After = Callable[[Record], None]


def _require(store: Store, data: Record, old: Record | None, source: str, links: dict[str, str]) -> None:
    """Each field named in ``links`` (field -> collection) must name an existing record (API writes only)."""
    if source != "api":
        return
    for name, plural in links.items():
        value = data.get(name, (old or {}).get(name))
        if value not in (None, "") and store.get(plural, value) is None:
            raise invalid(name, f"The {name} {value} does not exist.", "related_missing")


def _renamed(data: Record, names: dict[str, str]) -> None:
    for given, stored in names.items():
        if given in data:
            data.setdefault(stored, data.pop(given))


def _required(data: Record, singular: str, names: tuple[str, ...]) -> None:
    """Required fields, checked after the request's spellings are read (``company_name``...)."""
    missing = [name for name in names if data.get(name) in (None, "", [])]
    if missing:
        raise ApiError(422, {"errors": [problem(name, f"The {singular} {name} was not provided.", "field_missing")
                                        for name in missing]})


def shape_deal_field_data(store: Store, data: Record, old: Record | None, source: str) -> None:
    if "customFieldId" in data:
        data["dealCustomFieldMetumId"] = data["customFieldId"]


def _linked_once(store: Store, data: Record, old: Record | None, source: str, link: tuple[str, str, str],
                 title: str) -> None:
    """A link (collection, its contact's other end) is made once: a second create of it is refused."""
    plural, other, owner = link
    if source == "api" and old is None and any(as_text(rec.get(other)) == as_text(data.get(other))
                                               for rec in store.children(plural, owner, data.get(owner))):
        raise invalid(owner, title, "duplicate")


def shape_account_contacts(store: Store, data: Record, old: Record | None, source: str) -> None:
    _require(store, data, old, source, {"contact": "contacts", "account": "accounts"})
    _linked_once(store, data, old, source, ("accountContacts", "account", "contact"),
                 "The contact is already associated with this account.")


def shape_account_field_data(store: Store, data: Record, old: Record | None, source: str) -> None:
    _require(store, data, old, source, {"accountId": "accounts", "customFieldId": "accountCustomFieldMeta"})
    if "customFieldId" in data:
        data["accountCustomFieldMetumId"] = data["customFieldId"]


def shape_addresses(store: Store, data: Record, old: Record | None, source: str) -> After | None:
    _renamed(data, {"company_name": "companyName", "address_1": "address1", "address_2": "address2"})
    if source == "api" and old is None:
        _required(data, "address", ("companyName", "address1", "country"))
    group, lst = data.pop("groupid", None), data.pop("listid", None)

    def after(rec: Record) -> None:
        if group not in (None, ""):
            store.save(RESOURCES["addressGroups"], {"address": rec["id"], "group": group}, None, source)
        if lst not in (None, ""):
            store.save(RESOURCES["addressLists"], {"address": rec["id"], "list": lst}, None, source)
    return after if group or lst else None


def shape_contact_deals(store: Store, data: Record, old: Record | None, source: str) -> None:
    _require(store, data, old, source, {"contact": "contacts", "deal": "deals"})
    _linked_once(store, data, old, source, ("contactDeals", "deal", "contact"),
                 "The contact is already a contact of this deal.")


def shape_list_groups(store: Store, data: Record, old: Record | None, source: str) -> None:
    _renamed(data, {"listid": "list", "groupid": "group"})
    if source == "api":
        _required(data, "listGroup", ("list", "group"))
    if source == "api" and (store.get("lists", data.get("list")) is None
                            or store.get("groups", data.get("group")) is None):
        raise ApiError(403, {"message": "Forbidden"})


def shape_ecom_customers(store: Store, data: Record, old: Record | None, source: str) -> None:
    _require(store, data, old, source, {"connectionid": "connections"})
    if "connectionid" in data:
        data["connection"] = data["connectionid"]


def shape_ecom_orders(store: Store, data: Record, old: Record | None, source: str) -> After | None:
    """An order keeps its products as ``ecomOrderProducts`` records (replaced when the order is updated)."""
    _require(store, data, old, source, {"connectionid": "connections", "customerid": "ecomCustomers"})
    for name, stored in (("connectionid", "connection"), ("customerid", "customer")):
        if name in data:
            data[stored] = data[name]
    products = data.get("orderProducts")
    if products is None:
        return None
    if source == "api" and (not isinstance(products, list) or not all(isinstance(p, dict) for p in products)):
        raise invalid("orderProducts", "The order products must be a list of objects.")
    data["totalProducts"] = str(len(products))

    def after(rec: Record) -> None:
        for item in store.children("ecomOrderProducts", "orderid", rec["id"]):
            store.tables["ecomOrderProducts"].pop(item["id"], None)
        for item in products:
            fields = {k: v for k, v in item.items() if k != "id"}
            store.save(RESOURCES["ecomOrderProducts"], {**fields, "orderid": rec["id"], "ecomOrder": rec["id"],
                                                        "connectionid": rec.get("connectionid")}, None, source)
    return after


def shape_schemas(store: Store, data: Record, old: Record | None, source: str) -> None:
    if source != "api" or "slug" not in data:
        return
    for rec in store.ordered("customObjects/schemas"):
        if rec is not old and as_text(rec.get("slug")) == as_text(data["slug"]):
            raise ApiError(422, {"errors": [{"title": "Duplicate slug", "detail": f"A schema with slug "
                                             f"{data['slug']!r} already exists.", "source": {"pointer": "/slug"}}]})


MORE_SHAPERS: dict[str, Callable[..., After | None]] = {
    "accountContacts": shape_account_contacts,
    "accountCustomFieldData": shape_account_field_data,
    "dealCustomFieldData": shape_deal_field_data,
    "addresses": shape_addresses,
    "contactDeals": shape_contact_deals,
    "listGroups": shape_list_groups,
    "ecomCustomers": shape_ecom_customers,
    "ecomOrders": shape_ecom_orders,
    "customObjects/schemas": shape_schemas,
}
