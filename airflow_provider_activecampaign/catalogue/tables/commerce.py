"""E-commerce (connections, customers, orders, order products) and custom objects (schemas and records)."""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue.model import (
    CREATE,
    DELETE,
    GET,
    LIST,
    TEXT_ID,
    Action,
    Filter,
    NaturalKey,
    Resource,
    SubCollection,
)
from airflow_provider_activecampaign.catalogue.types import Rule, enum, ident, required, text

_URL = text(pattern=r"https?://\S+")
#: Amounts are whole cents: $456.78 is 45678.
_CENTS = Rule("int", minimum=0)
#: 0: a historical order (no automations, not on the dashboard), 1: real-time.
ORDER_SOURCES = (0, 1)
ORDER_PRODUCT_FIELDS = ("externalid", "name", "price", "quantity", "category", "sku", "description", "imageUrl",
                        "productUrl")

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "connection", "connections", "connection", "connections",
        fields={
            "service": required(text()), "externalid": required(text()), "name": required(text()),
            "logoUrl": required(_URL), "linkUrl": required(_URL), "listId": ident(),
            "status": enum(0, 1), "syncStatus": enum(0, 1),
        },
        filters={"service": Filter("filters[service]"), "externalid": Filter("filters[externalid]")},
        natural_key=NaturalKey(("service", "externalid"), {"service": "service", "externalid": "externalid"}),
    ),
    Resource(
        "ecomCustomer", "ecomCustomers", "ecomCustomer", "ecomCustomers",
        fields={
            "connectionid": ident(required=True), "externalid": required(text()),
            "email": Rule("email", required=True), "acceptsMarketing": Rule("flag"),
        },
        filters={"email": Filter("filters[email]", Rule("email")), "externalid": Filter("filters[externalid]"),
                 "connectionid": Filter("filters[connectionid]", ident())},
        created="tstamp", updated=None,
        natural_key=NaturalKey(("connectionid", "externalid"),
                               {"connectionid": "connectionid", "externalid": "externalid"}),
    ),
    Resource(
        "ecomOrder", "ecomOrders", "ecomOrder", "ecomOrders",
        fields={
            "externalid": text(), "externalcheckoutid": text(), "source": enum(*ORDER_SOURCES, required=True),
            "email": Rule("email", required=True), "orderProducts": Rule("list"),
            "totalPrice": Rule("int", required=True, minimum=0), "shippingAmount": _CENTS, "taxAmount": _CENTS,
            "discountAmount": _CENTS, "currency": Rule("currency", required=True),
            "connectionid": ident(required=True), "customerid": ident(required=True), "orderUrl": _URL,
            "externalCreatedDate": Rule("date", required=True), "externalUpdatedDate": Rule("date"),
            "abandonedDate": Rule("date"), "shippingMethod": text(), "orderNumber": text(),
            "orderDiscounts": Rule("list"),
        },
        filters={
            "connectionid": Filter("filters[connectionid]", ident()), "externalid": Filter("filters[externalid]"),
            "externalcheckoutid": Filter("filters[externalcheckoutid]"),
            "email": Filter("filters[email]", Rule("email")), "state": Filter("filters[state]", enum(0, 1)),
            "customerid": Filter("filters[customerid]", ident()),
            "external_created_date": Filter("filters[external_created_date]", Rule("date")),
        },
        orders=("connectionid", "externalid", "externalcheckoutid", "email", "state", "customerid",
                "external_created_date"),
        created="createdDate", updated="updatedDate",
        # an order is an order or an abandoned cart: it has one of the two external ids
        one_of=(("externalid", "externalcheckoutid"),),
        natural_key=NaturalKey(("connectionid", "externalid", "externalcheckoutid"),
                               {"connectionid": "connectionid", "externalid": "externalid",
                                "externalcheckoutid": "externalcheckoutid"}),
    ),
    Resource(
        "ecomOrderProduct", "ecomOrderProducts", "ecomOrderProduct", "ecomOrderProducts", frozenset({GET, LIST}),
        created="createdDate", updated="updatedDate",
    ),
    Resource(
        "customObjectSchema", "customObjects/schemas", "schema", "schemas",
        fields={
            "slug": required(text(pattern=r"[a-z0-9][a-z0-9-]*")), "labels": Rule("dict", required=True),
            "description": text(), "appId": text(), "fields": Rule("list"), "icons": Rule("dict"),
            "relationships": Rule("list"),
        },
        filters={"show_fields": Filter("showFields", enum("all", "none"))},
        id_rule=TEXT_ID, created="createdTimestamp", updated="updatedTimestamp",
        natural_key=NaturalKey(("slug",)),
    ),
    Resource(
        "customObjectRecord", "customObjects/records/{parent}", "record", "records",
        frozenset({CREATE, GET, DELETE, LIST}),
        fields={
            "id": text(), "externalId": text(), "fields": Rule("list", required=True),
            "relationships": Rule("dict"),
        },
        filters={"external_id": Filter("filters[externalId]")},
        parent="customObjectSchema", parent_rule=TEXT_ID, id_rule=TEXT_ID,
        created="createdTimestamp", updated="updatedTimestamp",
    ),
)

SUBCOLLECTIONS: tuple[SubCollection, ...] = (
    SubCollection("ecomOrder", "ecomOrderProduct", "ecomOrders/{parent}/orderProducts"),
)

_SCHEMA = {"schemaId": TEXT_ID}
ACTIONS: tuple[Action, ...] = (
    Action("customObjectSchema.createPublic", "POST", "customObjects/schemas/public", envelope="schema",
           reply="schema", doc="create a public schema (for an app: appId)"),
    Action("customObjectSchema.createChild", "POST", "customObjects/schemas/{schemaId}/child", params=_SCHEMA,
           reply="schema", doc="create a child schema of a public schema"),
    Action("customObjectSchema.deleteField", "DELETE", "customObjects/schemas/{schemaId}/fields/{fieldId}",
           params={**_SCHEMA, "fieldId": TEXT_ID}, reply="schema", doc="delete one field of a schema"),
    Action("customObjectRecord.getByExternalId", "GET", "customObjects/records/{schemaId}/external/{externalId}",
           params={**_SCHEMA, "externalId": TEXT_ID}, reply="record",
           doc="the record with this external id (the document prints the path without customObjects/)"),
    Action("customObjectRecord.deleteByExternalId", "DELETE",
           "customObjects/records/{schemaId}/external/{externalId}",
           params={**_SCHEMA, "externalId": TEXT_ID}, doc="delete the record with this external id"),
)
