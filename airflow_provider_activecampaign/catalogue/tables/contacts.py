"""Contacts: what the API lists under a contact, a contact's activity, and the contact calls beyond
create/read/update/delete."""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue.model import (
    GET,
    LIST,
    Action,
    Filter,
    NaturalKey,
    Resource,
    SubCollection,
)
from airflow_provider_activecampaign.catalogue.types import Rule, ident, required, text

READ = frozenset({GET, LIST})
LIST_ONLY = frozenset({LIST})
_CONTACT = "contacts/{parent}"

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "accountContact", "accountContacts", "accountContact", "accountContacts",
        fields={"account": ident(required=True), "contact": ident(required=True), "jobTitle": text()},
        filters={"contact": Filter("filters[contact]", ident()), "account": Filter("filters[account]", ident())},
        created="createdTimestamp", updated="updatedTimestamp",
        natural_key=NaturalKey(("account", "contact"), {"account": "account", "contact": "contact"}),
    ),
    Resource(
        "contactDeal", "contactDeals", "contactDeal", "contactDeals",
        fields={"deal": ident(required=True), "contact": ident(required=True), "role": ident()},
        updated=None,
        natural_key=NaturalKey(("deal", "contact")),
    ),
    Resource(
        "activity", "activities", "activity", "activities", LIST_ONLY,
        filters={"contact": Filter("contact", ident()), "after": Filter("after", Rule("date")),
                 "include": Filter("include"), "emails": Filter("emails", Rule("bool"))},
        orders=("tstamp",), created="tstamp", updated=None,
    ),
    Resource(
        "emailActivity", "emailActivities", "emailActivity", "emailActivities", LIST_ONLY,
        filters={"contact": Filter("filters[subscriberid]", ident()), "deal": Filter("filters[dealId]", ident())},
        created="tstamp", updated=None,
    ),
    # -- records the API lists only under a contact (GET /contacts/{id}/...) --
    Resource("bounceLog", _CONTACT + "/bounceLogs", "bounceLog", "bounceLogs", LIST_ONLY, parent="contact",
             created="created_timestamp", updated="updated_timestamp"),
    Resource("contactDatum", _CONTACT + "/contactData", "contactDatum", "contactData", frozenset({GET}), single=True,
             parent="contact", created="created_timestamp", updated="updated_timestamp"),
    Resource("contactGoal", _CONTACT + "/contactGoals", "contactGoal", "contactGoals", LIST_ONLY, parent="contact",
             created="tstamp", updated=None),
    Resource("contactLog", _CONTACT + "/contactLogs", "contactLog", "contactLogs", LIST_ONLY, parent="contact",
             created="tstamp", updated=None),
    Resource("geoIp", _CONTACT + "/geoIps", "geoIp", "geoIps", LIST_ONLY, parent="contact",
             created="tstamp", updated=None),
    Resource("geoAddress", "geoIps/{parent}/geoAddress", "geoAddress", "geoAddresses", frozenset({GET}), single=True,
             parent="geoIp", created="tstamp", updated=None),
    Resource("plusAppend", _CONTACT + "/plusAppend", "plusAppend", "plusAppends", frozenset({GET}), single=True,
             parent="contact", created=None, updated=None),
    Resource("scoreValue", _CONTACT + "/scoreValues", "scoreValue", "scoreValues", LIST_ONLY, parent="contact",
             updated="mdate"),
    Resource("trackingLog", _CONTACT + "/trackingLogs", "trackingLog", "trackingLogs", LIST_ONLY, parent="contact",
             created="tstamp", updated=None),
    Resource("automationEntryCount", _CONTACT + "/automationEntryCounts", "automationEntryCount",
             "automationEntryCounts", LIST_ONLY, parent="contact", created=None, updated=None),
)

#: ``GET /contacts/{id}/...`` for resources that also have a collection of their own
SUBCOLLECTIONS: tuple[SubCollection, ...] = (
    SubCollection("contact", "contactTag", _CONTACT + "/contactTags"),
    SubCollection("contact", "contactAutomation", _CONTACT + "/contactAutomations"),
    SubCollection("contact", "contactList", _CONTACT + "/contactLists"),
    SubCollection("contact", "contactDeal", _CONTACT + "/contactDeals"),
    SubCollection("contact", "accountContact", _CONTACT + "/accountContacts"),
    SubCollection("contact", "fieldValue", _CONTACT + "/fieldValues"),
    SubCollection("contact", "deal", _CONTACT + "/deals"),
    SubCollection("contact", "note", _CONTACT + "/notes"),
    SubCollection("contact", "organization", _CONTACT + "/organization", frozenset({GET}), single=True),
)

_EMAIL = Rule("email", required=True)
ACTIONS: tuple[Action, ...] = (
    Action("contact.sync", "POST", "contact/sync", envelope="contact", reply="contact",
           fields={"email": _EMAIL, "firstName": text(), "lastName": text(), "phone": text(),
                   "fieldValues": Rule("fields", choices=("field", "value"), defined_by="field"), "orgid": ident(),
                   "deleted": Rule("bool")},
           doc="create or update the contact with this e-mail address"),
    Action("contact.byTrackingEvent", "GET", "trackingLogs/{eventId}/contact", params={"eventId": ident()},
           reply="contact", doc="the contact a tracking event belongs to"),
    Action("contact.bulkImport", "POST", "import/bulk_import", doc="import contacts in bulk (see the bulk import "
           "operator, which checks, batches and follows the import)"),
    Action("contact.bulkImportStatus", "GET", "import/bulk_import", doc="the account's outstanding and recent imports"),
    Action("contact.bulkImportInfo", "GET", "import/info", query={"batch_id": Filter("batchId", required(text()))},
           doc="one bulk import's results"),
    Action("contact.localEvent", "POST", "localevent", envelope="localEvent",
           fields={"email": _EMAIL, "tstamp": Rule("date"), "input": text()},
           doc="record a local event for a contact"),
)
