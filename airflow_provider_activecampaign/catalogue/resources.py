"""The declarative catalogue of ActiveCampaign resources.

Each :class:`Resource` says where a resource lives (path, envelope keys), which operations
exist, which body fields are checked and how, which list filters and orderings the API
takes, and which timestamps say when a record was created or changed. The generic
operators, the Watch sensors and the emulator are driven by this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from airflow_provider_activecampaign.catalogue import tables
from airflow_provider_activecampaign.catalogue.errors import input_error
from airflow_provider_activecampaign.catalogue.model import (  # noqa: F401 - the model's names, importable from here too
    CREATE,
    CRUD,
    DEAL_STATUSES,
    DELETE,
    GET,
    LIST,
    ORDER_DIRECTIONS,
    TEXT_ID,
    UPDATE,
    Action,
    Clash,
    Filter,
    Label,
    NaturalKey,
    Resource,
    SubCollection,
    is_literal,
)
from airflow_provider_activecampaign.catalogue.types import INT32_MAX, Rule, enum, ident, required, text
from airflow_provider_activecampaign.catalogue.webhook_events import (
    EVENT_NAME_PATTERN,
    WEBHOOK_EVENTS,
    WEBHOOK_SOURCES,
)

_DATE = Rule("date")
#: A user group's permissions (``pgContactAdd``...) and settings, each true or false.
GROUP_PERMISSIONS = {name: Rule("bool") for name in """pgMessageAdd unsubscribelink optinconfirm pgListAdd pgListEdit
    pgListDelete pgListHeaders pgListEmailaccount pgListBounce pgMessageEdit pgMessageDelete pgMessageSend
    pgContactAdd pgContactEdit pgContactDelete pgContactMerge pgContactImport pgContactApprove pgContactExport
    pgContactSync pgContactFilters pgContactActions pgContactFields pg_user_add pg_user_edit pg_user_delete
    pgGroupAdd pgGroupEdit pgGroupDelete pgTemplateAdd pgTemplateEdit pgTemplateDelete pgPersonalizationAdd
    pgPersonalizationEdit pgPersonalizationDelete pgAutomationManage pgFormEdit pgReportsCampaign pgReportsList
    pgReportsUser pgStartupReports pgReportsTrend pgStartupGettingstarted pgDeal pgDealDelete pgDealReassign
    pgDealGroupAdd pgDealGroupEdit pgDealGroupDelete pgSavedResponsesManage pgTagManage reqApproval
    reqApproval1st socialdata""".split()} | {"reqApprovalNotify": text()}
_WINDOW_FILTERS = {
    name: Filter(f"filters[{name}]", _DATE)
    for name in ("created_before", "created_after", "updated_before", "updated_after")
}



def _catalogue(*resources: Resource) -> Mapping[str, Resource]:
    """The resources above and the chapters' tables (``catalogue/tables/``), by name (each name once)."""
    table = {r.name: r for r in (*resources, *tables.RESOURCES)}
    if len(table) != len(resources) + len(tables.RESOURCES):
        raise ValueError("a catalogue resource is declared twice")
    return MappingProxyType(table)


