"""The declarative catalogue of ActiveCampaign resources.

Each :class:`Resource` says where a resource lives (path, envelope keys), which operations
exist, which body fields are checked and how, which list filters and orderings the API
takes, and which timestamps say when a record was created or changed. The generic
operators, the Watch sensors and the emulator are driven by this table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

import pendulum

from airflow_provider_activecampaign.catalogue.types import INT32_MAX, Rule, enum, ident, required, text
from airflow_provider_activecampaign.catalogue.webhook_events import (
    EVENT_NAME_PATTERN,
    WEBHOOK_EVENTS,
    WEBHOOK_SOURCES,
)
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError

ORDER_DIRECTIONS = ("ASC", "DESC")
CREATE, GET, UPDATE, DELETE, LIST = "create", "get", "update", "delete", "list"
CRUD = frozenset({CREATE, GET, UPDATE, DELETE, LIST})
#: Deal statuses may be given by name as well as by the API's number.
DEAL_STATUSES = {"open": 0, "won": 1, "lost": 2}
#: How a body field is named to the user (the generic operators: ``body.FIELD``).
Label = Callable[[str], str]


@dataclass(frozen=True)
class Clash:
    """Stands in a body for an ``extra_fields`` entry that a named parameter sets (always refused)."""

    parameter: str


def _body_label(name: str) -> str:
    return f"body.{name}"


def is_literal(value: Any) -> bool:
    """Whether a value is final when the DAG is parsed: plain data with no Jinja ``{{`` in it
    (an XCom reference or any other object is rendered or resolved later)."""
    if value is None or isinstance(value, (bool, int, float, date)):
        return True
    if isinstance(value, str):
        return "{{" not in value and "{%" not in value
    if isinstance(value, (list, tuple)):
        return all(is_literal(v) for v in value)
    if type(value) is dict:
        return all(is_literal(k) and is_literal(v) for k, v in value.items())
    return False



@dataclass(frozen=True)
class Filter:
    """A list filter: the query parameter the API takes, and the rule for its value."""

    param: str
    rule: Rule = field(default_factory=Rule)


@dataclass(frozen=True)
class NaturalKey:
    """How to find a record that an earlier attempt of a create may already have made.

    ``fields``: the body fields that identify the record (those the body gives are compared).
    ``filters``: body field -> catalogue filter that narrows the list call.
    ``under``: a sub-collection to list instead, e.g. ``"contacts/{contact}/contactTags"``
    (placeholders are body fields); ``segments`` turns a body value into a path segment
    (e.g. a note's ``reltype`` ``Deal`` -> ``deals``); without one, the top collection is listed.
    ``unique``: the filters find at most one record in the account (a contact's e-mail), so the
    look-up needs no date filter (whose reading the API does not document).
    """

    fields: tuple[str, ...]
    filters: Mapping[str, str] = field(default_factory=dict)
    under: str | None = None
    segments: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    unique: bool = False

    def collection(self, body: Mapping[str, Any]) -> str | None:
        """The sub-collection to list for ``body``, or None (list the resource's own path)."""
        if self.under is None:
            return None
        values: dict[str, str] = {}
        for name in re.findall(r"{(\w+)}", self.under):
            value = body.get(name)
            value = self.segments.get(name, {}).get(str(value), None if name in self.segments else value)
            if value in (None, ""):
                return None
            values[name] = str(value)
        return self.under.format(**values)


@dataclass(frozen=True)
class Resource:
    """One ActiveCampaign resource as the v3 API serves it."""

    name: str
    path: str
    singular: str
    plural: str
    operations: frozenset[str] = CRUD
    fields: Mapping[str, Rule] = field(default_factory=dict)
    filters: Mapping[str, Filter] = field(default_factory=dict)
    orders: tuple[str, ...] = ()
    keyset: bool = False
    created: str = "cdate"
    updated: str | None = "udate"
    server_window: bool = False
    #: groups of fields of which a create body needs at least one (e.g. a deal's contact or account)
    one_of: tuple[tuple[str, ...], ...] = ()
    #: how a retried create finds the record an earlier attempt made (None: it cannot)
    natural_key: NaturalKey | None = None
    #: the field that identifies a record (event-tracking events are known by name)
    key: str = "id"

    def require(self, operation: str) -> None:
        if operation not in self.operations:
            raise ActiveCampaignInputError("resource", f"a resource that supports {operation!r}", self.name)

    def check_body(self, body: Mapping[str, Any], *, partial: bool, label: Label | None = None,
                   literal: bool = False) -> dict[str, Any]:
        """Check a create (``partial=False``) or update body against the field rules; return it converted.

        ``label`` names a field as the user wrote it (default ``body.FIELD``). With ``literal``
        (when a DAG is parsed) values still to be rendered are skipped, as are rules that
        need them. Unknown field names are refused.
        """
        label = label or _body_label
        if not isinstance(body, Mapping):
            raise ActiveCampaignInputError("body", "a mapping of field names to values", body)
        for name, value in body.items():
            if isinstance(value, Clash):
                raise ActiveCampaignInputError(f"extra_fields.{name}", f"left out (the parameter {value.parameter} "
                                               "sets it)")
            if name not in self.fields:
                raise ActiveCampaignInputError(label(name), f"a {self.name} field ({', '.join(self.fields)})")
        checked = {k: v for k, v in body.items() if v is not None}
        for name, rule in self.fields.items():
            if literal and name in checked and not is_literal(checked[name]):
                continue
            if name in checked or (rule.required and not partial):
                checked[name] = rule.check(checked.get(name), label(name))
        for group in () if partial else self.one_of:
            if all(checked.get(name) is None for name in group):
                raise ActiveCampaignInputError(" or ".join(label(name) for name in group),
                                               "given (at least one of them)")
        return {k: v for k, v in checked.items() if v is not None}

    def list_params(self, filters: Mapping[str, Any] | None, orders: Mapping[str, str] | None, *,
                    named: bool = False) -> dict[str, Any]:
        """Query parameters for a list call; unknown filter names and orderings are refused.

        (The API itself silently ignores unknown filters and returns everything.) Errors name
        ``filters.NAME`` and ``orders.NAME``, or with ``named`` the operator's own parameters
        (``NAME``, ``order_by``, ``order``).
        """
        params: dict[str, Any] = {}
        for name, value in (filters or {}).items():
            spec = self.filters.get(name)
            where = name if named else f"filters.{name}"
            if spec is None:
                valid = ", ".join(sorted(self.filters)) or "none"
                raise ActiveCampaignInputError(where, f"a known filter ({valid})")
            if value is None:
                continue
            value = spec.rule.check(value, where)
            params[spec.param] = _date_param(value) if spec.rule.kind == "date" else value
        for name, direction in (orders or {}).items():
            if name not in self.orders:
                valid = ", ".join(self.orders) or "none"
                raise ActiveCampaignInputError("order_by" if named else f"orders.{name}",
                                               f"an orderable field ({valid})", None if not named else name)
            direction = str(direction).strip().upper()
            if direction not in ORDER_DIRECTIONS:
                raise ActiveCampaignInputError("order" if named else f"orders.{name}", "ASC or DESC", direction)
            params[f"orders[{name}]"] = direction.lower()  # the document's case: asc|desc
        return params

    def item_path(self, record_id: Any, name: str = "record_id") -> str:
        return f"{self.path}/{ident(required=True).check(record_id, name)}"

    def wrap(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return {self.singular: dict(body)}

    def unwrap(self, reply: Any) -> Any:
        """The record of a single-record reply (side-loaded arrays are dropped)."""
        if isinstance(reply, Mapping) and self.singular in reply:
            return reply[self.singular]
        return reply


def _date_param(value: Any) -> str:
    """A date goes out as the document's ``format: date`` (``2026-03-10``); a date/time as ISO 8601 with
    an explicit offset, to the second (see tests/data/spec_errata.py for why date/times are kept)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        return value.strip()
    when = value if hasattr(value, "isoformat") else pendulum.parse(str(value))
    if not hasattr(when, "hour"):
        return when.isoformat()
    if getattr(when, "tzinfo", None) is None:
        when = pendulum.instance(when, tz="UTC")
    return when.isoformat(timespec="seconds")


_DATE = Rule("date")
_WINDOW_FILTERS = {
    name: Filter(f"filters[{name}]", _DATE)
    for name in ("created_before", "created_after", "updated_before", "updated_after")
}



def _catalogue(*resources: Resource) -> Mapping[str, Resource]:
    return MappingProxyType({r.name: r for r in resources})


RESOURCES: Mapping[str, Resource] = _catalogue(
    Resource(
        "contact", "contacts", "contact", "contacts",
        fields={
            "email": required(Rule("email")),
            "firstName": text(), "lastName": text(), "phone": text(),
            "fieldValues": Rule("fields", choices=("field", "value")),  # custom fields
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
    Resource("user", "users", "user", "users", frozenset({GET, LIST}), updated=None),
    Resource("group", "groups", "group", "groups", frozenset({GET, LIST}), updated=None),
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
        fields={"contact": required(ident()), "field": required(ident()), "value": required(text())},
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
        frozenset({CREATE, LIST}),
        fields={"name": required(text(pattern=EVENT_NAME_PATTERN))},
        updated=None, key="name",
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
            "status": enum(0, 1, 2),  # 0 open, 1 won, 2 lost
            "fields": Rule("fields", choices=("customFieldId", "fieldValue")),  # custom fields
        },
        filters={
            "title": Filter("filters[title]"),
            "search": Filter("filters[search]"),
            "search_field": Filter("filters[search_field]"),
            "pipeline": Filter("filters[group]", ident()),
            "stage": Filter("filters[stage]", ident()),
            "owner": Filter("filters[owner]", ident()),
            "status": Filter("filters[status]", enum(0, 1, 2)),
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
                "fields": Rule("fields", choices=("customFieldId", "fieldValue"))},
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
        raise ActiveCampaignInputError(
            "resource", "a catalogue resource (" + ", ".join(sorted(RESOURCES)) + ")", name
        ) from None
