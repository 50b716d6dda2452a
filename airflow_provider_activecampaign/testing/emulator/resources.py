"""The emulator's resources: what the API adds to a record (defaults, links), what it checks, how it lists.

Every resource the catalogue describes is served at the catalogue's path with its envelope names and
list filters (tests/emulator/test_catalogue_agreement.py checks it); the emulator also serves
collections the catalogue does not describe (field options, deal custom fields). Per-resource
validation and derived fields live in ``shapers``.
"""

from __future__ import annotations

from collections.abc import Mapping

from airflow_provider_activecampaign.testing.emulator.filters import (
    CONTACT_PARAMS,
    DEAL_FILTERS,
    TASK_FILTERS,
    eq,
    like,
    windows,
)
from airflow_provider_activecampaign.testing.emulator.kinds import ALL_OPS, READ_OPS, TIMESTAMPS, Resource
from airflow_provider_activecampaign.testing.emulator.resources_more import MORE

CONTACT_LINKS = (
    "bounceLogs", "contactAutomations", "contactData", "contactGoals", "contactLists", "contactLogs",
    "contactTags", "contactDeals", "deals", "fieldValues", "geoIps", "notes", "organization", "plusAppend",
    "trackingLogs", "scoreValues", "accountContacts", "automationEntryCounts",
)
CONTACT_DEFAULTS = {
    "phone": "", "firstName": "", "lastName": "", "orgid": "0", "orgname": "", "segmentio_id": "",
    "bounced_hard": "0", "bounced_soft": "0", "bounced_date": None, "ip": "0", "ua": None, "hash": "",
    "socialdata_lastcheck": None, "email_local": "", "email_domain": "", "sentcnt": "0", "rating_tstamp": None,
    "gravatar": "0", "deleted": "0", "anonymized": "0", "adate": None, "edate": None, "deleted_at": None,
    "organization": None, "email_empty": False,
}
DEAL_DEFAULTS = {
    "owner": "1", "contact": None, "organization": None, "account": None, "customerAccount": None,
    "group": None, "stage": None, "title": "", "description": "", "percent": None, "nextdate": None,
    "nexttaskid": None, "value": "0", "currency": "usd", "winProbability": None, "winProbabilityMdate": None,
    "status": "0", "activitycount": "0", "nextdealid": None, "edate": None, "hash": "", "isDisabled": False,
    "nextTask": None,
}
STAGE_DEFAULTS = {
    "cardRegion1": "title", "cardRegion2": "next-action", "cardRegion3": "show-avatar",
    "cardRegion4": "contact-fullname-orgname", "cardRegion5": "value", "color": "32B0FC",
    "dealOrder": "next-action DESC", "width": "280",
}
CAMPAIGN_DEFAULTS = {
    "type": "single", "userid": "1", "segmentid": "0", "bounceid": "-1", "realcid": "0", "sendid": "0",
    "threadid": "0", "seriesid": "0", "formid": "0", "basetemplateid": "0", "basemessageid": "0",
    "addressid": "0", "source": "web", "name": "", "sdate": None, "ldate": None, "send_amt": "0",
    "total_amt": "0", "opens": "0", "uniqueopens": "0", "linkclicks": "0", "uniquelinkclicks": "0",
    "subscriberclicks": "0", "forwards": "0", "uniqueforwards": "0", "hardbounces": "0", "softbounces": "0",
    "unsubscribes": "0", "unsubreasons": "0", "updates": "0", "socialshares": "0", "replies": "0",
    "uniquereplies": "0", "status": "0", "public": "1", "tracklinks": "all", "tracklinksanalytics": "0",
    "trackreads": "1", "trackreadsanalytics": "0", "analytics_campaign_name": "", "tweet": "0",
    "facebook": "0", "embed_images": "0", "htmlunsub": "0", "textunsub": "0", "recurring": "day1",
    "split_type": "even", "responder_type": "subscribe", "reminder_type": "month_day", "user": "1",
    "automation": None,
}
MESSAGE_DEFAULTS = {
    "userid": "1", "ed_instanceid": "0", "ed_version": "1", "name": "", "fromname": "", "fromemail": "",
    "reply2": "", "priority": "3", "charset": "utf-8", "encoding": "quoted-printable", "format": "mime",
    "subject": "", "preheader_text": "", "text": "", "html": "", "htmlfetch": "now", "textfetch": "now",
    "hidden": "0", "preview_mime": "", "preview_data": None, "user": "1", "has_predictive_content": "0",
}
LIST_DEFAULTS = {
    "stringid": "", "userid": "1", "name": "", "p_use_tracking": "1", "p_use_analytics_read": "0",
    "p_use_analytics_link": "0", "p_use_twitter": "0", "p_use_facebook": "0", "p_embed_image": "1",
    "p_use_captcha": "1", "send_last_broadcast": "0", "private": "0", "carboncopy": None,
    "subscription_notify": None, "unsubscription_notify": None, "require_name": "0",
    "get_unsubscribe_reason": "0", "to_name": "Subscriber", "optinoptout": "1", "sender_name": "",
    "sender_addr1": "", "sender_addr2": "", "sender_city": "", "sender_state": "", "sender_zip": "",
    "sender_country": "", "sender_phone": "", "sender_url": "", "sender_reminder": "", "fulladdress": "",
    "optinmessageid": "0", "optoutconf": "0", "deletestamp": None, "user": "1",
}
CONTACT_LIST_DEFAULTS = {
    "form": None, "seriesid": "0", "sdate": None, "_unsubdate": None, "status": "1", "responder": "1",
    "sync": "0", "unsubreason": None, "campaign": None, "message": None, "first_name": "", "last_name": "",
    "ip4Sub": "0", "sourceid": "0", "autosyncLog": None, "ip4_last": "0", "ip4Unsub": "0",
    "unsubscribeAutomation": None, "automation": None, "udate": None, "created_by": None, "updated_by": None,
}

