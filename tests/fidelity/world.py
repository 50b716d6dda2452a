"""An emulated account with a record in every collection, and the document's operations made concrete.

``build(emulator)`` puts one record (with its relations) into each collection the demo seed leaves
empty; ``path(template, ids)`` fills a document path's placeholders with ids of those records;
``body(method, template)`` is the document's own request example, with the few changes listed in
``BODIES`` where the example names records an account cannot have twice (an e-mail, a slug...).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

SPEC = json.loads((Path(__file__).parents[1] / "data" / "openapi-v3.json").read_text())
METHODS = ("get", "post", "put", "delete", "patch")
#: every operation of the document: (METHOD, template)
OPERATIONS = sorted((method.upper(), template) for template, item in SPEC["paths"].items()
                    for method in item if method in METHODS)

#: the records each collection gets (``{name}`` is the id of that collection's record)
RECORDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("scores", {"name": "Engagement", "reltype": "contact"}),
    ("scoreValues", {"contact": "1", "score": "1", "deal": "1", "scoreValue": "5"}),
    ("bounceLogs", {"contact": "1", "email": "alice@example.com", "subscriberid": "1"}),
    ("contactGoals", {"contact": "1", "automation": "1"}),
    ("contactLogs", {"contact": "1"}),
    ("geoIps", {"contact": "1", "ip4": "2130706433", "geoAddress": "1"}),
    ("trackingLogs", {"contact": "1", "type": "event"}),
    ("contactData", {"contact": "1", "tstamp": "2024-01-02T09:00:00-06:00"}),
    ("plusAppend", {"contact": "1"}),
    ("accountContacts", {"contact": "1", "account": "1", "jobTitle": "Buyer"}),
    ("accountCustomFieldMeta", {"fieldLabel": "Tier", "fieldType": "text"}),
    ("accountCustomFieldData", {"accountId": "1", "customFieldId": "1", "fieldValue": "Gold",
                                "accountCustomFieldMetumId": "1"}),
    ("dealCustomFieldMeta", {"fieldLabel": "Source", "fieldType": "text"}),
    ("dealCustomFieldData", {"dealId": "1", "customFieldId": "1", "fieldValue": "Web"}),
    ("addresses", {"companyName": "Acme Inc", "address1": "1 Main St", "country": "US"}),
    ("addressGroups", {"address": "1", "group": "1"}),
    ("addressLists", {"address": "1", "list": "1"}),
    ("contactDeals", {"contact": "2", "deal": "1"}),
    ("connections", {"service": "shop", "externalid": "shop-1", "name": "Shop", "logoUrl": "", "linkUrl": ""}),
    ("ecomCustomers", {"connectionid": "1", "connection": "1", "externalid": "cust-1", "email": "alice@example.com"}),
    ("ecomOrders", {"connectionid": "1", "customerid": "1", "externalid": "order-1", "email": "alice@example.com",
                    "totalPrice": "4900", "currency": "usd", "source": "1",
                    "externalCreatedDate": "2024-01-02T09:00:00-06:00"}),
    ("ecomOrderProducts", {"orderid": "1", "ecomOrder": "1", "connectionid": "1", "name": "Pogo", "price": "4900"}),
    ("forms", {"name": "Sign-up"}),
    ("savedResponses", {"title": "Thanks", "subject": "Thanks", "body": "Thank you"}),
    ("links", {"campaign": "1", "campaignid": "1", "message": "1", "messageid": "1", "link": "open"}),
    ("activities", {"contact": "1", "reference_type": "note", "tstamp": "2024-01-02T09:00:00-06:00"}),
    ("dealActivities", {"d_id": "1", "deal": "1", "dataType": "note", "dataId": "1"}),
    ("emailActivities", {"subscriberid": "1", "dealId": "1", "subject": "Hello"}),
    ("customObjects/schemas", {"slug": "fidelity-object", "labels": {"singular": "Thing", "plural": "Things"},
                               "fields": [{"id": "my-number-field", "type": "number", "required": False}]}),
    ("customObjects/records", {"schemaId": "1", "externalId": "thing-1",
                               "fields": [{"id": "my-number-field", "value": 1}]}),
    ("webhooks", {"name": "Hook", "url": "https://example.com/hook", "events": ["subscribe"], "sources": ["api"]}),
    ("eventTrackingEvents", {"name": "signup"}),
    ("listGroups", {"list": "1", "group": "1"}),
    ("fieldOptions", {"field": "1", "label": "Blue", "value": "Blue"}),
    ("fieldRels", {"field": "1", "relid": "1"}),
    ("notes", {"note": "Account note", "relid": "1", "reltype": "CustomerAccount"}),
    ("personalizations", {"name": "Company", "tag": "COMPANY", "content": "Acme"}),
    ("dealRoles", {"title": "Decision maker"}),
    ("taskOutcomes", {"title": "Interested", "sentiment": "Positive"}),
    ("tasktypeOutcomeRels", {"outcome_id": "1", "tasktype_id": "1", "outcome": "1", "tasktype": "1"}),
    ("templates", {"name": "Plain", "subject": "Hello"}),
    ("groupLimits", {"group": "1", "groupid": "1"}),
    ("configs", {"keyname": "deals.show", "section": "deals", "item": "show", "val": "1"}),
    ("lists/exclusions", {"matchPhrase": "spam@example.com", "lists": ["1"]}),
)


def build(emulator: ActiveCampaignEmulator) -> None:
    """Fill every collection the demo seed leaves empty."""
    for plural, fields in RECORDS:
        if plural == "notes" or not emulator.ids(plural):
            emulator.insert(plural, **fields)


#: placeholders that are not the id of the collection before them
SPECIAL_PATHS: dict[str, str] = {
    "/accounts/{id}/notes/{noteid}": "/accounts/1/notes/2",
    "/users/email/{email}": "/users/email/admin@example.com",
    "/users/username/{username}": "/users/username/admin",
    "/eventTrackingEvents/{eventName}": "/eventTrackingEvents/signup",
    "/customObjects/records/{schemaId}/external/{externalId}": "/customObjects/records/1/external/thing-1",
    "/records/{schemdId}/external/{externalId}": "/records/1/external/thing-1",
    "/customObjects/records/{schemaId}/{recordId}": "/customObjects/records/1/1",
    "/accounts/bulk_delete": "/accounts/bulk_delete?ids[]=1",
    "/personalizations/bulkdelete": "/personalizations/bulkdelete?ids=1",
    "/customObjects/schemas/{schemaId}/fields/{fieldId}": "/customObjects/schemas/1/fields/my-number-field",
}


def path(template: str) -> str:
    """The template with ids of records that exist (every collection's first record is id 1)."""
    if template in SPECIAL_PATHS:
        return SPECIAL_PATHS[template]
    return re.sub(r"\{[^}]+\}", "1", template)


#: request bodies where the document's example cannot be sent as it is, and why
BODIES: dict[tuple[str, str], Any] = {
    # the example's e-mail and names are those of records the account already has
    ("POST", "/contacts"): {"contact": {"email": "new.person@example.com", "firstName": "New"}},
    ("POST", "/accounts"): {"account": {"name": "Fidelity Corp"}},
    ("POST", "/eventTrackingEvents"): {"eventTrackingEvent": {"name": "fidelity event"}},
    ("POST", "/customObjects/schemas"): {"schema": {"slug": "fidelity-two", "labels": {
        "singular": "Two", "plural": "Twos"}, "fields": [{"id": "size", "type": "number"}]}},
    ("PUT", "/customObjects/schemas/{schemaId}"): {"schema": {"description": "Changed"}},
    ("POST", "/customObjects/records/{schemaId}"): {"record": {"externalId": "thing-2", "fields": [
        {"id": "my-number-field", "value": "2"}]}},
    ("POST", "/fields"): {"field": {"type": "text", "title": "Fidelity field"}},
    # the examples name values 1 to 6 and custom fields 1 to 4; the account has one of each
    ("PATCH", "/dealCustomFieldData/bulkUpdate"): [{"id": "1", "fieldValue": "test title"}],
    ("PATCH", "/accountCustomFieldData/bulkUpdate"): [{"id": "1", "fieldValue": "test title"}],
    ("POST", "/accountCustomFieldData/bulkCreate"): [{"customerAccountId": "1", "customFieldId": "1",
                                                      "fieldValue": "Gold"}],
    # the document gives no example for these two
    ("POST", "/dealRoles"): {"dealRole": {"title": "Champion"}},
    ("POST", "/personalizations"): {"personalization": {"name": "Region", "tag": "REGION", "content": "EMEA",
                                                        "format": "text", "listids": "1"}},
    # the document's example sends a taskOutcome (copied from POST /taskOutcomes)
    ("POST", "/tasktypeOutcomeRels"): {"tasktypeOutcomeRel": {"outcome_id": "1", "tasktype_id": "2"}},
    ("PUT", "/tasktypeOutcomeRels/{id}"): {"tasktypeOutcomeRel": {"display_order": "2"}},
    ("POST", "/accountContacts"): {"accountContact": {"contact": 2, "account": 1, "jobTitle": "Product Manager"}},
    ("POST", "/contactDeals"): {"contactDeal": {"contact": "3", "deal": "1"}},
}


#: ids in the document's examples that name records the account does not have: slash path -> an id it has
REFERENCES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/accountCustomFieldData"): {"accountCustomFieldDatum/accountId": "1"},
    ("POST", "/contact/sync"): {"contact/fieldValues/1/field": "1"},
    ("POST", "/contactLists"): {"contactList/list": 1},
    ("POST", "/dealGroups"): {"dealGroup/users": ["1"]},
    ("PUT", "/dealGroups/{id}"): {"dealGroup/users": ["1"]},
    ("POST", "/dealStages"): {"dealStage/group": "1"},
    ("PUT", "/dealStages/{id}"): {"dealStage/group": "1"},
    ("POST", "/dealTasks"): {"dealTask/relid": "1"},
    ("POST", "/deals"): {"deal/contact": "1", "deal/account": "1"},
    ("PUT", "/deals/{id}"): {"deal/contact": "1", "deal/account": "1"},
    ("POST", "/fieldOption/bulk"): {f"fieldOptions/{n}/field": "1" for n in range(3)},
    ("POST", "/fieldValues"): {"fieldValue/field": 1},
    ("PUT", "/fieldValues/{id}"): {"fieldValue/field": 1, "fieldValue/contact": 1},
}


def _edited(example: Any, edits: dict[str, Any]) -> Any:
    for where, value in edits.items():
        *parents, last = where.split("/")
        target = example
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[int(last) if isinstance(target, list) else last] = value
    return example


def body(method: str, template: str) -> Any:
    """The body to send: ``BODIES``, else the document's example (None when it gives none), ``REFERENCES`` applied."""
    if (method, template) in BODIES:
        return BODIES[(method, template)]
    if method in ("GET", "DELETE"):
        return None
    content = SPEC["paths"][template][method.lower()].get("requestBody", {}).get("content", {})
    media = content.get("application/json", {})
    example = media.get("example")
    if example is None:
        example = next((e.get("value") for e in media.get("examples", {}).values()), None)
    if isinstance(example, str):
        try:
            example = json.loads(example)
        except ValueError:
            return None
    return _edited(example, REFERENCES.get((method, template), {}))