RESOURCES: Mapping[str, Resource] = _catalogue(
    Resource(
        "contact", "contacts", "contact", "contacts",
        fields={
            "email": required(Rule("email")),
            "firstName": text(), "lastName": text(), "phone": text(),
            "fieldValues": Rule("fields", choices=("field", "value"), defined_by="field"),  # custom fields
            "orgid": ident(), "deleted": Rule("bool"),
        },
        filters={
            "email": Filter("email", Rule("email")),
            "email_like": Filter("email_like"),
            "search": Filter("search"),
            "organization": Filter("organization", ident()),
            "list_id": Filter("listid", ident()),
            "tag_id": Filter("tagid", ident()),
            "status": Filter("status", enum(-1, 0, 1, 2, 3)),
            "ids": Filter("ids"),
            "id_greater": Filter("id_greater", Rule("int")),
            **_WINDOW_FILTERS,
        },
        orders=("id", "cdate", "email", "first_name", "last_name", "name", "score"),
        keyset=True,
        server_window=True,
        natural_key=NaturalKey(("email",), {"email": "email"}, unique=True),
    ),
    Resource(
        "user", "users", "user", "users",
        fields={"username": required(text()), "email": required(Rule("email")), "firstName": text(),
                "lastName": text(), "group": ident(required=True), "password": text()},
        created=None, updated=None,
        natural_key=NaturalKey(("username",)),
    ),
    Resource(
        "group", "groups", "group", "groups",
        fields={"title": required(text()), "descript": text(), **GROUP_PERMISSIONS},
        created="sdate", updated=None,
        natural_key=NaturalKey(("title",)),
    ),
    Resource(
        "list", "lists", "list", "lists", frozenset({CREATE, GET, DELETE, LIST}),
        fields={
            "name": required(text()), "stringid": required(text()),
            "sender_url": required(text()), "sender_reminder": required(text()),
            "send_last_broadcast": Rule("bool"), "carboncopy": text(), "subscription_notify": text(),
            "unsubscription_notify": text(), "user": ident(), "channel": enum("email", "sms"),
        },
        filters={"name": Filter("filters[name]")},
        orders=("name",),
        natural_key=NaturalKey(("name",), {"name": "name"}),
    ),
    Resource(
        "tag", "tags", "tag", "tags",
        fields={"tag": required(text()), "tagType": enum("contact", "template"), "description": text()},
        filters={"search": Filter("search")},
        orders=("search",),
        updated=None,
        natural_key=NaturalKey(("tag",), {"tag": "search"}),
    ),
    # -- contact-side resources (custom fields, list status, contact tags, automations,
    #    campaigns, messages, event tracking, webhooks) --
    Resource(
        "fieldValue", "fieldValues", "fieldValue", "fieldValues",
        fields={"contact": required(ident()), "field": ident(required=True, defined_by="field"),
                "value": required(text())},
        filters={"field_id": Filter("filters[fieldid]", ident()), "value": Filter("filters[val]")},
    ),
    Resource(
        "field", "fields", "field", "fields",
        fields={
            "title": required(text()),
            "type": enum("text", "textarea", "date", "datetime", "number", "dropdown", "listbox", "radio",
                         "checkbox", "hidden", required=True),
            "descript": text(), "perstag": text(pattern=r"[A-Za-z0-9_]+"), "defval": text(),
            "visible": Rule("bool"), "ordernum": Rule("int", minimum=0), "show_in_list": Rule("bool"),
            "rows": Rule("int", minimum=0), "cols": Rule("int", minimum=0), "service": text(),
        },
        filters={"perstag": Filter("filters[perstag]")},
        natural_key=NaturalKey(("title", "perstag"), {"perstag": "perstag"}),
    ),
    Resource(
        "contactList", "contactLists", "contactList", "contactLists", frozenset({CREATE}),
        fields={
            "list": required(ident()), "contact": required(ident()),
            "status": enum(1, 2, required=True),  # 1 subscribe, 2 unsubscribe
            "sourceid": Rule("int"),  # 4 when re-subscribing
        },
        created="sdate", updated=None,
    ),
    Resource(
        "contactTag", "contactTags", "contactTag", "contactTags", frozenset({CREATE, DELETE}),
        fields={"contact": required(ident()), "tag": required(ident())},
        updated=None,
        natural_key=NaturalKey(("contact", "tag"), under="contacts/{contact}/contactTags"),
    ),
    Resource("automation", "automations", "automation", "automations", frozenset({GET, LIST}), updated="mdate"),
    Resource(
        "contactAutomation", "contactAutomations", "contactAutomation", "contactAutomations",
        frozenset({CREATE, GET, DELETE, LIST}),
        fields={"contact": required(ident()), "automation": required(ident())},
        created="adddate", updated="lastdate",
        natural_key=NaturalKey(("contact", "automation"), under="contacts/{contact}/contactAutomations"),
    ),
    Resource(
        "campaign", "campaigns", "campaign", "campaigns", frozenset({GET, LIST}),
        filters={"automation_id": Filter("filters[seriesid]", ident())},
        orders=("sdate", "ldate"),
        updated="mdate",
        natural_key=NaturalKey(("name",)),  # a retried legacy campaign_create looks its draft up by name
    ),
    Resource(
        "message", "messages", "message", "messages",
        fields={
            "fromname": required(text()), "fromemail": required(Rule("email")), "reply2": required(Rule("email")),
            "subject": text(), "preheader_text": text(), "name": text(), "text": text(), "html": text(),
        },
        updated="mdate",
        natural_key=NaturalKey(("name", "subject", "fromemail")),
    ),
    Resource(
        "eventTrackingEvent", "eventTrackingEvents", "eventTrackingEvent", "eventTrackingEvents",
        frozenset({CREATE, LIST, DELETE}),
        fields={"name": required(text(pattern=EVENT_NAME_PATTERN))},
        updated=None, key="name", id_rule=TEXT_ID,
        natural_key=NaturalKey(("name",)),
    ),
    Resource(
        "webhook", "webhooks", "webhook", "webhooks",
        fields={
            "name": required(text()), "url": required(text(pattern=r"https?://\S+")),
            "events": Rule("list", choices=WEBHOOK_EVENTS, required=True),
            "sources": Rule("list", choices=WEBHOOK_SOURCES, required=True),
            "listid": ident(),
        },
        filters={"name": Filter("filters[name]"), "url": Filter("filters[url]"),
                 "list_id": Filter("filters[listid]", ident())},
        updated=None,
        natural_key=NaturalKey(("url", "events", "name"), {"url": "url"}),
    ),
    # -- CRM resources (deals, pipelines, stages, tasks, task types, notes, accounts,
    #    organizations, calendar feeds) --
    Resource(
        "deal", "deals", "deal", "deals",
        fields={
            "title": required(text()), "description": text(),
            "contact": ident(), "account": ident(),
            "value": Rule("int", required=True, minimum=0, maximum=INT32_MAX),  # in cents: $456.78 is 45678
            "currency": Rule("currency", required=True),
            "group": ident(), "stage": ident(), "owner": ident(),
            "percent": Rule("int", minimum=0, maximum=100),
            "status": enum(0, 1, 2, aliases=DEAL_STATUSES),  # 0 open, 1 won, 2 lost
            "fields": Rule("fields", choices=("customFieldId", "fieldValue"), defined_by="dealCustomFieldMetum"),
        },
        filters={
            "title": Filter("filters[title]"),
            "search": Filter("filters[search]"),
            "search_field": Filter("filters[search_field]"),
            "pipeline": Filter("filters[group]", ident()),
            "stage": Filter("filters[stage]", ident()),
            "owner": Filter("filters[owner]", ident()),
            "status": Filter("filters[status]", enum(0, 1, 2, aliases=DEAL_STATUSES)),
            "organization": Filter("filters[organization]", ident()),
            "tag": Filter("filters[tag]"),
            "task_type": Filter("filters[tasktype]"),
            "next_date_range": Filter("filters[nextdate_range]"),
            "minimum_value": Filter("filters[minimum_value]", Rule("number", minimum=0)),
            "maximum_value": Filter("filters[maximum_value]", Rule("number", minimum=0)),
            **_WINDOW_FILTERS,
        },
        orders=("title", "value", "cdate", "contact_name", "contact_orgname", "next-action"),
        updated="mdate",
        server_window=True,
        one_of=(("contact", "account"), ("group", "stage")),
        natural_key=NaturalKey(("title", "contact", "account", "group", "stage"),
                               {"title": "title", "group": "pipeline", "stage": "stage"}),
    ),
    Resource(
        "dealGroup", "dealGroups", "dealGroup", "dealGroups",
        fields={
            "title": required(text()), "currency": Rule("currency", required=True),
            "allgroups": Rule("flag"), "allusers": Rule("flag"), "autoassign": enum(0, 1, 2),
            "users": Rule("list"), "groups": Rule("list"),
        },
        filters={"title": Filter("filters[title]"), "have_stages": Filter("filters[have_stages]", Rule("flag"))},
        orders=("title", "popular"),
        natural_key=NaturalKey(("title",), {"title": "title"}),
    ),
    Resource(
        "dealStage", "dealStages", "dealStage", "dealStages",
        fields={
            "title": required(text()), "group": ident(required=True),
            "order": Rule("int", minimum=0), "dealOrder": text(), "color": text(pattern=r"[0-9A-Fa-f]{6}"),
            "width": Rule("int", minimum=1),
            **{f"cardRegion{n}": text() for n in range(1, 6)},
        },
        filters={"pipeline": Filter("filters[d_groupid]", ident()), "title": Filter("filters[title]")},
        orders=("title",),
        natural_key=NaturalKey(("title", "group"), {"group": "pipeline", "title": "title"}),
    ),
    Resource(
        "dealTask", "dealTasks", "dealTask", "dealTasks",
        fields={
            "relid": ident(required=True), "ownerType": enum("deal", "contact"),
            "dealTasktype": ident(required=True), "duedate": Rule("date", required=True), "edate": Rule("date"),
            "title": text(), "note": text(), "status": enum(0, 1),  # 0 incomplete, 1 complete
            "assignee": ident(), "triggerAutomationOnCreate": ident(), "doneAutomation": ident(),
            "outcomeId": ident(), "outcomeInfo": text(),
        },
        filters={
            "title": Filter("filters[title]"),
            "deal": Filter("filters[relid]", ident()),
            "reltype": Filter("filters[reltype]", enum("Deal", "Subscriber")),
            "status": Filter("filters[status]", enum(0, 1)),
            "note": Filter("filters[note]"),
            "due_date": Filter("filters[duedate]"),
            "task_type": Filter("filters[d_tasktypeid]", ident()),
            "assignee": Filter("filters[assignee_userid]", ident()),
            "user": Filter("filters[userid]", ident()),
            "due_after": Filter("filters[due_after]", _DATE),
            "due_before": Filter("filters[due_before]", _DATE),
            "due_range": Filter("filters[duedate_range]"),
        },
        natural_key=NaturalKey(("title", "relid", "duedate", "dealTasktype"), {"relid": "deal"}),
    ),
    Resource(
        "dealTasktype", "dealTasktypes", "dealTasktype", "dealTasktypes",
        fields={"title": required(text()), "status": enum(0, 1)},  # 0 active, 1 disabled
        natural_key=NaturalKey(("title",)),
    ),
    Resource(
        "note", "notes", "note", "notes",
        fields={
            "note": required(text()), "relid": ident(required=True),
            "reltype": enum("Activity", "Deal", "DealTask", "Subscriber", "CustomerAccount", required=True),
        },
        updated="mdate",
        natural_key=NaturalKey(("note", "relid", "reltype"), under="{reltype}/{relid}/notes",
                               segments={"reltype": {"Deal": "deals", "Subscriber": "contacts",
                                                     "CustomerAccount": "accounts"}}),
    ),
    Resource(
        "account", "accounts", "account", "accounts",
        fields={"name": required(text()), "accountUrl": text(), "owner": ident(),
                "fields": Rule("fields", choices=("customFieldId", "fieldValue"),
                               defined_by="accountCustomFieldMetum")},
        filters={"search": Filter("search"), "count_deals": Filter("count_deals", Rule("bool"))},
        natural_key=NaturalKey(("name",), {"name": "search"}),
        created="createdTimestamp",
        updated="updatedTimestamp",
    ),
    Resource(
        "organization", "organizations", "organization", "organizations", frozenset({GET, LIST}),
        fields={"name": required(text())},
        filters={"name": Filter("filters[name]")},
        created="created_timestamp",
        updated="updated_timestamp",
    ),
    Resource(
        "calendar", "calendars", "calendar", "calendars",
        fields={
            "title": required(text()), "type": enum("All", "Deals", "Contacts", required=True),
            "notification": Rule("bool"),
        },
        updated="mdate",
        natural_key=NaturalKey(("title", "type")),
    ),
)