RESOURCES: dict[str, Resource] = {r.plural: r for r in (
    Resource("contacts", "contact", "Subscriber", required=("email",), defaults=CONTACT_DEFAULTS,
             links=CONTACT_LINKS, params=CONTACT_PARAMS, filters=windows("cdate", "udate"),
             modifiers=("forceQuery", "sortId"),
             unique=("email", "Email address already exists in the system"),
             delete_404="No result found for contact with id {id}"),
    Resource("fieldValues", "fieldValue", "FieldValue", required=("contact", "field", "value"),
             links=("owner", "field"), create_status=200, upsert_on=("contact", "field"),
             defaults={"created_by": None, "updated_by": None},
             filters={"fieldid": eq("field"), "val": eq("value")}),
    Resource("fields", "field", "Field", required=("title", "type"), links=("options", "relations"),
             defaults={"descript": None, "isrequired": "0", "perstag": "", "defval": None, "show_in_list": "0",
                       "rows": "0", "cols": "0", "visible": "1", "service": "", "ordernum": "1"},
             filters={"perstag": eq("perstag")}, unique=("title", "There is already a field with this title")),
    Resource("fieldOptions", "fieldOption", "FieldOption", required=("field",), links=("field",),
             defaults={"orderid": "0", "value": "", "label": "", "isdefault": "0"}),
    Resource("fieldRels", "fieldRel", "FieldRel", updated=None, required=("field", "relid"),
             defaults={"dorder": "0"}),
    Resource("contactLists", "contactList", "ContactList", "created_timestamp", "updated_timestamp",
             required=("list", "contact", "status"), defaults=CONTACT_LIST_DEFAULTS, create_status=200,
             upsert_on=("contact", "list"),
             links=("automation", "list", "contact", "form", "autosyncLog", "campaign", "unsubscribeAutomation",
                    "message")),
    Resource("contactTags", "contactTag", "SubscriberTag", updated=None, links=("contact", "tag"), mirrors=TIMESTAMPS,
             upsert_on=("contact", "tag")),
    Resource("tags", "tag", "Tag", updated=None, mirrors=TIMESTAMPS, required=("tag",),
             defaults={"tagType": "contact", "description": ""},
             links=("contactGoalTags",), params={"search": like("tag")}, filters={"search": like("tag")},
             operators={"search": "tag"}),
    Resource("lists", "list", "_List", required=("name", "sender_url", "sender_reminder"), defaults=LIST_DEFAULTS,
             mirrors=TIMESTAMPS,
             create_status=200, links=("contactGoalLists", "user", "addressLists"),
             filters={"name": like("name")}, operators={"name": "name"}),
    Resource("automations", "automation", "Series", "cdate", "mdate", ops=READ_OPS,
             defaults={"name": "", "userid": "1", "status": "1", "entered": "0", "exited": "0", "hidden": "0",
                       "defaultscreenshot": "", "screenshot": ""},
             links=("campaigns", "contactGoals", "contactAutomations", "blocks", "goals", "sms", "sitemessages")),
    Resource("contactAutomations", "contactAutomation", "SubscriberSeries", "adddate", "lastdate",
             required=("contact", "automation"), ops=ALL_OPS - {"update"}, native=("completed", "completeValue"),
             defaults={"seriesid": "0", "startid": "0", "status": "1", "batchid": None, "remdate": None,
                       "timespan": None, "lastblock": "0", "lastlogid": "0", "completedElements": "0",
                       "totalElements": "0", "completed": 0, "completeValue": 0, "in_als": "0"},
             links=("automation", "contact", "contactGoals")),
    Resource("deals", "deal", "Deal", "cdate", "mdate", required=("title", "value", "currency"),
             defaults=DEAL_DEFAULTS, total_as_str=False, filters=DEAL_FILTERS,
             modifiers=("filters[search_field]",), unapplied=("filters[nextdate_range]",),
             links=("dealActivities", "contact", "contactDeals", "group", "nextTask", "notes", "account",
                    "customerAccount", "organization", "owner", "scoreValues", "stage", "tasks",
                    "dealCustomFieldData")),
    Resource("dealCustomFieldMeta", "dealCustomFieldMetum", None, "createdTimestamp", "updatedTimestamp",
             required=("fieldLabel", "fieldType"), create_status=200, native=("fieldOptions", "fieldDefault"),
             defaults={"fieldOptions": None, "fieldDefault": None, "fieldDefaultCurrency": None,
                       "isFormVisible": "1", "isRequired": "0", "displayOrder": "1", "personalization": "",
                       "knownFieldId": None, "hideFieldFlag": "0"},
             delete_body={"message": "DealCustomFieldMeta deleted."}, links=("dealCustomFieldData",)),
    Resource("dealCustomFieldData", "dealCustomFieldDatum", None, "createdTimestamp",
             "updatedTimestamp", create_status=200, required=("dealId", "customFieldId", "fieldValue"),
             native=("fieldValue",),
             upsert_on=("dealId", "customFieldId"), delete_body={"message": "DealCustomFieldData deleted."},
             filters={"dealId": eq("dealId")},
             links=("deal", "dealCustomFieldMetum")),
    Resource("dealGroups", "dealGroup", "DealGroup", required=("title", "currency"), create_status=200,
             unapplied=("filters[have_stages]",),
             defaults={"allgroups": "1", "allusers": "1", "autoassign": "1"},
             links=("dealGroupGroups", "dealGroupUsers", "stages"), filters={"title": like("title")}),
    Resource("dealStages", "dealStage", "DealStage", required=("title", "group"), create_status=200,
             defaults=STAGE_DEFAULTS, links=("group",), filters={"d_groupid": eq("group"), "title": like("title")}),
    Resource("dealTasks", "dealTask", "DealTask", required=("relid", "duedate", "dealTasktype"),
             native=("status",), filters=TASK_FILTERS, unapplied=("filters[duedate_range]",),
             defaults={"title": None, "note": "", "status": 0, "edate": None, "automation": None,
                       "doneAutomation": None, "user": "1", "assignee": None, "outcomeId": None,
                       "outcomeInfo": None, "reltype": "Deal", "donedate": None, "duration": None},
             links=("activities", "automation", "dealTasktype", "doneAutomation", "notes", "owner",
                    "taskNotifications", "user", "assignee")),
    Resource("dealTasktypes", "dealTasktype", "DealTasktype", required=("title",), create_status=200,
             defaults={"defduration": "0", "status": "0"}),
    Resource("notes", "note", "Note", "cdate", "mdate", required=("note", "relid", "reltype"),
             defaults={"userid": "1", "user": "1", "is_draft": "0"},
             links=("activities", "mentions", "notes", "owner", "user")),
    Resource("campaigns", "campaign", "Campaign", "cdate", "mdate", ops=READ_OPS, defaults=CAMPAIGN_DEFAULTS,
             mirrors=(("created_timestamp", "cdate"), ("updated_timestamp", "mdate")),
             filters={"seriesid": eq("seriesid")},
             links=("user", "automation", "campaignMessage", "campaignMessages", "links", "aggregateRevenues",
                    "segment", "campaignLists")),
    Resource("messages", "message", "Message", "cdate", "mdate", required=("fromname", "fromemail", "reply2"),
             defaults=MESSAGE_DEFAULTS, links=("user",)),
    Resource("accounts", "account", "CustomerAccount", "createdTimestamp", "updatedTimestamp",
             required=("name",), defaults={"accountUrl": None, "owner": "1"},
             links=("notes", "accountCustomFieldData", "accountContacts"), params={"search": like("name")},
             modifiers=("count_deals",),
             unique=("name", 'An account named "{value}" already exists. Please choose a new name.')),
    Resource("organizations", "organization", "Organization", "created_timestamp", "updated_timestamp",
             ops=READ_OPS, defaults={"userid": "1", "owner": "1"}, linked=False,
             params={"search": like("name")}, filters={"name": like("name")}),
    Resource("calendars", "calendar", "Calendar", "cdate", "mdate", required=("title", "type"), create_status=200,
             defaults={"userid": "1", "notification": "0"}, links=("calendarRels", "calendarUsers")),
    Resource("users", "user", "User", required=("username", "email"),
             defaults={"firstName": "", "lastName": "", "phone": "", "signature": None, "lang": "english",
                       "localZoneid": "America/Chicago"},
             links=("lists", "userGroup", "dealGroupTotals", "dealGroupUsers", "configs", "dealConnection")),
    Resource("groups", "group", "Group", None, None, required=("title",), create_status=200,
             defaults={"descript": "", "unsubscribelink": "0", "optinconfirm": "0", "p_admin": "0"},
             links=("userGroups", "groupLimit", "dealGroupGroups", "listGroups", "addressGroups",
                    "automationGroups")),
    Resource("webhooks", "webhook", "Webhook", updated=None, required=("name", "url", "events", "sources"),
             defaults={"listid": "0"}, native=("events", "sources"),
             filters={"name": like("name"), "url": like("url"), "listid": eq("listid")}),
    Resource("eventTrackingEvents", "eventTrackingEvent", "EventTrackingEvent", None, None, required=("name",),
             ops=frozenset({"list", "create", "delete"}), total_as_str=False, key="name",
             unique=("name", "An event with this name already exists")),
    *MORE,
)}

