"""The emulator's resources, made from the catalogue: :data:`RESOURCES` is each catalogue entry
(path, envelopes, stamps, operations, required fields, list filters, orderings) with its
:class:`~.kinds.Behaviour` (what the API adds to a record, what only the emulator checks, how
each filter is applied), through :func:`~.kinds.emulate`; then the few collections the catalogue
does not describe (``resources_more.EMULATOR_ONLY``, each with its reason). Sub-collections,
cascades and note parents sit here too; per-resource validation and derived fields in ``shapers``.
"""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue import RESOURCES as CATALOGUE
from airflow_provider_activecampaign.testing.emulator.filters import (
    CONTACT_EXTRAS,
    CONTACT_PREDICATES,
    DEAL_EXTRAS,
    DEAL_PREDICATES,
    TASK_PREDICATES,
    eq,
    like,
)
from airflow_provider_activecampaign.testing.emulator.kinds import (
    ALL_OPS,
    READ_OPS,
    TIMESTAMPS,
    Behaviour,
    Resource,
    emulate,
)
from airflow_provider_activecampaign.testing.emulator.resources_more import EMULATOR_ONLY, MORE_BEHAVIOURS

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

#: What only the emulator knows about the catalogue's first resources, by catalogue name.
BEHAVIOURS: dict[str, Behaviour] = {
    "contact": Behaviour(
        "Subscriber", defaults=CONTACT_DEFAULTS, links=CONTACT_LINKS, modifiers=("forceQuery", "sortId"),
        predicates=CONTACT_PREDICATES, honours=CONTACT_EXTRAS,
        unique=("email", "Email address already exists in the system"),
        delete_404="No result found for contact with id {id}"),
    "fieldValue": Behaviour("FieldValue", links=("owner", "field"), create_status=200, upsert_on=("contact", "field"),
                            defaults={"created_by": None, "updated_by": None},
                            predicates={"filters[fieldid]": eq("field"), "filters[val]": eq("value")}),
    "field": Behaviour("Field", links=("options", "relations"),
                       defaults={"descript": None, "isrequired": "0", "perstag": "", "defval": None,
                                 "show_in_list": "0", "rows": "0", "cols": "0", "visible": "1", "service": "",
                                 "ordernum": "1"},
                       unique=("title", "There is already a field with this title"),
                       lenient={"perstag": "the document's PUT /fields/{id} example sends 'Personalized Tag' "
                                           "(a space), which the catalogue's pattern refuses"}),
    "fieldRel": Behaviour("FieldRel", defaults={"dorder": "0"}, ops=ALL_OPS),
    "contactList": Behaviour(
        "ContactList", stamps=("created_timestamp", "updated_timestamp"), defaults=CONTACT_LIST_DEFAULTS,
        create_status=200, upsert_on=("contact", "list"), ops=ALL_OPS,
        links=("automation", "list", "contact", "form", "autosyncLog", "campaign", "unsubscribeAutomation",
               "message")),
    "contactTag": Behaviour("SubscriberTag", links=("contact", "tag"), mirrors=TIMESTAMPS, upsert_on=("contact", "tag"),
                            ops=ALL_OPS, required=()),
    "tag": Behaviour("Tag", mirrors=TIMESTAMPS, defaults={"tagType": "contact", "description": ""},
                     links=("contactGoalTags",), predicates={"search": like("tag")},
                     honours={"filters[search]": like("tag")}, operators={"search": "tag"}),
    "list": Behaviour("_List", defaults=LIST_DEFAULTS, mirrors=TIMESTAMPS, create_status=200,
                      links=("contactGoalLists", "user", "addressLists"), predicates={"filters[name]": like("name")},
                      operators={"name": "name"}, ops=ALL_OPS, required=("name", "sender_url", "sender_reminder")),
    "automation": Behaviour(
        "Series", defaults={"name": "", "userid": "1", "status": "1", "entered": "0", "exited": "0", "hidden": "0",
                            "defaultscreenshot": "", "screenshot": ""},
        links=("campaigns", "contactGoals", "contactAutomations", "blocks", "goals", "sms", "sitemessages")),
    "contactAutomation": Behaviour(
        "SubscriberSeries", native=("completed", "completeValue"),
        defaults={"seriesid": "0", "startid": "0", "status": "1", "batchid": None, "remdate": None,
                  "timespan": None, "lastblock": "0", "lastlogid": "0", "completedElements": "0",
                  "totalElements": "0", "completed": 0, "completeValue": 0, "in_als": "0"},
        links=("automation", "contact", "contactGoals")),
    "deal": Behaviour(
        "Deal", defaults=DEAL_DEFAULTS, total_as_str=False, predicates=DEAL_PREDICATES, honours=DEAL_EXTRAS,
        modifiers=("filters[search_field]",), unapplied=("filters[nextdate_range]",),
        links=("dealActivities", "contact", "contactDeals", "group", "nextTask", "notes", "account",
               "customerAccount", "organization", "owner", "scoreValues", "stage", "tasks", "dealCustomFieldData")),
    "dealCustomFieldMetum": Behaviour(
        None, create_status=200, native=("fieldOptions", "fieldDefault"),
        defaults={"fieldOptions": None, "fieldDefault": None, "fieldDefaultCurrency": None,
                  "isFormVisible": "1", "isRequired": "0", "displayOrder": "1", "personalization": "",
                  "knownFieldId": None, "hideFieldFlag": "0"},
        delete_body={"message": "DealCustomFieldMeta deleted."}, links=("dealCustomFieldData",)),
    "dealCustomFieldDatum": Behaviour(
        None, create_status=200, native=("fieldValue",), upsert_on=("dealId", "customFieldId"),
        delete_body={"message": "DealCustomFieldData deleted."}, links=("deal", "dealCustomFieldMetum")),
    "dealGroup": Behaviour("DealGroup", create_status=200, unapplied=("filters[have_stages]",),
                           defaults={"allgroups": "1", "allusers": "1", "autoassign": "1"},
                           links=("dealGroupGroups", "dealGroupUsers", "stages"),
                           predicates={"filters[title]": like("title")}),
    "dealStage": Behaviour("DealStage", create_status=200, defaults=STAGE_DEFAULTS, links=("group",),
                           predicates={"filters[d_groupid]": eq("group"), "filters[title]": like("title")}),
    "dealTask": Behaviour(
        "DealTask", native=("status",), predicates=TASK_PREDICATES,
        honours={"filters[outcome_id]": eq("outcomeId")},
        unapplied=("filters[duedate_range]",),
        defaults={"title": None, "note": "", "status": 0, "edate": None, "automation": None,
                  "doneAutomation": None, "user": "1", "assignee": None, "outcomeId": None,
                  "outcomeInfo": None, "reltype": "Deal", "donedate": None, "duration": None},
        links=("activities", "automation", "dealTasktype", "doneAutomation", "notes", "owner",
               "taskNotifications", "user", "assignee")),
    "dealTasktype": Behaviour("DealTasktype", create_status=200, defaults={"defduration": "0", "status": "0"}),
    "note": Behaviour("Note", defaults={"userid": "1", "user": "1", "is_draft": "0"},
                      links=("activities", "mentions", "notes", "owner", "user")),
    "campaign": Behaviour(
        "Campaign", defaults=CAMPAIGN_DEFAULTS,
        mirrors=(("created_timestamp", "cdate"), ("updated_timestamp", "mdate")),
        links=("user", "automation", "campaignMessage", "campaignMessages", "links", "aggregateRevenues",
               "segment", "campaignLists")),
    "message": Behaviour("Message", defaults=MESSAGE_DEFAULTS, links=("user",)),
    "account": Behaviour("CustomerAccount", defaults={"accountUrl": None, "owner": "1"},
                         links=("notes", "accountCustomFieldData", "accountContacts"),
                         predicates={"search": like("name")}, modifiers=("count_deals",),
                         unique=("name", 'An account named "{value}" already exists. Please choose a new name.')),
    "organization": Behaviour("Organization", defaults={"userid": "1", "owner": "1"}, linked=False,
                              honours={"search": like("name")}, predicates={"filters[name]": like("name")},
                              required=()),
    "calendar": Behaviour("Calendar", create_status=200, defaults={"userid": "1", "notification": "0"},
                          links=("calendarRels", "calendarUsers")),
    "user": Behaviour("User", defaults={"firstName": "", "lastName": "", "phone": "", "signature": None,
                                        "lang": "english", "localZoneid": "America/Chicago"},
                      links=("lists", "userGroup", "dealGroupTotals", "dealGroupUsers", "configs", "dealConnection"),
                      stamps=("cdate", "udate"), required=("username", "email")),
    "group": Behaviour("Group", create_status=200,
                       defaults={"descript": "", "unsubscribelink": "0", "optinconfirm": "0", "p_admin": "0"},
                       links=("userGroups", "groupLimit", "dealGroupGroups", "listGroups", "addressGroups",
                              "automationGroups"), stamps=(None, None)),
    "webhook": Behaviour("Webhook", defaults={"listid": "0"}, native=("events", "sources"),
                         predicates={"filters[name]": like("name"), "filters[url]": like("url")}),
    "eventTrackingEvent": Behaviour("EventTrackingEvent", total_as_str=False, stamps=(None, None),
                                    unique=("name", "An event with this name already exists")),
    **MORE_BEHAVIOURS,
}