def resource(name: str) -> Resource:
    """Look a resource up by catalogue name, with the list of names when it is unknown."""
    try:
        return RESOURCES[name]
    except KeyError:
        raise input_error(
            "resource", "a catalogue resource (" + ", ".join(sorted(RESOURCES)) + ")", name
        ) from None


def _nested() -> tuple[SubCollection, ...]:
    """Every sub-collection: the tables' own, and each nested resource's collection under its parent."""
    own = tuple(SubCollection(r.parent, r.name, r.path, r.operations, single=r.single, parent_rule=r.parent_rule)
                for r in RESOURCES.values() if r.parent is not None)
    return (*tables.SUBCOLLECTIONS, *own)


#: Sub-collections by (parent, child) resource names, e.g. ``("contact", "contactTag")``.
SUBCOLLECTIONS: Mapping[tuple[str, str], SubCollection] = MappingProxyType({(s.parent, s.child): s for s in _nested()})
#: Calls beyond create/get/update/delete/list, by name (``dealStage.moveDeals``).
ACTIONS: Mapping[str, Action] = MappingProxyType({a.name: a for a in tables.ACTIONS})


def sub_collection(parent: str, child: str, name: str = "resource") -> SubCollection:
    """The sub-collection of ``child`` records under a ``parent`` record, or a clear error listing those there are."""
    found = SUBCOLLECTIONS.get((parent, child))
    if found is None:
        there = ", ".join(sorted(c for p, c in SUBCOLLECTIONS if p == parent)) or "none"
        raise input_error(name, f"a resource listed under a {parent} ({there})", child)
    return found


def action(name: str) -> Action:
    """Look an action up by name (``dealStage.moveDeals``), with the list of names when it is unknown."""
    try:
        return ACTIONS[name]
    except KeyError:
        raise input_error("action", "a catalogue action (" + ", ".join(sorted(ACTIONS)) + ")", name) from None