#: ``GET /{parent}/{id}/{name}``: (child resource, its field holding the parent id, fixed fields).
SUBLISTS: dict[tuple[str, str], tuple[str, str, Mapping[str, str]]] = {
    ("contacts", "contactTags"): ("contactTags", "contact", {}),
    ("contacts", "contactAutomations"): ("contactAutomations", "contact", {}),
    ("contacts", "contactLists"): ("contactLists", "contact", {}),
    ("contacts", "fieldValues"): ("fieldValues", "contact", {}),
    ("contacts", "deals"): ("deals", "contact", {}),
    ("contacts", "notes"): ("notes", "relid", {"reltype": "Subscriber"}),
    ("deals", "notes"): ("notes", "relid", {"reltype": "Deal"}),
    ("deals", "tasks"): ("dealTasks", "relid", {"reltype": "Deal"}),
    ("deals", "dealCustomFieldData"): ("dealCustomFieldData", "dealId", {}),
    ("accounts", "notes"): ("notes", "relid", {"reltype": "CustomerAccount"}),
    ("dealGroups", "stages"): ("dealStages", "group", {}),
    ("fields", "options"): ("fieldOptions", "field", {}),
    ("fields", "relations"): ("fieldRels", "field", {}),
    ("automations", "contactAutomations"): ("contactAutomations", "automation", {}),
    **{("contacts", name): (name, "contact", {}) for name in (
        "bounceLogs", "contactGoals", "contactLogs", "geoIps", "trackingLogs", "scoreValues", "contactDeals",
        "accountContacts")},
    ("campaigns", "links"): ("links", "campaign", {}),
    ("ecomOrders", "orderProducts"): ("ecomOrderProducts", "orderid", {}),
}