#: The catalogue's resources as the emulator serves them, by catalogue name.
EMULATED: dict[str, Resource] = {name: emulate(CATALOGUE[name], behaviour) for name, behaviour in BEHAVIOURS.items()}
#: Every collection the emulator serves, by path: the catalogue's, then its own.
RESOURCES: dict[str, Resource] = {r.plural: r for r in (*EMULATED.values(), *EMULATOR_ONLY)}

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

def _note_parents() -> dict[str, str]:
    """The catalogue's: the collection each note ``reltype`` names (in the note's natural key)."""
    key = CATALOGUE["note"].natural_key
    return {path: reltype for reltype, path in (key.segments["reltype"] if key else {}).items()}


#: Parents of ``/{parent}/{id}/notes``, and the note ``reltype`` they stand for.
NOTE_PARENTS = _note_parents()
NOTE_OWNERS = {reltype: plural for plural, reltype in NOTE_PARENTS.items()}
RELTYPES = {"activity": "Activity", "deal": "Deal", "dealtask": "DealTask", "subscriber": "Subscriber",
            "contact": "Subscriber", "customeraccount": "CustomerAccount", "account": "CustomerAccount"}

__all__ = ["ALL_OPS", "READ_OPS", "RESOURCES", "Resource"]

ORDER_ALIASES = {"first_name": "firstName", "last_name": "lastName", "next-action": "nextdate"}