#: ``GET contacts/{id}/{name}`` answered with one record (or null), not a list.
CONTACT_ONES = ("organization", "contactData", "plusAppend")

#: What a delete takes with it: resource -> (child resource, its field holding the parent id).
CASCADES: dict[str, tuple[tuple[str, str], ...]] = {
    "contacts": (("contactLists", "contact"), ("contactTags", "contact"), ("fieldValues", "contact"),
                 ("contactAutomations", "contact"), ("accountContacts", "contact"), ("contactDeals", "contact")),
    "accounts": (("accountContacts", "account"), ("accountCustomFieldData", "accountId")),
    "accountCustomFieldMeta": (("accountCustomFieldData", "customFieldId"),),
    "connections": (("ecomCustomers", "connectionid"), ("ecomOrders", "connectionid")),
    "ecomOrders": (("ecomOrderProducts", "orderid"),),
    "customObjects/schemas": (("customObjects/records", "schemaId"),),
    "dealGroups": (("dealStages", "group"), ("deals", "group"), ("dealGroupUsers", "dealGroup"),
                   ("dealGroupGroups", "dealGroup")),
    "deals": (("dealCustomFieldData", "dealId"), ("contactDeals", "deal")),
    "dealCustomFieldMeta": (("dealCustomFieldData", "customFieldId"),),
    "tags": (("contactTags", "tag"),),
    "fields": (("fieldValues", "field"), ("fieldOptions", "field")),
}

#: Parents of ``/{parent}/{id}/notes``, and the note ``reltype`` they stand for.
NOTE_PARENTS = {"deals": "Deal", "accounts": "CustomerAccount", "contacts": "Subscriber"}
NOTE_OWNERS = {reltype: plural for plural, reltype in NOTE_PARENTS.items()}
RELTYPES = {"activity": "Activity", "deal": "Deal", "dealtask": "DealTask", "subscriber": "Subscriber",
            "contact": "Subscriber", "customeraccount": "CustomerAccount", "account": "CustomerAccount"}

__all__ = ["ALL_OPS", "READ_OPS", "RESOURCES", "Resource"]

ORDER_ALIASES = {"first_name": "firstName", "last_name": "lastName", "next-action": "nextdate"}

