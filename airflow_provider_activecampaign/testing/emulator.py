"""An ActiveCampaign API emulator: a real HTTP server on 127.0.0.1 that answers as the API is documented.

It serves the v3 API (``/api/3/...``, header ``Api-Token``) and the legacy API
(``/admin/api.php?api_action=...``) over in-memory state, with ActiveCampaign's envelopes,
string ids, US Central timestamps, paging, ordering, filters, error shapes, rate limit and
form-encoded webhooks, plus fault injection (status, delay, dropped connection) for tests.
Standard library only.

    with ActiveCampaignEmulator(seed="demo") as emulator:
        httpx.get(emulator.url + "/api/3/contacts", headers={"Api-Token": emulator.api_key})

Command line: ``python -m airflow_provider_activecampaign.testing.emulator --port 8765``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import hmac
import http.server
import json
import queue
import re
import secrets
import signal
import socket
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["ActiveCampaignEmulator", "RequestRecord", "main"]

#: The zone ActiveCampaign writes its timestamps in (``2018-09-12T16:53:50-05:00``).
CENTRAL = ZoneInfo("America/Chicago")

#: ``GET /webhook/events``, in the API's order.
WEBHOOK_EVENTS = (
    "account_add", "account_contact_add", "account_contact_update", "account_update",
    "bounce", "click", "contact_tag_added", "contact_tag_removed", "contact_task_add", "deal_add", "deal_note_add",
    "deal_pipeline_add", "deal_stage_add", "deal_task_add", "deal_task_complete", "deal_tasktype_add",
    "deal_update", "forward", "list_add", "open", "reply", "sent", "share", "sms_reply", "sms_sent",
    "sms_unsub", "subscribe", "subscriber_note", "unsubscribe", "update",
)
WEBHOOK_SOURCES = ("public", "admin", "api", "system")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
LEGACY_PAGE = 20
RATE_WINDOW = 0.95  # one second, less an allowance for arrival jitter of clients that pace at the limit
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FILTER_KEY = re.compile(r"filters\[([^\]]+)\]")
ORDER_KEY = re.compile(r"orders\[([^\]]+)\]")
BRACKET_KEY = re.compile(r"(\w+)\[([^\]]*)\]")
EVENT_NAME_RE = re.compile(r"[A-Za-z0-9 ]+")
SEED_EPOCH = datetime(2024, 1, 2, 9, 0, tzinfo=CENTRAL)

Record = dict[str, Any]
Query = dict[str, list[str]]
Predicate = Callable[["ActiveCampaignEmulator", Record, str, Query], bool]


# --------------------------------------------------------------------------- time


def format_time(when: datetime) -> str:
    """``2018-09-12T16:53:50-05:00``: ISO 8601 in US Central, as the API writes it."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=CENTRAL)
    return when.astimezone(CENTRAL).isoformat(timespec="seconds")


def parse_time(value: Any) -> datetime | None:
    """Parse the API's timestamps and filter values (ISO 8601, ``YYYY-MM-DD``, MySQL style) to UTC.

    Values without an offset are read as US Central, the account's zone; zero dates are None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        when = value
    else:
        text = str(value).strip()
        if not text or text.startswith("0000-00-00"):
            return None
        text = re.sub(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$", r"\1+\2", text)  # '+' lost in a query
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=CENTRAL)
    return when.astimezone(timezone.utc)


def legacy_time(value: Any) -> str | None:
    """``2011-01-31 15:34:28``: the legacy API's local MySQL format."""
    when = parse_time(value)
    return when.astimezone(CENTRAL).strftime("%Y-%m-%d %H:%M:%S") if when else None


def _utc_text(value: Any) -> str | None:
    when = parse_time(value)
    return when.strftime("%Y-%m-%d %H:%M:%S") if when else None


# --------------------------------------------------------------------------- small helpers


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _scalar(value: Any) -> Any:
    """Stored the way the API returns it: numbers and ids as strings, datetimes in Central ISO."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return value


def _first(query: Query, name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[-1] if values else default


def _truthy(value: Any) -> bool:
    return _text(value).strip().lower() in ("1", "true", "yes", "on")


def _flatten_form(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``{"deal": {"id": "3"}}`` -> ``[("deal[id]", "3")]``: PHP-style bracketed keys."""
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            pairs.extend(_flatten_form(value, name))
        elif isinstance(value, (list, tuple)):
            pairs.extend(_flatten_form({str(i): item for i, item in enumerate(value)}, name))
        else:
            pairs.append((name, _text(value)))
    return pairs


def _sort_key(value: Any) -> tuple[int, Any]:
    """Compare like MySQL would: nulls first, then numbers, timestamps, text (case-insensitive)."""
    if value is None or value == "":
        return (0, 0)
    text = str(value)
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return (1, float(text))
    if re.match(r"\d{4}-\d\d-\d\d", text):
        when = parse_time(text)
        if when is not None:
            return (2, when.timestamp())
    return (3, text.lower())


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A reply other than success, raised anywhere inside request handling."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


class LegacyFailure(Exception):
    """A legacy action that failed: 200 with ``result_code: 0``."""


def not_found(entity: str | None, record_id: Any) -> ApiError:
    """404 as the resource answers it: a message naming the entity, or (entity None) a JSON:API error."""
    if entity is None:
        return ApiError(404, {"errors": [{"status": 404, "title": "Not Found"}]})
    return ApiError(404, {"message": f"No Result found for {entity} with id {record_id}"})


def invalid(field_name: str, title: str, code: str = "field_invalid", detail: str = "") -> ApiError:
    return ApiError(422, {"errors": [_problem(field_name, title, code, detail)]})


def _problem(field_name: str, title: str, code: str, detail: str = "") -> dict[str, Any]:
    return {"title": title, "detail": detail, "code": code, "source": {"pointer": f"/data/attributes/{field_name}"}}


# --------------------------------------------------------------------------- filters


def eq(name: str) -> Predicate:
    """``filters[X]=V``: the record's field equals V (ids and text, case-insensitive)."""
    return lambda emu, rec, value, query: _text(rec.get(name)).lower() == value.lower()


def like(*names: str) -> Predicate:
    """V is a substring of one of the fields (case-insensitive)."""
    return lambda emu, rec, value, query: any(value.lower() in _text(rec.get(n)).lower() for n in names)


def _stamp_of(rec: Record, name: str, fallback: str | None) -> datetime | None:
    return parse_time(rec.get(name)) or (parse_time(rec.get(fallback)) if fallback else None)


def since(name: str, fallback: str | None = None) -> Predicate:
    """The timestamp is at or after V (an unreadable V is ignored, as the API ignores it)."""
    def predicate(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
        bound = parse_time(value)
        when = _stamp_of(rec, name, fallback)
        return bound is None or (when is not None and when >= bound)
    return predicate


def until(name: str, fallback: str | None = None) -> Predicate:
    """The timestamp is strictly before V."""
    def predicate(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
        bound = parse_time(value)
        when = _stamp_of(rec, name, fallback)
        return bound is None or (when is not None and when < bound)
    return predicate


def windows(created: str, updated: str) -> dict[str, Predicate]:
    """``filters[created_after|created_before|updated_after|updated_before]``."""
    return {
        "created_after": since(created), "created_before": until(created),
        "updated_after": since(updated, created), "updated_before": until(updated, created),
    }


def same_day(name: str) -> Predicate:
    def predicate(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
        when, day = parse_time(rec.get(name)), parse_time(value)
        return day is None or (when is not None and when.astimezone(CENTRAL).date() == day.astimezone(CENTRAL).date())
    return predicate


def _related(plural: str, key: str, match: str) -> Predicate:
    """The record has a ``plural`` record pointing at it through ``key`` whose ``match`` equals V."""
    return lambda emu, rec, value, query: any(
        _text(child.get(match)) == value for child in emu._children(plural, key, rec["id"]))


def _contact_lists(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
    status = _first(query, "status", "-1") or "-1"
    return any(cl["list"] == value and status in ("-1", _text(cl["status"]))
               for cl in emu._children("contactLists", "contact", rec["id"]))


def _contact_status(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
    if value == "-1" or _first(query, "listid"):
        return True  # combined with listid above
    return any(_text(cl["status"]) == value for cl in emu._children("contactLists", "contact", rec["id"]))


def _contact_search(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
    org = emu._get("organizations", rec.get("orgid")) or {}
    return like("email", "firstName", "lastName", "phone", "orgname")(emu, rec, value, query) or (
        value.lower() in _text(org.get("name")).lower())


def _deal_contact(emu: ActiveCampaignEmulator, rec: Record) -> Record:
    return emu._get("contacts", rec.get("contact")) or {}


def _deal_org(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
    own = {_text(rec.get(k)) for k in ("organization", "account", "customerAccount")}
    return value in own or _text(_deal_contact(emu, rec).get("orgid")) == value


def _deal_tag(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
    tags = emu._tags_of(_text(rec.get("contact")))
    return any(value.lower() in (tag["id"], _text(tag.get("tag")).lower()) for tag in tags)


def _deal_tasktype(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
    return any(_text(task.get("dealTasktype")) == value and task.get("reltype") == "Deal"
               for task in emu._children("dealTasks", "relid", rec["id"]))


def _deal_search(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
    contact = _deal_contact(emu, rec)
    names = {"title": rec.get("title"), "contact": f"{contact.get('firstName', '')} {contact.get('lastName', '')}",
             "email": contact.get("email"), "org": contact.get("orgname")}
    wanted = _first(query, "filters[search_field]") or "all"
    haystack = [names[wanted]] if wanted in names else list(names.values())
    return any(value.lower() in _text(text).lower() for text in haystack)


def _deal_value(bound: Callable[[float, float], bool]) -> Predicate:
    def predicate(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
        try:
            return bound(_int(rec.get("value")) / 100, float(value))
        except ValueError:
            return True
    return predicate


def _id_in(emu: ActiveCampaignEmulator, rec: Record, value: str, query: Query) -> bool:
    return rec["id"] in {part.strip() for part in value.split(",")}


CONTACT_PARAMS: dict[str, Predicate] = {
    "email": eq("email"),
    "email_like": like("email"),
    "search": _contact_search,
    "listid": _contact_lists,
    "status": _contact_status,
    "tagid": _related("contactTags", "contact", "tag"),
    "seriesid": _related("contactAutomations", "contact", "automation"),
    "organization": lambda emu, rec, value, query: value in (_text(rec.get("orgid")), _text(rec.get("organization"))),
    "ids": _id_in,
    "ids[]": _id_in,
    "id_greater": lambda emu, rec, value, query: int(rec["id"]) > _int(value),
    "id_less": lambda emu, rec, value, query: int(rec["id"]) < _int(value, 1 << 62),
    "exclude": lambda emu, rec, value, query: rec["id"] != value,
    "phone": lambda emu, rec, value, query: _text(rec.get("phone")).startswith(value),
}

DEAL_FILTERS: dict[str, Predicate] = {
    "title": like("title"),
    "stage": eq("stage"),
    "group": eq("group"),
    "status": eq("status"),
    "owner": eq("owner"),
    "organization": _deal_org,
    "tag": _deal_tag,
    "tasktype": _deal_tasktype,
    "search": _deal_search,
    "minimum_value": _deal_value(lambda dollars, bound: dollars >= bound),
    "maximum_value": _deal_value(lambda dollars, bound: dollars <= bound),
    **windows("cdate", "mdate"),
}

TASK_FILTERS: dict[str, Predicate] = {
    "title": like("title"),
    "relid": eq("relid"),
    "reltype": eq("reltype"),
    "status": eq("status"),
    "note": like("note"),
    "duedate": same_day("duedate"),
    "d_tasktypeid": eq("dealTasktype"),
    "userid": eq("user"),
    "assignee_userid": eq("assignee"),
    "outcome_id": eq("outcomeId"),
    "due_after": since("duedate"),
    "due_before": until("duedate"),
}


# --------------------------------------------------------------------------- the resource table

ALL_OPS = frozenset({"list", "create", "get", "update", "delete"})
READ_OPS = frozenset({"list", "get"})


@dataclass(frozen=True)
class Resource:
    """One v3 collection: ``/api/3/{plural}`` and ``/api/3/{plural}/{id}``."""

    plural: str
    singular: str
    entity: str | None  # in "No Result found for {entity} with id {id}"; None: {"errors": [...Not Found]}
    created: str | None = "cdate"
    updated: str | None = "udate"
    required: tuple[str, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    total_as_str: bool = True  # meta.total "6" or 6, as the spec's examples show
    ops: frozenset[str] = ALL_OPS
    create_status: int = 201
    params: Mapping[str, Predicate] = field(default_factory=dict)  # plain query parameters
    filters: Mapping[str, Predicate] = field(default_factory=dict)  # filters[X]; others compare equal
    native: tuple[str, ...] = ()  # fields kept as given (not stored as strings)
    unique: tuple[str, str] | None = None  # (field, 422 title) for duplicates
    upsert_on: tuple[str, ...] = ()  # POST updates the record with equal values of these fields
    key: str = "id"  # item path segment; eventTrackingEvents are addressed by name
    delete_body: Any = field(default_factory=dict)
    delete_404: str | None = None  # a resource-specific 404 message for DELETE


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
    "organization": None,
}
DEAL_DEFAULTS = {
    "owner": "1", "contact": None, "organization": None, "account": None, "customerAccount": None,
    "group": None, "stage": None, "title": "", "description": "", "percent": None, "nextdate": None,
    "nexttaskid": None, "value": "0", "currency": "usd", "winProbability": None, "winProbabilityMdate": None,
    "status": "0", "activitycount": "0", "nextdealid": None, "edate": None, "hash": "", "isDisabled": False,
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
    "hidden": "0", "preview_mime": "", "preview_data": None, "user": "1",
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
    "form": None, "seriesid": "0", "sdate": None, "unsubdate": None, "status": "1", "responder": "1",
    "sync": "0", "unsubreason": None, "campaign": None, "message": None, "first_name": "", "last_name": "",
    "ip4Sub": "0", "sourceid": "0", "autosyncLog": None, "ip4_last": "0", "ip4Unsub": "0",
    "unsubscribeAutomation": None, "automation": None,
}

RESOURCES: dict[str, Resource] = {r.plural: r for r in (
    Resource("contacts", "contact", "Subscriber", required=("email",), defaults=CONTACT_DEFAULTS,
             links=CONTACT_LINKS, params=CONTACT_PARAMS, filters=windows("cdate", "udate"),
             unique=("email", "Email address already exists in the system"),
             delete_404="No result found for contact with id {id}"),
    Resource("fieldValues", "fieldValue", "FieldValue", required=("contact", "field", "value"),
             links=("owner", "field"), create_status=200, upsert_on=("contact", "field"),
             defaults={"created_by": None, "updated_by": None},
             filters={"fieldid": eq("field"), "val": eq("value")}),
    Resource("fields", "field", "Field", required=("title", "type"), links=("options", "relations"),
             defaults={"descript": None, "isrequired": "0", "perstag": "", "defval": None, "show_in_list": "0",
                       "rows": "0", "cols": "0", "visible": "1", "service": "", "ordernum": "1"},
             unique=("title", "There is already a field with this title")),
    Resource("fieldOptions", "fieldOption", "FieldOption", required=("field",), links=("field",),
             defaults={"orderid": "0", "value": "", "label": "", "isdefault": "0"}),
    Resource("fieldRels", "fieldRel", "FieldRel", updated=None, required=("field", "relid"),
             defaults={"dorder": "0"}),
    Resource("contactLists", "contactList", "ContactList", "created_timestamp", "updated_timestamp",
             required=("list", "contact", "status"), defaults=CONTACT_LIST_DEFAULTS, create_status=200,
             upsert_on=("contact", "list"),
             links=("automation", "list", "contact", "form", "autosyncLog", "campaign", "unsubscribeAutomation",
                    "message")),
    Resource("contactTags", "contactTag", "SubscriberTag", updated=None, links=("contact", "tag"),
             upsert_on=("contact", "tag")),
    Resource("tags", "tag", "Tag", updated=None, required=("tag",), defaults={"tagType": "contact", "description": ""},
             links=("contactGoalTags",), params={"search": like("tag")}, filters={"search": like("tag")}),
    Resource("lists", "list", "_List", required=("name", "sender_url", "sender_reminder"), defaults=LIST_DEFAULTS,
             create_status=200, links=("contactGoalLists", "user", "addressLists"),
             filters={"name": like("name")}),
    Resource("automations", "automation", "Series", "cdate", "mdate", ops=READ_OPS,
             defaults={"name": "", "userid": "1", "status": "1", "entered": "0", "exited": "0", "hidden": "0",
                       "defaultscreenshot": "", "screenshot": ""},
             links=("campaigns", "contactGoals", "contactAutomations", "blocks", "goals", "sms", "sitemessages")),
    Resource("contactAutomations", "contactAutomation", "SubscriberSeries", "adddate", "lastdate",
             required=("contact", "automation"), ops=ALL_OPS - {"update"}, native=("completed", "completeValue"),
             defaults={"seriesid": "0", "startid": "0", "status": "1", "batchid": None, "remdate": None,
                       "timespan": None, "lastblock": "0", "lastlogid": "0", "completedElements": "0",
                       "totalElements": "0", "completed": 0, "completeValue": 0},
             links=("automation", "contact", "contactGoals")),
    Resource("deals", "deal", "Deal", "cdate", "mdate", required=("title", "value", "currency"),
             defaults=DEAL_DEFAULTS, total_as_str=False, filters=DEAL_FILTERS, delete_body=None,
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
             "updatedTimestamp", required=("dealId", "customFieldId", "fieldValue"), native=("fieldValue",),
             upsert_on=("dealId", "customFieldId"), delete_body={"message": "DealCustomFieldData deleted."},
             links=("deal", "dealCustomFieldMetum")),
    Resource("dealGroups", "dealGroup", "DealGroup", required=("title", "currency"), create_status=200,
             delete_body=None,
             defaults={"allgroups": "1", "allusers": "1", "autoassign": "1"},
             links=("dealGroupGroups", "dealGroupUsers", "stages"), filters={"title": like("title")}),
    Resource("dealStages", "dealStage", "DealStage", required=("title", "group"), create_status=200,
             defaults=STAGE_DEFAULTS, links=("group",), filters={"d_groupid": eq("group"), "title": like("title")}),
    Resource("dealTasks", "dealTask", "DealTask", required=("relid", "duedate", "dealTasktype"),
             native=("status",), filters=TASK_FILTERS,
             defaults={"title": None, "note": "", "status": 0, "edate": None, "automation": None,
                       "doneAutomation": None, "user": "1", "assignee": None, "outcomeId": None,
                       "outcomeInfo": None, "reltype": "Deal"},
             links=("activities", "automation", "dealTasktype", "doneAutomation", "notes", "owner",
                    "taskNotifications", "user", "assignee")),
    Resource("dealTasktypes", "dealTasktype", "DealTasktype", required=("title",), create_status=200,
             defaults={"defduration": "0", "status": "0"}),
    Resource("notes", "note", "Note", "cdate", "mdate", required=("note", "relid", "reltype"),
             defaults={"userid": "1", "user": "1", "is_draft": "0"},
             links=("activities", "mentions", "notes", "owner", "user")),
    Resource("campaigns", "campaign", "Campaign", "cdate", "mdate", ops=READ_OPS, defaults=CAMPAIGN_DEFAULTS,
             links=("user", "automation", "campaignMessage", "campaignMessages", "links", "aggregateRevenues",
                    "segment", "campaignLists")),
    Resource("messages", "message", "Message", "cdate", "mdate", required=("fromname", "fromemail", "reply2"),
             defaults=MESSAGE_DEFAULTS, links=("user",)),
    Resource("accounts", "account", "CustomerAccount", "createdTimestamp", "updatedTimestamp",
             required=("name",), defaults={"accountUrl": None, "owner": "1"},
             links=("notes", "accountCustomFieldData", "accountContacts"), params={"search": like("name")},
             unique=("name", 'An account named "{value}" already exists. Please choose a new name.')),
    Resource("organizations", "organization", "Organization", "created_timestamp", "updated_timestamp",
             ops=READ_OPS, defaults={"userid": "1", "owner": "1"}, links=("contacts", "deals"),
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
}

#: What a delete takes with it: resource -> (child resource, its field holding the parent id).
CASCADES: dict[str, tuple[tuple[str, str], ...]] = {
    "contacts": (("contactLists", "contact"), ("contactTags", "contact"), ("fieldValues", "contact"),
                 ("contactAutomations", "contact")),
    "dealGroups": (("dealStages", "group"), ("deals", "group")),
    "deals": (("dealCustomFieldData", "dealId"),),
    "dealCustomFieldMeta": (("dealCustomFieldData", "customFieldId"),),
    "tags": (("contactTags", "tag"),),
    "fields": (("fieldValues", "field"), ("fieldOptions", "field")),
}

#: Parents of ``/{parent}/{id}/notes``, and the note ``reltype`` they stand for.
NOTE_PARENTS = {"deals": "Deal", "accounts": "CustomerAccount", "contacts": "Subscriber"}
NOTE_OWNERS = {reltype: plural for plural, reltype in NOTE_PARENTS.items()}
RELTYPES = {"activity": "Activity", "deal": "Deal", "dealtask": "DealTask", "subscriber": "Subscriber",
            "contact": "Subscriber", "customeraccount": "CustomerAccount", "account": "CustomerAccount"}

ORDER_ALIASES = {"first_name": "firstName", "last_name": "lastName", "next-action": "nextdate"}


# --------------------------------------------------------------------------- requests and replies


@dataclass
class RequestRecord:
    """One request the emulator received (``api_key`` values redacted); ``status`` 0 = dropped."""

    method: str
    path: str
    query: dict[str, list[str]]
    json: Any | None
    form: dict[str, list[str]] | None
    status: int = 0


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-encoded unless raw is set
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"

    def encode(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return b"" if self.body is None else json.dumps(self.body).encode()


@dataclass
class _Fault:
    status: int | None
    count: int
    method: str | None
    path: str | None
    retry_after: int | None
    delay: float
    drop: bool
    body: str | None
    content_type: str
    after_processing: bool

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path is None or path.startswith(self.path))

    def reply(self) -> Reply:
        status = self.status or 500
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        body = json.dumps({"message": phrase}) if self.body is None else self.body
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return Reply(status, headers=headers, raw=body.encode(), content_type=self.content_type)


@dataclass
class _Call:
    """A parsed v3 request, handed to the route handlers."""

    method: str
    segments: list[str]
    query: Query
    pairs: list[tuple[str, str]]
    body: Any


# --------------------------------------------------------------------------- the emulator


class ActiveCampaignEmulator:
    """ActiveCampaign's v3 and legacy APIs on 127.0.0.1, over in-memory state.

    ``seed=None`` gives a minimal account (the key's user, a group, a pipeline with stages,
    task types, two automations, a list, a tag); ``seed="demo"`` adds contacts, deals, tasks,
    calendar feeds, messages, campaigns and more. Records made through the API fire webhooks
    from source ``api``; records made with :meth:`insert`/:meth:`modify` from source ``admin``.
    """

    def __init__(self, api_key: str = "emulator-api-key", *, host: str = "127.0.0.1", port: int = 0,
                 rate_limit: float | None = None, seed: str | None = None) -> None:
        if seed not in (None, "demo"):
            raise ValueError(f"Unknown seed {seed!r}: use None or 'demo'")
        self.api_key = api_key
        self.host = host
        self.port = port
        self.rate_limit = rate_limit
        self.seed = seed
        self.requests: list[RequestRecord] = []
        self.deliveries: list[dict[str, Any]] = []
        self.server_errors: list[str] = []  # tracebacks of unexpected failures (500 replies)
        self._lock = threading.RLock()
        self._deliveries_changed = threading.Condition()
        self._stopping = threading.Event()
        self._outbox: queue.Queue[tuple[str, str, str, list[tuple[str, str]]] | None] = queue.Queue()
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._base = ""
        self._frozen: datetime | None = None
        self._faults: list[_Fault] = []
        self._hits: deque[float] = deque()
        self._tables: dict[str, dict[str, Record]] = {}
        self._next_ids: dict[str, int] = {}
        self._tracking_enabled = False
        self.reset()

    # lifecycle ----------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, the account's API URL (v3 base: ``url + "/api/3"``)."""
        if self._server is None:
            raise RuntimeError("The emulator is not started")
        return self._base

    def start(self) -> ActiveCampaignEmulator:
        """Bind, then serve in a background thread; returns self."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self.host, self.port), _Handler)
        server.emulator = self  # type: ignore[attr-defined]
        self._server = server
        self._base = f"http://{self.host}:{server.server_address[1]}"
        self._threads = [
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             name="activecampaign-emulator", daemon=True),
            threading.Thread(target=self._deliver_loop, name="activecampaign-webhooks", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and join its threads (pending webhooks are given 5 s)."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        self._outbox.put(None)
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def __enter__(self) -> ActiveCampaignEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ActiveCampaignEmulator(url={self._base or None!r}, seed={self.seed!r})"

    def connection_json(self) -> str:
        """An Airflow connection (``AIRFLOW_CONN_*``) pointing at this emulator."""
        return json.dumps({"conn_type": "activecampaign", "host": self.url, "password": self.api_key,
                           "extra": {"allow_http": True}})

    # state for tests ------------------------------------------------------------

    def records(self, resource: str) -> list[Record]:
        """All records of a resource (``"contacts"``, ``"dealTasks"``...), as the API shows them, in id order."""
        res = self._resource(resource)
        with self._lock:
            return [self._render(res, rec) for rec in self._ordered(res.plural)]

    def record(self, resource: str, record_id: str | int) -> Record | None:
        """One record as the API shows it, or None."""
        res = self._resource(resource)
        with self._lock:
            rec = self._find(res, _text(record_id))
            return None if rec is None else self._render(res, rec)

    def insert(self, resource: str, **fields: Any) -> Record:
        """Create a record directly, as if made in the UI (webhook source ``admin``).

        Fields may set timestamps (``cdate=...``, ISO text or aware datetimes) and ``id``.
        """
        res = self._resource(resource)
        with self._lock:
            return self._render(res, self._save(res, fields, None, "admin"))

    def modify(self, resource: str, record_id: str | int, **fields: Any) -> Record:
        """Change a record directly; its update timestamp moves unless given."""
        res = self._resource(resource)
        with self._lock:
            rec = self._find(res, _text(record_id))
            if rec is None:
                raise KeyError(f"No {resource} record with id {record_id}")
            return self._render(res, self._save(res, fields, rec, "admin"))

    def set_now(self, when: datetime | None) -> None:
        """Freeze the clock used for timestamps (an aware datetime); None = real time."""
        if when is not None and when.tzinfo is None:
            raise ValueError("set_now() needs an aware datetime")
        self._frozen = when

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def inject_fault(self, *, status: int | None = None, count: int = 1, method: str | None = None,
                     path: str | None = None, retry_after: int | None = None, delay: float = 0.0,
                     drop: bool = False, body: str | None = None, content_type: str = "application/json",
                     after_processing: bool = False) -> None:
        """Give the next ``count`` matching requests a fault instead of (or after) the normal handling.

        ``path`` is a prefix of the URL path (``"/api/3/contacts"``; a relative ``"contacts"`` means
        ``/api/3/contacts``). The fault is a ``status`` reply (``body``, ``Retry-After``), a ``delay``
        before replying, or a ``drop`` (socket closed without a reply). ``after_processing=True``
        performs the request first (state changes!) and then delays/drops/fails.
        """
        if status is None and not drop and delay <= 0:
            raise ValueError("inject_fault() needs a status, a delay or drop=True")
        if path is not None and not path.startswith("/"):
            path = "/api/3/" + path
        with self._lock:
            self._faults.append(_Fault(status, count, method, path, retry_after, delay, drop, body,
                                       content_type, after_processing))

    def reset(self) -> None:
        """Empty all state (records, requests, faults, deliveries) and seed again."""
        with self._lock:
            self._tables = {plural: {} for plural in RESOURCES}
            self._next_ids = dict.fromkeys(RESOURCES, 1)
            self._faults.clear()
            self._hits.clear()
            self.requests.clear()
            self._tracking_enabled = False
            self._seed()
        with self._deliveries_changed:
            self.deliveries.clear()

    def wait_for_deliveries(self, n: int, timeout: float = 5.0) -> bool:
        """Wait until at least ``n`` webhook deliveries were attempted."""
        with self._deliveries_changed:
            return self._deliveries_changed.wait_for(lambda: len(self.deliveries) >= n, timeout)

    # clock, ids, lookups ------------------------------------------------------

    def _now(self) -> datetime:
        return self._frozen or datetime.now(timezone.utc)

    def _resource(self, name: str) -> Resource:
        try:
            return RESOURCES[name]
        except KeyError:
            raise ValueError(f"Unknown resource {name!r}; known: {', '.join(sorted(RESOURCES))}") from None

    def _ordered(self, plural: str) -> list[Record]:
        return sorted(self._tables[plural].values(), key=lambda rec: int(rec["id"]))

    def _get(self, plural: str, record_id: Any) -> Record | None:
        return self._tables[plural].get(_text(record_id)) if record_id not in (None, "") else None

    def _find(self, res: Resource, key: str) -> Record | None:
        if res.key == "id":
            return self._tables[res.plural].get(key)
        return next((rec for rec in self._tables[res.plural].values() if _text(rec.get(res.key)) == key), None)

    def _children(self, plural: str, name: str, value: Any) -> list[Record]:
        wanted = _text(value)
        return [rec for rec in self._ordered(plural) if _text(rec.get(name)) == wanted]

    def _tags_of(self, contact_id: str) -> list[Record]:
        ids = [ct["tag"] for ct in self._children("contactTags", "contact", contact_id)]
        return [tag for tag in (self._get("tags", i) for i in ids) if tag]

    def _require_record(self, plural: str, record_id: Any) -> Record:
        rec = self._get(plural, record_id)
        if rec is None:
            raise not_found(RESOURCES[plural].entity, record_id)
        return rec

    # rendering ----------------------------------------------------------------

    def _render(self, res: Resource, rec: Record) -> Record:
        """The record as the API shows it: a deep copy with ``links``, without internal ``_`` fields."""
        out = {k: copy.deepcopy(v) for k, v in rec.items() if not k.startswith("_")}
        if res.key != "id":
            return {k: v for k, v in out.items() if k != "id"}
        rid = rec["id"]
        if res.plural == "contacts":
            out["created_utc_timestamp"] = _utc_text(rec.get("cdate"))
            out["updated_utc_timestamp"] = _utc_text(rec.get("udate"))
        elif res.plural == "dealGroups":
            out["stages"] = [s["id"] for s in self._stages_of(rid)]
        elif res.plural == "fields":
            out["options"] = [o["id"] for o in self._children("fieldOptions", "field", rid)]
            out["relations"] = [r["id"] for r in self._children("fieldRels", "field", rid)]
        out["links"] = {name: f"{self._base}/api/3/{res.plural}/{rid}/{name}" for name in res.links}
        out["id"] = rid
        return out

    def _render_all(self, plural: str, recs: list[Record]) -> list[Record]:
        return [self._render(RESOURCES[plural], rec) for rec in recs]

    def _stages_of(self, group_id: str) -> list[Record]:
        stages = self._children("dealStages", "group", group_id)
        return sorted(stages, key=lambda s: (_int(s.get("order")), int(s["id"])))

    def _sideloads(self, res: Resource, recs: list[Record], kind: str) -> dict[str, list[Record]]:
        """Related records the API returns beside the main ones (``kind``: get, list or write)."""
        ids = [rec["id"] for rec in recs]

        def children(plural: str, name: str) -> list[Record]:
            return self._render_all(plural, [r for i in ids for r in self._children(plural, name, i)])

        def parents(plural: str, name: str) -> list[Record]:
            return self._render_all(plural, [p for p in (self._get(plural, r.get(name)) for r in recs) if p])

        if res.plural == "contacts":
            if kind == "list":
                return {"scoreValues": []}
            loads = {"fieldValues": children("fieldValues", "contact")}
            if kind == "get":
                for plural in ("contactAutomations", "contactLists", "contactTags", "deals"):
                    loads[plural] = children(plural, "contact")
                loads.update(geoAddresses=[], geoIps=[])
            return loads
        if res.plural == "deals":
            if kind == "write":
                return {"contacts": parents("contacts", "contact"), "dealStages": parents("dealStages", "stage")}
            data = children("dealCustomFieldData", "dealId")
            return {"dealCustomFieldData": data} if kind == "get" and data else {}
        if res.plural == "dealGroups":
            return {"dealStages": self._render_all("dealStages", [s for i in ids for s in self._stages_of(i)])}
        if res.plural == "fields" and kind != "write":
            return {"fieldOptions": children("fieldOptions", "field"), "fieldRels": children("fieldRels", "field")}
        if kind == "write" and res.plural in ("contactLists", "contactAutomations", "fieldValues"):
            return {"contacts": parents("contacts", "contact")}
        if kind == "write" and res.plural == "notes":
            parent = NOTE_OWNERS.get(_text(recs[0].get("reltype")))
            return {parent: parents(parent, "relid")} if parent else {}
        return {}

    # saving -------------------------------------------------------------------

    def _save(self, res: Resource, fields: Mapping[str, Any], existing: Record | None, source: str) -> Record:
        """Create (``existing`` None) or update a record: validate, normalize, stamp, store, notify."""
        strict = source == "api"
        data = {k: (v if k in res.native else _scalar(v)) for k, v in fields.items() if k != "links"}
        forced_id = _text(data.pop("id", None)) if not strict and existing is None else None
        data.pop("id", None)
        if strict and existing is None:
            self._check_required(res, data)
        shaper = getattr(self, f"_shape_{res.plural}", None)
        after = shaper(data, existing, source) if shaper else None
        if strict and res.unique:
            self._check_unique(res, data, existing)
        now = format_time(self._now())
        old = copy.deepcopy(existing) if existing is not None else None
        if existing is None:
            rid = forced_id or str(self._next_ids[res.plural])
            self._next_ids[res.plural] = max(self._next_ids[res.plural], int(rid) + 1)
            rec = {**copy.deepcopy(dict(res.defaults)), **data, "id": rid}
            if res.created and res.created not in data:
                rec[res.created] = now
            if res.updated and res.updated not in data:  # a new record's update time is its create time
                rec[res.updated] = rec.get(res.created) or now
        else:
            rec = existing
            rec.update(data)
            if res.updated and res.updated not in data:
                rec[res.updated] = now
        self._tables[res.plural][rec["id"]] = rec
        if after:
            after(rec)
        self._notify(res, rec, old, source)
        return rec

    def _check_required(self, res: Resource, data: Mapping[str, Any]) -> None:
        missing = [name for name in res.required if data.get(name) in (None, "", [])]
        if missing:
            raise ApiError(422, {"errors": [
                _problem(name, f"The {res.singular} {name} was not provided.", "field_missing") for name in missing]})

    def _check_unique(self, res: Resource, data: Mapping[str, Any], existing: Record | None) -> None:
        name, title = res.unique  # type: ignore[misc]
        value = _text(data.get(name)).lower()
        if not value:
            return
        for rec in self._tables[res.plural].values():
            if rec is not existing and _text(rec.get(name)).lower() == value:
                raise invalid(name, title.format(value=data.get(name)), "duplicate")

    def _upsert(self, res: Resource, data: Mapping[str, Any], keys: tuple[str, ...],
                source: str) -> tuple[Record, bool]:
        """Update the record whose ``keys`` equal the data's, or create one; (record, created)."""
        wanted = [_text(_scalar(data.get(k))).lower() for k in keys]
        for rec in self._tables[res.plural].values():
            if [_text(rec.get(k)).lower() for k in keys] == wanted:
                return self._save(res, data, rec, source), False
        return self._save(res, data, None, source), True

    def _delete(self, res: Resource, rec: Record, source: str) -> None:
        del self._tables[res.plural][rec["id"]]
        for plural, name in CASCADES.get(res.plural, ()):
            for child in self._children(plural, name, rec["id"]):
                self._tables[plural].pop(child["id"], None)
        self._notify(res, rec, rec, source, deleted=True)

    # shapers: per-resource validation and derived fields ------------------------
    # Called by _save with the incoming fields (already stored-as-strings), the existing record
    # (None when creating) and the source; may raise ApiError (strict only when source == "api")
    # and may return a callback run with the saved record.

    def _shape_contacts(self, data: Record, old: Record | None, source: str) -> Callable[[Record], None] | None:
        for legacy_name, name in (("first_name", "firstName"), ("last_name", "lastName")):
            if legacy_name in data:
                data.setdefault(name, data.pop(legacy_name))
        values = data.pop("fieldValues", None)
        if "email" in data:
            email = _text(data["email"]).strip()
            if source == "api" and not EMAIL_RE.fullmatch(email):
                raise invalid("email", "Email address is not valid.")
            data["email"] = email
            data["hash"] = hashlib.md5(email.lower().encode()).hexdigest()
        if not isinstance(values, list):
            return None
        if source == "api":
            for value in values:
                self._require_record("fields", (value or {}).get("field"))

        def after(rec: Record) -> None:
            for value in values:
                self._set_field_value(rec["id"], value.get("field"), value.get("value"), source)
        return after

    def _shape_fieldValues(self, data: Record, old: Record | None, source: str) -> None:
        if source == "api":
            self._require_record("contacts", data.get("contact", (old or {}).get("contact")))
            self._require_record("fields", data.get("field", (old or {}).get("field")))
        if "contact" in data:
            data["owner"] = data["contact"]

    def _shape_fields(self, data: Record, old: Record | None, source: str) -> None:
        if old is None and not data.get("perstag") and data.get("title"):
            data["perstag"] = re.sub(r"[^A-Z0-9]+", "_", _text(data["title"]).upper()).strip("_")

    def _shape_fieldOptions(self, data: Record, old: Record | None, source: str) -> None:
        if source == "api":
            self._require_record("fields", data.get("field"))

    def _shape_contactLists(self, data: Record, old: Record | None, source: str) -> None:
        contact = self._get("contacts", data.get("contact", (old or {}).get("contact")))
        if source == "api":
            if contact is None:
                raise not_found("Subscriber", data.get("contact"))
            self._require_record("lists", data.get("list"))
            if _text(data.get("status")) not in ("0", "1", "2", "3"):
                raise invalid("status", "The contactList status must be 0, 1, 2 or 3.")
        status = _text(data.get("status", (old or {}).get("status", "1")))
        data["status"] = status
        if old is None or _text(old.get("status")) != status:
            now = data.get("created_timestamp") or format_time(self._now())
            data.setdefault("sdate" if status == "1" else "unsubdate", now if status in ("1", "2") else None)
        if contact:
            data.setdefault("first_name", contact.get("firstName"))
            data.setdefault("last_name", contact.get("lastName"))

    def _shape_contactTags(self, data: Record, old: Record | None, source: str) -> None:
        if source != "api":
            return
        missing = [name for name in ("contact", "tag") if data.get(name) in (None, "")]
        if missing:
            raise ApiError(422, {"errors": [{"status": 422, "title": "Missing attribute",
                                             "source": {"pointer": f"/data/attributes/{name}"}} for name in missing]})
        for plural, label in (("contacts", "Contact"), ("tags", "Tag")):
            if self._get(plural, data[plural[:-1]]) is None:
                raise ApiError(404, {"errors": [{"status": 404, "title": "Not Found", "detail": f"{label} not found"}]})

    def _shape_lists(self, data: Record, old: Record | None, source: str) -> None:
        if old is None and not data.get("stringid") and data.get("name"):
            data["stringid"] = re.sub(r"[^a-z0-9]+", "-", _text(data["name"]).lower()).strip("-")

    def _shape_contactAutomations(self, data: Record, old: Record | None, source: str) -> None:
        if source == "api" and (self._get("contacts", data.get("contact")) is None
                                or self._get("automations", data.get("automation")) is None):
            raise ApiError(403, {"message": "Could not create SubscriberSeries"})
        if "automation" in data:
            data["seriesid"] = data["automation"]

    def _shape_deals(self, data: Record, old: Record | None, source: str) -> Callable[[Record], None] | None:
        strict = source == "api"
        fields = data.pop("fields", None)
        if "value" in data:
            try:
                data["value"] = str(int(float(_text(data["value"]) or 0)))
            except ValueError:
                if strict:
                    raise invalid("value", "The deal value must be a number (in cents).") from None
        if "currency" in data:
            data["currency"] = _text(data["currency"]).lower()
        if "account" in data:
            data.setdefault("customerAccount", data["account"])
            data.setdefault("organization", data["account"])
        stage = self._get("dealStages", data.get("stage"))
        if data.get("stage") and stage is None and strict:
            raise not_found("DealStage", data["stage"])
        if stage is not None and not data.get("group"):
            data["group"] = stage["group"]
        elif data.get("group") and not data.get("stage") and old is None:
            stages = self._stages_of(_text(data["group"]))
            if stages:
                data["stage"] = stages[0]["id"]
        if strict:
            if data.get("group"):
                self._require_record("dealGroups", data["group"])
            if stage is not None and _text(stage["group"]) != _text(data.get("group", stage["group"])):
                raise invalid("stage", "The stage does not belong to the deal's pipeline.")
            if old is None and not data.get("stage"):
                raise invalid("stage", "The deal stage was not provided.", "field_missing")
            if old is None and not (data.get("contact") or data.get("account")):
                raise invalid("contact", "The deal contact was not provided.", "field_missing")
            if data.get("contact"):
                self._require_record("contacts", data["contact"])
        if old is None:
            data.setdefault("hash", secrets.token_hex(4))
        if not isinstance(fields, list):
            return None

        def after(rec: Record) -> None:
            for item in fields:
                values = {"dealId": rec["id"], "customFieldId": item.get("customFieldId"),
                          "fieldValue": item.get("fieldValue"), "dealCustomFieldMetumId": item.get("customFieldId")}
                if "fieldCurrency" in item:
                    values["fieldCurrency"] = item["fieldCurrency"]
                self._upsert(RESOURCES["dealCustomFieldData"], values, ("dealId", "customFieldId"), source)
        return after

    def _shape_dealGroups(self, data: Record, old: Record | None, source: str) -> Callable[[Record], None] | None:
        if "currency" in data:
            data["currency"] = _text(data["currency"]).lower()
        data.pop("users", None)
        data.pop("groups", None)
        if old is not None or data.pop("_no_default_stages", False):
            return None

        def after(rec: Record) -> None:  # ActiveCampaign gives a new pipeline three stages
            for order, title in enumerate(("To Contact", "In Contact", "Follow Up"), start=1):
                self._save(RESOURCES["dealStages"], {"title": title, "group": rec["id"], "order": order}, None, source)
        return after

    def _shape_dealStages(self, data: Record, old: Record | None, source: str) -> None:
        if source == "api" and "group" in data:
            self._require_record("dealGroups", data["group"])
        if old is None and not data.get("order") and data.get("group"):
            data["order"] = str(len(self._children("dealStages", "group", data["group"])) + 1)

    def _shape_dealTasks(self, data: Record, old: Record | None, source: str) -> None:
        owner_type = _text(data.pop("ownerType", "")).lower()
        if owner_type or "reltype" in data:
            data["reltype"] = RELTYPES.get(owner_type or _text(data.get("reltype")).lower(), data.get("reltype"))
        if "status" in data:
            data["status"] = _int(data["status"])
        for name in ("duedate", "edate"):
            when = parse_time(data.get(name))
            if when is not None:
                data[name] = format_time(when)
            elif data.get(name) and source == "api":
                raise invalid(name, f"The dealTask {name} is not a valid date.")
        reltype = data.get("reltype", (old or {}).get("reltype", "Deal"))
        relid = data.get("relid", (old or {}).get("relid"))
        if source == "api" and "relid" in data:
            parent = {"Deal": "deals", "Subscriber": "contacts"}.get(reltype)
            if parent:
                self._require_record(parent, relid)
        data["owner"] = {"type": "contact" if reltype == "Subscriber" else _text(reltype).lower(), "id": _text(relid)}

    def _shape_notes(self, data: Record, old: Record | None, source: str) -> None:
        if "reltype" in data:
            data["reltype"] = RELTYPES.get(_text(data["reltype"]).lower(), data["reltype"])
        reltype = data.get("reltype", (old or {}).get("reltype"))
        relid = data.get("relid", (old or {}).get("relid"))
        parent = NOTE_OWNERS.get(_text(reltype))
        if source == "api" and parent and "relid" in data:
            self._require_record(parent, relid)
        data["owner"] = {"type": _text(reltype).lower(), "id": _text(relid)}

    def _shape_messages(self, data: Record, old: Record | None, source: str) -> None:
        if "email" in data:
            data.setdefault("fromemail", data.pop("email"))

    def _shape_calendars(self, data: Record, old: Record | None, source: str) -> None:
        if old is None:
            data.setdefault("token", secrets.token_hex(16))

    def _shape_users(self, data: Record, old: Record | None, source: str) -> None:
        data.pop("password", None)
        if "group" in data:
            data["_group"] = data.pop("group")

    def _shape_webhooks(self, data: Record, old: Record | None, source: str) -> None:
        for name, known in (("events", WEBHOOK_EVENTS), ("sources", WEBHOOK_SOURCES)):
            if name not in data:
                continue
            values = data[name]
            if isinstance(values, str):
                values = [v.strip() for v in values.split(",") if v.strip()]
            if source == "api":
                unknown = [v for v in values or [] if v not in known] if isinstance(values, list) else ["?"]
                if not values or unknown:
                    raise invalid(name, f"The webhook {name} must be a non-empty list of: {', '.join(known)}.",
                                  detail=f"Unknown {name}: {', '.join(map(str, unknown))}" if unknown else "")
            data[name] = list(values or [])
        if source == "api" and "url" in data and not re.match(r"https?://", _text(data["url"])):
            raise invalid("url", "The webhook url must be an http(s) URL.")

    def _shape_eventTrackingEvents(self, data: Record, old: Record | None, source: str) -> None:
        if source == "api" and not EVENT_NAME_RE.fullmatch(_text(data.get("name"))):
            raise invalid("name", "The event name may contain only letters, digits and spaces.")

    # field values, list status and tags: shared by v3 and legacy ---------------------

    def _set_field_value(self, contact_id: str, field_id: Any, value: Any, source: str) -> Record:
        data = {"contact": contact_id, "field": field_id, "value": value}
        return self._upsert(RESOURCES["fieldValues"], data, ("contact", "field"), source)[0]

    def _set_list_status(self, contact_id: str, list_id: Any, status: Any, source: str) -> Record:
        data = {"contact": contact_id, "list": list_id, "status": status}
        return self._upsert(RESOURCES["contactLists"], data, ("contact", "list"), source)[0]

    def _tag(self, contact_id: str, tag_id: str, source: str) -> Record:
        data = {"contact": contact_id, "tag": tag_id}
        return self._upsert(RESOURCES["contactTags"], data, ("contact", "tag"), source)[0]

    def _tag_by_name(self, name: str, *, create: bool, source: str) -> Record | None:
        for tag in self._ordered("tags"):
            if _text(tag.get("tag")).lower() == name.lower():
                return tag
        return self._save(RESOURCES["tags"], {"tag": name, "tagType": "contact"}, None, source) if create else None

    def _sync_contact(self, fields: Mapping[str, Any], source: str) -> tuple[Record, bool]:
        """Create or update the contact with this email."""
        return self._upsert(RESOURCES["contacts"], fields, ("email",), source)

    # webhooks -----------------------------------------------------------------

    def _notify(self, res: Resource, rec: Record, old: Record | None, source: str, deleted: bool = False) -> None:
        """Queue the webhook deliveries a change causes (nothing when no webhook is registered)."""
        if not self._tables["webhooks"]:
            return
        for event_type, payload, list_id in self._events(res, rec, old, deleted):
            envelope = {"type": event_type, "date_time": format_time(self._now()), "initiated_from": source,
                        "initiated_by": source, "list": list_id}
            pairs = _flatten_form({**envelope, **payload})
            for hook in self._ordered("webhooks"):
                hook_list = _text(hook.get("listid"))
                scoped = hook_list not in ("", "0") and list_id not in ("0", hook_list)
                if event_type in hook.get("events", []) and source in hook.get("sources", []) and not scoped:
                    self._outbox.put((hook["id"], _text(hook["url"]), event_type, pairs))

    def _events(self, res: Resource, rec: Record, old: Record | None, deleted: bool) -> list[tuple[str, Record, str]]:
        """(event type, payload, list id) for a change, following webhooks-asyncapi.yml."""
        kind, created = res.plural, old is None
        contact = self._contact_block(rec if kind == "contacts" else self._get("contacts", rec.get("contact")))
        if kind == "contacts" and not created and not deleted:
            return [("update", {"contact": contact}, "0")]
        if kind == "contactLists" and not deleted:
            status, before = _text(rec.get("status")), _text((old or {}).get("status"))
            event = {"1": "subscribe", "2": "unsubscribe"}.get(status)
            if event and status != before:
                return [(event, {"contact": contact}, _text(rec["list"]))]
        if kind == "contactTags" and (created or deleted):
            tag = self._get("tags", rec.get("tag")) or {}
            payload = {"contact": contact, "tag": _text(tag.get("tag"))}
            return [("contact_tag_removed" if deleted else "contact_tag_added", payload, "0")]
        if deleted:
            return []
        if kind == "deals":
            payload: Record = {"deal": self._deal_block(rec), "contact": contact}
            if created:
                return [("deal_add", payload, "0")]
            changed = [k for k in rec if k != res.updated and rec.get(k) != (old or {}).get(k)]
            return [("deal_update", {**payload, "updated_fields": changed}, "0")]
        if kind == "notes" and created and rec.get("reltype") in ("Deal", "Subscriber"):
            if rec["reltype"] == "Deal":
                deal = self._deal_block(self._get("deals", rec.get("relid")) or {})
                return [("deal_note_add", {"deal": deal, "note": {"id": rec["id"], "text": rec.get("note")}}, "0")]
            return [("subscriber_note", {"contact": self._contact_block(self._get("contacts", rec.get("relid"))),
                                         "note": rec.get("note")}, "0")]
        if kind == "dealTasks":
            task = {"id": rec["id"], "type_id": rec.get("dealTasktype"), "title": rec.get("title"),
                    "note": rec.get("note"), "duedate": rec.get("duedate")}
            on_deal = rec.get("reltype") == "Deal"
            parent = self._get("deals" if on_deal else "contacts", rec.get("relid")) or {}
            block = {"deal": self._deal_block(parent)} if on_deal else {"contact": self._contact_block(parent)}
            if created:
                return [("deal_task_add" if on_deal else "contact_task_add", {**block, "task": task}, "0")]
            if _int(rec.get("status")) == 1 and _int((old or {}).get("status")) != 1:
                return [("deal_task_complete", {**block, "task": task}, "0")]
            return []
        simple = {"dealGroups": ("deal_pipeline_add", "pipeline", ("id", "title")),
                  "dealStages": ("deal_stage_add", "stage", ("id", "title", "color")),
                  "dealTasktypes": ("deal_tasktype_add", "tasktype", ("id", "title")),
                  "lists": ("list_add", "list", ("id", "userid", "name", "sender_url", "sender_reminder"))}
        if created and kind in simple:
            event, key, names = simple[kind]
            return [(event, {key: {n: rec.get(n) for n in names}}, rec["id"] if kind == "lists" else "0")]
        return []

    def _contact_block(self, contact: Record | None) -> Record:
        if not contact:
            return {}
        fields = {}
        for value in self._children("fieldValues", "contact", contact["id"]):
            definition = self._get("fields", value.get("field")) or {}
            fields[_text(definition.get("perstag") or value.get("field")).lower()] = value.get("value")
        block = {"id": contact["id"], "email": contact.get("email"), "first_name": contact.get("firstName"),
                 "last_name": contact.get("lastName"), "phone": contact.get("phone"), "orgname": contact.get("orgname"),
                 "ip": contact.get("ip"), "tags": ", ".join(_text(t.get("tag")) for t in self._tags_of(contact["id"]))}
        return {**block, "fields": fields} if fields else block

    def _deal_block(self, deal: Record) -> Record:
        if not deal:
            return {}
        stage = self._get("dealStages", deal.get("stage")) or {}
        group = self._get("dealGroups", deal.get("group")) or {}
        owner = self._get("users", deal.get("owner")) or {}
        contact = self._get("contacts", deal.get("contact")) or {}
        return {
            "id": deal["id"], "title": deal.get("title"), "create_date": deal.get("cdate"),
            "orgid": deal.get("organization"), "orgname": contact.get("orgname"), "stageid": deal.get("stage"),
            "stage_title": stage.get("title"), "pipelineid": deal.get("group"), "pipeline_title": group.get("title"),
            "value": f"{_int(deal.get('value')) / 100:.2f}", "currency": deal.get("currency"),
            "currency_symbol": {"usd": "$", "eur": "€", "gbp": "£"}.get(_text(deal.get("currency")), ""),
            "owner": deal.get("owner"), "owner_firstname": owner.get("firstName"),
            "owner_lastname": owner.get("lastName"),
            "contactid": deal.get("contact"), "contact_email": contact.get("email"),
            "contact_firstname": contact.get("firstName"), "contact_lastname": contact.get("lastName"),
            "status": deal.get("status"),
        }

    def _deliver_loop(self) -> None:
        """Background sender: one POST per delivery, no retries; a 410 removes the webhook."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            item = self._outbox.get()
            if item is None:
                return
            hook_id, url, event_type, pairs = item
            entry: dict[str, Any] = {"url": url, "type": event_type, "payload": dict(pairs)}
            request = urllib.request.Request(
                url, data=urllib.parse.urlencode(pairs).encode(), method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "ActiveCampaign-Webhook"})
            try:
                with opener.open(request, timeout=5) as response:
                    entry["status"] = response.status
            except urllib.error.HTTPError as error:
                entry["status"] = error.code
            except (OSError, ValueError) as error:
                entry["error"] = f"{type(error).__name__}: {error}"
            if entry.get("status") == 410:
                with self._lock:
                    self._tables["webhooks"].pop(hook_id, None)
            with self._deliveries_changed:
                self.deliveries.append(entry)
                self._deliveries_changed.notify_all()

    # request handling -----------------------------------------------------------

    def _handle(self, handler: _Handler) -> None:
        """Serve one request: record it, apply faults, auth, rate limit, route; never raises."""
        if self._stopping.is_set():
            return _drop(handler)
        method = handler.command
        parts = urllib.parse.urlsplit(handler.path)
        path = parts.path
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        raw = _read_body(handler)
        content_type = handler.headers.get("Content-Type", "")
        form_pairs = (urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
                      if "application/x-www-form-urlencoded" in content_type else None)
        parsed: Any = None
        malformed = False
        if raw and form_pairs is None:
            try:
                parsed = json.loads(raw)
            except ValueError:
                malformed = True
        record = RequestRecord(method, path, _redacted(pairs), parsed,
                               _redacted(form_pairs) if form_pairs is not None else None)
        with self._lock:
            self.requests.append(record)
            fault = self._take_fault(method, path)
        if fault and not fault.after_processing:
            if fault.delay:
                self._stopping.wait(fault.delay)
            if fault.drop:
                return _drop(handler)
            if fault.status:
                record.status = fault.status
                return _send(handler, fault.reply())
        try:
            reply = self._dispatch(method, path, pairs, form_pairs or [], parsed, malformed, handler.headers)
        except ApiError as error:
            reply = Reply(error.status, error.body, error.headers)
        except Exception:  # a bug in the emulator: answer 500 and keep the traceback for the test
            self.server_errors.append(traceback.format_exc())
            reply = Reply(500, {"message": "Internal Server Error"})
        if fault and fault.after_processing:
            if fault.delay:
                self._stopping.wait(fault.delay)
            if fault.drop:
                return _drop(handler)
            if fault.status:
                reply = fault.reply()
        record.status = reply.status
        _send(handler, reply)

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _dispatch(self, method: str, path: str, pairs: list[tuple[str, str]], form: list[tuple[str, str]],
                  body: Any, malformed: bool, headers: Mapping[str, str]) -> Reply:
        legacy = path.rstrip("/") == "/admin/api.php"
        if not legacy and not path.startswith("/api/3/"):
            raise ApiError(404, {"message": "Not Found"})
        if legacy:
            params = {**dict(pairs), **dict(form)}
            if not self._authorized(params.get("api_key") or headers.get("Api-Token")):
                return Reply(200, {"result_code": 0, "result_message": "You are not authorized to access this file",
                                   "result_output": "json"})
        elif not self._authorized(headers.get("Api-Token")):
            raise ApiError(403, {"message": "Forbidden"})
        limit_headers = self._rate_limit()
        try:
            if legacy:
                reply = self._legacy(params, pairs + form)
            elif malformed:
                reply = Reply(400, {"errors": [{"status": 400, "title": "Bad Request",
                                                "detail": "The request body is not valid JSON."}]})
            else:
                with self._lock:
                    reply = self._route(method, path, pairs, body)
        except ApiError as error:
            reply = Reply(error.status, error.body, error.headers)
        reply.headers.update(limit_headers)
        return reply

    def _authorized(self, key: str | None) -> bool:
        return bool(key) and hmac.compare_digest(_text(key).encode(), self.api_key.encode())

    def _rate_limit(self) -> dict[str, str]:
        """A sliding one-second window per account (see RATE_WINDOW); 429 with ``Retry-After`` when over."""
        limit = self.rate_limit
        if not limit:
            return {}
        with self._lock:
            now = time.monotonic()
            while self._hits and now - self._hits[0] >= RATE_WINDOW:
                self._hits.popleft()
            allowed = max(1, int(limit))
            if len(self._hits) >= allowed:
                raise ApiError(429, {"message": "Too Many Requests"},
                               {"Retry-After": "1", "RateLimit-Limit": str(allowed), "RateLimit-Remaining": "0"})
            self._hits.append(now)
            return {"RateLimit-Limit": str(allowed), "RateLimit-Remaining": str(allowed - len(self._hits))}

    # v3 routing -----------------------------------------------------------------

    #: Routes that are not plain collection/item CRUD: (method, path pattern) -> handler name.
    ROUTES: tuple[tuple[str, tuple[str, ...], str], ...] = (
        ("POST", ("contact", "sync"), "_v3_contact_sync"),
        ("PUT", ("dealStages", "*", "deals"), "_v3_move_deals"),
        ("POST", ("*", "*", "notes"), "_v3_parent_note"),
        ("PUT", ("*", "*", "notes", "*"), "_v3_parent_note"),
        ("POST", ("fieldOption", "bulk"), "_v3_field_options"),
        ("GET", ("eventTracking",), "_v3_event_tracking"),
        ("PUT", ("eventTracking",), "_v3_event_tracking"),
        ("GET", ("users", "me"), "_v3_me"),
        ("GET", ("users", "email", "*"), "_v3_user_by"),
        ("GET", ("users", "username", "*"), "_v3_user_by"),
        ("GET", ("webhook", "events"), "_v3_webhook_events"),
        ("DELETE", ("campaigns", "*"), "_v3_delete_campaign"),
    )

    def _route(self, method: str, path: str, pairs: list[tuple[str, str]], body: Any) -> Reply:
        segments = [urllib.parse.unquote(s) for s in path[len("/api/3/"):].strip("/").split("/") if s]
        query: Query = {}
        for key, value in pairs:
            query.setdefault(key, []).append(value)
        call = _Call(method, segments, query, pairs, body)
        for route_method, pattern, name in self.ROUTES:
            if route_method == method and len(pattern) == len(segments) and all(
                    p in ("*", s) for p, s in zip(pattern, segments, strict=True)):
                if pattern[0] == "*" and segments[0] not in NOTE_PARENTS:
                    continue
                return getattr(self, name)(call)
        res = RESOURCES.get(segments[0]) if segments else None
        if res is None:
            raise ApiError(404, {"message": "Not Found"})
        op = {(1, "GET"): "list", (1, "POST"): "create", (2, "GET"): "get", (2, "PUT"): "update",
              (2, "DELETE"): "delete", (3, "GET"): "sublist"}.get((len(segments), method))
        if op == "sublist" and (res.plural, segments[2]) in SUBLISTS:
            return self._v3_sublist(res, call)
        if op == "sublist" or len(segments) > 2:
            raise ApiError(404, {"message": "Not Found"})
        if op is None or op not in res.ops:
            raise ApiError(405, {"message": "Method Not Allowed"})
        return getattr(self, f"_v3_{op}")(res, call)

    def _payload(self, res: Resource, call: _Call) -> Record:
        body = call.body if isinstance(call.body, dict) else {}
        data = body.get(res.singular)
        return dict(data) if isinstance(data, dict) else {}

    def _item(self, res: Resource, key: str) -> Record:
        rec = self._find(res, key)
        if rec is None:
            raise not_found(res.entity, key)
        return rec

    def _v3_list(self, res: Resource, call: _Call, base: list[Record] | None = None) -> Reply:
        candidates = self._ordered(res.plural) if base is None else base
        items = [rec for rec in candidates if self._matches(res, rec, call.query)]
        items = self._sort(res, items, call.pairs)
        limit = _int(_first(call.query, "limit"), DEFAULT_LIMIT)
        limit = DEFAULT_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
        offset = max(0, _int(_first(call.query, "offset"), 0))
        page = items[offset:offset + limit]
        total: Any = str(len(items)) if res.total_as_str else len(items)
        rendered = [self._render(res, rec) for rec in page]
        if res.plural == "accounts" and _truthy(_first(call.query, "count_deals")):
            for out in rendered:
                out["dealCount"] = str(len(self._children("deals", "account", out["id"])))
                out["contactCount"] = "0"
        meta: Record = {"total": total}
        if res.plural == "deals":
            meta["currencies"] = self._currencies(items)
        if res.plural == "contacts":
            meta["page_input"] = {"limit": limit, "offset": offset, "status": _int(_first(call.query, "status"), -1)}
        return Reply(200, {**self._sideloads(res, page, "list"), res.plural: rendered, "meta": meta})

    def _currencies(self, deals: list[Record]) -> Record:
        out: Record = {}
        for deal in deals:
            code = _text(deal.get("currency")).upper()
            entry = out.setdefault(code, {"currency": code, "total": "0", "value": "0"})
            entry["total"] = str(int(entry["total"]) + 1)
            entry["value"] = str(int(entry["value"]) + _int(deal.get("value")))
        return out

    def _matches(self, res: Resource, rec: Record, query: Query) -> bool:
        for key, values in query.items():
            value = ",".join(values) if key.endswith("[]") else values[-1]
            if value == "":
                continue
            match = FILTER_KEY.fullmatch(key)
            if match:
                name = match.group(1)
                predicate = res.filters.get(name)
                if predicate is None and name in rec and not isinstance(rec[name], (dict, list)):
                    predicate = eq(name)
            else:
                predicate = res.params.get(key)
            if predicate is not None and not predicate(self, rec, value, query):
                return False
        return True

    def _sort(self, res: Resource, items: list[Record], pairs: list[tuple[str, str]]) -> list[Record]:
        """``orders[FIELD]=ASC|DESC``, several in query order, after a default of id ascending."""
        items = sorted(items, key=lambda rec: int(rec["id"]))
        orders = [(m.group(1), value.upper()) for key, value in pairs if (m := ORDER_KEY.fullmatch(key))]
        for name, direction in reversed(orders):
            items.sort(key=lambda rec: _sort_key(self._order_value(res, rec, name)), reverse=direction == "DESC")
        return items

    def _order_value(self, res: Resource, rec: Record, name: str) -> Any:
        if res.plural == "contacts" and name == "name":
            return f"{_text(rec.get('firstName'))} {_text(rec.get('lastName'))}".strip()
        if res.plural == "deals" and name in ("contact_name", "contact_orgname"):
            contact = _deal_contact(self, rec)
            return contact.get("firstName" if name == "contact_name" else "orgname")
        return rec.get(ORDER_ALIASES.get(name, name))

    def _v3_create(self, res: Resource, call: _Call) -> Reply:
        data = self._payload(res, call)
        if res.upsert_on:
            rec, _ = self._upsert(res, data, res.upsert_on, "api")
        else:
            rec = self._save(res, data, None, "api")
        return self._written(res, rec, res.create_status, data)

    def _written(self, res: Resource, rec: Record, status: int, data: Mapping[str, Any]) -> Reply:
        out = self._render(res, rec)
        if res.plural == "deals" and isinstance(data.get("fields"), list):
            out["fields"] = [{**item, "dealId": rec["id"]} for item in data["fields"] if isinstance(item, dict)]
        return Reply(status, {**self._sideloads(res, [rec], "write"), res.singular: out})

    def _v3_get(self, res: Resource, call: _Call) -> Reply:
        rec = self._item(res, call.segments[1])
        out = self._render(res, rec)
        if res.plural == "contacts":
            for plural in ("contactAutomations", "contactLists", "fieldValues", "deals"):
                out[plural] = [r["id"] for r in self._children(plural, "contact", rec["id"])]
            out.update(geoIps=[], accountContacts=[])
        return Reply(200, {**self._sideloads(res, [rec], "get"), res.singular: out})

    def _v3_update(self, res: Resource, call: _Call) -> Reply:
        rec = self._item(res, call.segments[1])
        data = self._payload(res, call)
        return self._written(res, self._save(res, data, rec, "api"), 200, data)

    def _v3_delete(self, res: Resource, call: _Call) -> Reply:
        rec = self._find(res, call.segments[1])
        if rec is None:
            if res.delete_404:
                raise ApiError(404, {"message": res.delete_404.format(id=call.segments[1])})
            raise not_found(res.entity, call.segments[1])
        self._delete(res, rec, "api")
        return Reply(200, copy.deepcopy(res.delete_body))

    def _v3_sublist(self, res: Resource, call: _Call) -> Reply:
        parent = self._item(res, call.segments[1])
        plural, name, fixed = SUBLISTS[(res.plural, call.segments[2])]
        base = [rec for rec in self._children(plural, name, parent["id"])
                if all(_text(rec.get(k)) == v for k, v in fixed.items())]
        return self._v3_list(RESOURCES[plural], call, base)

    def _v3_contact_sync(self, call: _Call) -> Reply:
        res = RESOURCES["contacts"]
        data = self._payload(res, call)
        self._check_required(res, data)
        rec, created = self._sync_contact(data, "api")
        return self._written(res, rec, 201 if created else 200, data)

    def _v3_move_deals(self, call: _Call) -> Reply:
        source_stage = self._item(RESOURCES["dealStages"], call.segments[1])
        target_id = _text(_scalar(self._payload(RESOURCES["deals"], call).get("stage")))
        if not target_id:
            raise ApiError(422, {"errors": [_problem("stage", "The deal stage was not provided.", "field_missing")]})
        target = self._item(RESOURCES["dealStages"], target_id)
        if target["group"] != source_stage["group"]:
            raise ApiError(422, {"errors": [{"detail": "Target stage does not belong to same pipeline",
                                             "source": {"pointer": "/data/attributes/stage"}, "status": 422,
                                             "title": "Invalid attribute"}]})
        moved = [self._save(RESOURCES["deals"], {"stage": target["id"]}, deal, "api")
                 for deal in self._children("deals", "stage", source_stage["id"])]
        return Reply(200, {"deals": self._render_all("deals", moved)})

    def _v3_parent_note(self, call: _Call) -> Reply:
        parent_res = RESOURCES[call.segments[0]]
        parent = self._item(parent_res, call.segments[1])
        notes = RESOURCES["notes"]
        data = {**self._payload(notes, call), "relid": parent["id"], "reltype": NOTE_PARENTS[parent_res.plural]}
        if call.method == "POST":
            rec, status = self._save(notes, data, None, "api"), 201
        else:
            note = self._item(notes, call.segments[3])
            if note.get("relid") != parent["id"] or note.get("reltype") != data["reltype"]:
                raise not_found(notes.entity, call.segments[3])
            rec, status = self._save(notes, data, note, "api"), 200
        return Reply(status, {parent_res.plural: [self._render(parent_res, parent)], "note": self._render(notes, rec)})

    def _v3_field_options(self, call: _Call) -> Reply:
        items = call.body.get("fieldOptions") if isinstance(call.body, dict) else None
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            message = "Bulk operation failed. Request must contain an array of fieldOption objects."
            raise ApiError(422, {"errors": message})
        res = RESOURCES["fieldOptions"]
        for item in items:
            self._check_required(res, item)
            self._require_record("fields", item.get("field"))
        created = [self._save(res, item, None, "api") for item in items]
        return Reply(201, {"fieldOptions": self._render_all("fieldOptions", created)})

    def _v3_event_tracking(self, call: _Call) -> Reply:
        if call.method == "PUT":
            body = call.body.get("eventTracking") if isinstance(call.body, dict) else None
            if not isinstance(body, dict) or "enabled" not in body:
                raise ApiError(400, {"errors": [{"status": 400, "title": "Bad Request",
                                                 "detail": "eventTracking.enabled is required."}]})
            enabled = body["enabled"]
            self._tracking_enabled = enabled if isinstance(enabled, bool) else _truthy(enabled)
        return Reply(200, {"eventTracking": {"enabled": self._tracking_enabled}})

    def _v3_me(self, call: _Call) -> Reply:
        return Reply(200, {"user": self._render(RESOURCES["users"], self._require_record("users", "1"))})

    def _v3_user_by(self, call: _Call) -> Reply:
        name, value = {"email": "email", "username": "username"}[call.segments[1]], call.segments[2]
        users = RESOURCES["users"]
        user = next((u for u in self._ordered("users") if _text(u.get(name)).lower() == value.lower()), None)
        if user is None:
            raise not_found(users.entity, value)
        return Reply(200, {"user": self._render(users, user)})

    def _v3_webhook_events(self, call: _Call) -> Reply:
        return Reply(200, {"webhookEvents": list(WEBHOOK_EVENTS), "meta": {"total": len(WEBHOOK_EVENTS)}})

    def _v3_delete_campaign(self, call: _Call) -> Reply:
        rec = self._get("campaigns", call.segments[1])
        if rec is None:  # a documented failure that comes back as 200
            return Reply(200, {"succeeded": 0, "message": "The campaign could not be deleted: it does not exist "
                                                          "or you do not have permission to delete it."})
        self._delete(RESOURCES["campaigns"], rec, "api")
        return Reply(200, {"succeeded": 1, "message": "The campaign was deleted."})

    # legacy API -----------------------------------------------------------------

    def _legacy(self, params: dict[str, str], pairs: list[tuple[str, str]]) -> Reply:
        action = params.get("api_action", "")
        handler = getattr(self, f"_legacy_{action}", None) if re.fullmatch(r"[a-z_]+", action) else None
        if handler is None:
            result: Record = {"result_code": 0, "result_message": f"Unknown api_action: {action}"}
        else:
            try:
                with self._lock:
                    result = {"result_code": 1, **handler(params, pairs)}
            except (LegacyFailure, ApiError) as failure:
                result = {"result_code": 0, "result_message": _legacy_message(failure)}
        return Reply(200, {**result, "result_output": "json"})

    def _legacy_contact_fields(self, params: Mapping[str, str], pairs: list[tuple[str, str]]
                               ) -> tuple[Record, dict[str, str], list[str], dict[str, str]]:
        """(contact fields, {list id: status}, tag names, {field id or perstag: value}) from a legacy form."""
        names = {"email": "email", "first_name": "firstName", "last_name": "lastName", "phone": "phone",
                 "orgname": "orgname"}
        fields = {modern: params[legacy] for legacy, modern in names.items() if legacy in params}
        lists: dict[str, str] = {}
        statuses: dict[str, str] = {}
        custom: dict[str, str] = {}
        tags: list[str] = []
        for key, value in pairs:
            match = BRACKET_KEY.fullmatch(key)
            if match and match.group(1) == "p":
                lists[value or match.group(2)] = "1"
            elif match and match.group(1) == "status":
                statuses[match.group(2)] = value
            elif match and match.group(1) == "field":
                custom[match.group(2).split(",")[0].strip("%")] = value
            elif key in ("tags", "tags[]") or (match and match.group(1) == "tags"):
                tags.extend(t.strip() for t in value.split(",") if t.strip())
        lists = {lid: statuses.get(lid, status) for lid, status in lists.items()}
        return fields, lists, tags, custom

    def _legacy_apply(self, contact: Record, lists: Mapping[str, str], tags: list[str],
                      custom: Mapping[str, str]) -> None:
        for list_id, status in lists.items():
            self._set_list_status(contact["id"], list_id, status, "api")
        for name in tags:
            self._tag(contact["id"], self._tag_by_name(name, create=True, source="api")["id"], "api")  # type: ignore[index]
        for key, value in custom.items():
            definition = self._get("fields", key) or next(
                (f for f in self._ordered("fields") if _text(f.get("perstag")).lower() == key.lower()), None)
            if definition is None:
                raise LegacyFailure(f"Custom field {key} does not exist")
            self._set_field_value(contact["id"], definition["id"], value, "api")

    def _legacy_write_contact(self, params: Mapping[str, str], pairs: list[tuple[str, str]], mode: str) -> Record:
        fields, lists, tags, custom = self._legacy_contact_fields(params, pairs)
        for list_id in lists:
            if self._get("lists", list_id) is None:
                raise LegacyFailure(f"List {list_id} does not exist")
        contacts = RESOURCES["contacts"]
        if mode == "edit":
            rec = self._get("contacts", params.get("id"))
            if rec is None:
                raise LegacyFailure("Contact not found")
            rec, message = self._save(contacts, fields, rec, "api"), "Contact updated"
        elif mode == "sync":
            if not fields.get("email"):
                raise LegacyFailure("Contact Email Address is not valid.")
            rec, created = self._sync_contact(fields, "api")
            message = "Contact added" if created else "Contact updated"
        else:
            self._check_required(contacts, fields)
            rec, message = self._save(contacts, fields, None, "api"), "Contact added"
        self._legacy_apply(rec, lists, tags, custom)
        return {"subscriber_id": int(rec["id"]), "sendlast_should": 0, "sendlast_did": 0, "result_message": message}

    def _legacy_contact_add(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        return self._legacy_write_contact(params, pairs, "add")

    def _legacy_contact_edit(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        return self._legacy_write_contact(params, pairs, "edit")

    def _legacy_contact_sync(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        return self._legacy_write_contact(params, pairs, "sync")

    def _legacy_contact(self, contact: Record) -> Record:
        """A contact in the legacy API's flat shape."""
        lists = {cl["list"]: {"listid": cl["list"], "status": cl["status"], "sdate": legacy_time(cl.get("sdate")),
                              "unsubdate": legacy_time(cl.get("unsubdate"))}
                 for cl in self._children("contactLists", "contact", contact["id"])}
        fields = {}
        for value in self._children("fieldValues", "contact", contact["id"]):
            definition = self._get("fields", value["field"]) or {}
            fields[value["field"]] = {"id": value["field"], "title": definition.get("title"),
                                      "perstag": definition.get("perstag"), "type": definition.get("type"),
                                      "val": value.get("value")}
        return {
            "id": contact["id"], "subscriberid": contact["id"], "email": contact.get("email"),
            "first_name": contact.get("firstName"), "last_name": contact.get("lastName"),
            "phone": contact.get("phone"), "orgname": contact.get("orgname"), "hash": contact.get("hash"),
            "cdate": legacy_time(contact.get("cdate")), "udate": legacy_time(contact.get("udate")),
            "tags": [t.get("tag") for t in self._tags_of(contact["id"])], "lists": lists,
            "listslist": "-".join(lists), "fields": fields,
        }

    def _legacy_contact_view(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        contact = self._get("contacts", params.get("id"))
        if contact is None:
            raise LegacyFailure("Failed: Nothing is returned")
        return {**self._legacy_contact(contact), "result_message": "Success: Something is returned"}

    def _legacy_contact_view_email(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        email = _text(params.get("email")).lower()
        contact = next((c for c in self._ordered("contacts") if _text(c.get("email")).lower() == email), None)
        if contact is None:
            raise LegacyFailure("Failed: Nothing is returned")
        return {**self._legacy_contact(contact), "result_message": "Success: Something is returned"}

    def _legacy_contact_list(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        """Contacts subscribed to at least one list; ``ids`` all or a list; filters; 20 a ``page``."""
        filters = {m.group(1): v for k, v in params.items() if (m := FILTER_KEY.fullmatch(k)) and v != ""}
        checks: list[tuple[Predicate, str]] = [(_id_in, params["ids"])] if params.get("ids", "all") != "all" else []
        names = {"email": eq("email"), "first_name": like("firstName"), "last_name": like("lastName"),
                 "listid": _contact_lists, "id_greater": CONTACT_PARAMS["id_greater"],
                 "id_less": CONTACT_PARAMS["id_less"], "since_datetime": since("udate", "cdate"),
                 "until_datetime": until("udate", "cdate"), **windows("cdate", "udate")}
        query: Query = {"status": [filters.get("status", "-1")]}
        checks += [(names[k], v) for k, v in filters.items() if k in names]
        if "tagname" in filters:
            checks.append((lambda emu, rec, value, q: any(_text(t.get("tag")).lower() == value.lower()
                                                         for t in emu._tags_of(rec["id"])), filters["tagname"]))
        if "status" in filters and "listid" not in filters:
            checks.append((_contact_status, filters["status"]))
        found = [c for c in self._ordered("contacts") if self._children("contactLists", "contact", c["id"])
                 and all(check(self, c, value, query) for check, value in checks)]
        return self._legacy_page([self._legacy_contact(c) for c in found], params)

    def _legacy_page(self, rows: list[Record], params: Mapping[str, str]) -> Record:
        page = max(1, _int(params.get("page"), 1))
        rows = rows[(page - 1) * LEGACY_PAGE:page * LEGACY_PAGE]
        if not rows:
            raise LegacyFailure("Failed: Nothing is returned")
        return {**{str(i): row for i, row in enumerate(rows)}, "result_message": "Success: Something is returned"}

    def _legacy_contact_by_email(self, params: Mapping[str, str], *names: str) -> Record:
        for name in names:
            if params.get(name):
                value = params[name].lower()
                found = next((c for c in self._ordered("contacts")
                              if value in (_text(c.get("email")).lower(), c["id"])), None)
                if found is not None:
                    return found
        raise LegacyFailure("Contact not found")

    def _legacy_contact_tag_add(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        contact = self._legacy_contact_by_email(params, "email", "id")
        _, _, tags, _ = self._legacy_contact_fields(params, pairs)
        if not tags:
            raise LegacyFailure("No tags were provided")
        for name in tags:
            self._tag(contact["id"], self._tag_by_name(name, create=True, source="api")["id"], "api")  # type: ignore[index]
        return {"result_message": "Tag(s) added"}

    def _legacy_contact_tag_remove(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        contact = self._legacy_contact_by_email(params, "email", "id")
        _, _, tags, _ = self._legacy_contact_fields(params, pairs)
        wanted = {t.lower() for t in tags}
        for link in self._children("contactTags", "contact", contact["id"]):
            tag = self._get("tags", link["tag"]) or {}
            if _text(tag.get("tag")).lower() in wanted:
                self._delete(RESOURCES["contactTags"], link, "api")
        return {"result_message": "Tag(s) removed"}

    def _legacy_automation(self, params: Mapping[str, str]) -> tuple[Record, Record]:
        contact = self._legacy_contact_by_email(params, "contact_email", "contact_id", "email")
        automation = self._get("automations", params.get("automation"))
        if automation is None:
            raise LegacyFailure("Automation not found")
        return contact, automation

    def _legacy_automation_contact_add(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        contact, automation = self._legacy_automation(params)
        data = {"contact": contact["id"], "automation": automation["id"]}
        self._save(RESOURCES["contactAutomations"], data, None, "api")
        return {"result_message": "Contact added to the automation"}

    def _legacy_automation_contact_remove(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        contact, automation = self._legacy_automation(params)
        entries = [e for e in self._children("contactAutomations", "contact", contact["id"])
                   if e.get("automation") == automation["id"]]
        if not entries:
            raise LegacyFailure("The contact is not in this automation")
        for entry in entries:
            self._delete(RESOURCES["contactAutomations"], entry, "api")
        return {"result_message": "Contact removed from the automation"}

    def _legacy_contact_note_add(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        contact = self._get("contacts", params.get("id"))
        if contact is None:
            raise LegacyFailure("Contact not found")
        if not params.get("note"):
            raise LegacyFailure("Note is required")
        data = {"note": params["note"], "relid": contact["id"], "reltype": "Subscriber",
                "_listid": params.get("listid", "0")}
        note = self._save(RESOURCES["notes"], data, None, "api")
        return {"id": int(note["id"]), "result_message": "Note added"}

    def _legacy_campaign_create(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        lists = [value or m.group(2) for key, value in pairs if (m := BRACKET_KEY.fullmatch(key)) and m.group(1) == "p"]
        messages = [m.group(2) for key, _ in pairs if (m := BRACKET_KEY.fullmatch(key)) and m.group(1) == "m"]
        if not params.get("name"):
            raise LegacyFailure("Campaign name is required")
        if not lists or not messages:
            raise LegacyFailure("You must provide at least one list (p[ID]) and one message (m[ID])")
        for plural, ids in (("lists", lists), ("messages", messages)):
            missing = [i for i in ids if self._get(plural, i) is None]
            if missing:
                raise LegacyFailure(f"{plural[:-1].capitalize()} {missing[0]} does not exist")
        names = ("type", "name", "status", "public", "tracklinks", "tracklinksanalytics", "trackreads",
                 "trackreadsanalytics", "analytics_campaign_name", "tweet", "facebook", "embed_images",
                 "htmlunsub", "textunsub", "recurring", "split_type", "responder_type", "bounceid")
        data: Record = {name: params[name] for name in names if name in params}
        data["segmentid"] = params.get("filterid", params.get("segmentid", "0"))
        if params.get("sdate") and parse_time(params["sdate"]):
            data["sdate"] = format_time(parse_time(params["sdate"]))  # type: ignore[arg-type]
        data.update(_lists=lists, _messages=messages)
        campaign = self._save(RESOURCES["campaigns"], data, None, "api")
        return {"id": int(campaign["id"]), "result_message": "Campaign saved"}

    def _legacy_campaign_delete(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        campaign = self._get("campaigns", params.get("id"))
        if campaign is None:
            raise LegacyFailure("Campaign not found")
        self._delete(RESOURCES["campaigns"], campaign, "api")
        return {"result_message": "Campaign deleted"}

    def _legacy_campaign_list(self, params: Mapping[str, str], pairs: list[tuple[str, str]]) -> Record:
        """``ids`` all or a list; ``filters[name|type|cdate_since_datetime|sdate_since_datetime|...]``."""
        filters = {m.group(1): v for k, v in params.items() if (m := FILTER_KEY.fullmatch(k)) and v != ""}
        ids = params.get("ids", "all")
        wanted = None if ids == "all" else {i.strip() for i in ids.split(",")}
        checks = {"name": like("name"), "type": eq("type"), "cdate_since_datetime": since("cdate"),
                  "sdate_since_datetime": since("sdate"), "ldate_since_datetime": since("ldate")}
        found = [c for c in self._ordered("campaigns") if (wanted is None or c["id"] in wanted)
                 and all(checks[k](self, c, v, {}) for k, v in filters.items() if k in checks)]
        rows = []
        for campaign in found:
            row = {k: v for k, v in campaign.items() if not k.startswith("_")}
            row.update({name: legacy_time(campaign.get(name)) for name in ("cdate", "mdate", "sdate", "ldate")})
            lists, messages = campaign.get("_lists", []), campaign.get("_messages", [])
            row.update(lists=[{"id": i, "listid": i} for i in lists], listslist=",".join(lists),
                       messages=[{"id": i, "messageid": i} for i in messages], messageslist=",".join(messages))
            rows.append(row)
        return self._legacy_page(rows, params)

    # seed -------------------------------------------------------------------------

    def _seed(self) -> None:
        """A minimal account, and with ``seed="demo"`` some data; fixed timestamps from 2024-01-02."""
        clock = iter(SEED_EPOCH + timedelta(hours=n) for n in range(10_000))

        def add(plural: str, **fields: Any) -> Record:
            res = RESOURCES[plural]
            stamp = format_time(next(clock))
            for name in (res.created, res.updated):
                if name:
                    fields.setdefault(name, stamp)
            return self._save(res, fields, None, "system")

        add("users", username="admin", firstName="Emulator", lastName="Admin", email="admin@example.com", _group="1")
        add("groups", title="Admins", descript="Administrators", p_admin="1")
        add("dealGroups", title="Sales", currency="usd", _no_default_stages=True)
        for order, title in enumerate(("To Contact", "In Contact", "Follow Up"), start=1):
            add("dealStages", title=title, group="1", order=order)
        for title in ("Call", "Email"):
            add("dealTasktypes", title=title)
        add("automations", name="Welcome series", status="1")
        add("automations", name="Re-engagement", status="2")
        add("lists", name="Master Contact List", sender_url="https://example.com",
            sender_reminder="You signed up on our website.")
        add("tags", tag="customer", description="Paying customers")
        if self.seed != "demo":
            return
        add("tags", tag="lead", description="")
        add("organizations", name="Acme Inc")
        add("accounts", name="Acme Inc", accountUrl="https://acme.example.com")
        add("fields", title="Favorite color", type="text", perstag="FAVORITE_COLOR")
        people = [("alice@example.com", "Alice", "Anders", "1", "1"), ("bob@example.com", "Bob", "Brown", "1", "2"),
                  ("carol@example.org", "Carol", "Chen", "1", "1"), ("dave@example.net", "Dave", "Diaz", "2", None),
                  ("erin@example.com", "Erin", "Evans", None, None)]
        for email, first, last, status, tag in people:
            contact = add("contacts", email=email, firstName=first, lastName=last, phone="+1 312 555 0100",
                          orgid="1" if email.endswith(".com") else "0")
            if status:
                add("contactLists", contact=contact["id"], list="1", status=status)
            if tag:
                add("contactTags", contact=contact["id"], tag=tag)
        add("fieldValues", contact="1", field="1", value="Blue")
        add("contactAutomations", contact="1", automation="1")
        for title, contact, value, stage, status in (("Acme renewal", "1", "150000", "1", "0"),
                                                     ("Globex pilot", "2", "50000", "2", "0"),
                                                     ("Initech upgrade", "3", "250000", "3", "1")):
            add("deals", title=title, contact=contact, value=value, currency="usd", group="1", stage=stage,
                status=status, account="1" if contact == "1" else None)
        tasks = (("1", "Deal", "1", "Call Alice", "2024-02-01T10:00:00-06:00"),
                 ("2", "Deal", "2", "Send pilot terms", "2024-02-05T09:00:00-06:00"),
                 ("3", "Subscriber", "1", "Intro call", "2024-02-10T15:00:00-06:00"))
        for relid, reltype, tasktype, title, due in tasks:
            add("dealTasks", relid=relid, reltype=reltype, dealTasktype=tasktype, title=title, duedate=due,
                note="Demo task", status=0)
        add("notes", note="Renewal discussed", relid="1", reltype="Deal")
        add("calendars", title="All activities", type="All", notification="1")
        add("calendars", title="Deals", type="Deals")
        for subject in ("Welcome to Acme", "January newsletter"):
            add("messages", fromname="Acme", fromemail="news@example.com", reply2="hello@example.com", subject=subject)
        add("campaigns", name="Welcome newsletter", type="single", status="5", _lists=["1"], _messages=["1"])


# --------------------------------------------------------------------------- HTTP plumbing


class _Handler(http.server.BaseHTTPRequestHandler):
    """Hands every request to the emulator; quiet (no request log)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server_version = "ActiveCampaignEmulator"
    sys_version = ""

    def _serve(self) -> None:
        emulator: ActiveCampaignEmulator = self.server.emulator  # type: ignore[attr-defined]
        try:
            emulator._handle(self)
        except OSError:  # the client went away
            self.close_connection = True
        except Exception:
            emulator.server_errors.append(traceback.format_exc())
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, *args: Any) -> None:
        """No request logging (and never a key in a log)."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that hangs up mid-request is no news."""


def _read_body(handler: _Handler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = _int(handler.headers.get("Content-Length"), 0)
    return handler.rfile.read(length) if length > 0 else b""


def _send(handler: _Handler, reply: Reply) -> None:
    body = reply.encode()
    handler.send_response(reply.status)
    if body or reply.raw is not None:
        charset = "; charset=utf-8" if "json" in reply.content_type else ""
        handler.send_header("Content-Type", reply.content_type + charset)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


def _drop(handler: _Handler) -> None:
    """Close the socket without a reply."""
    handler.close_connection = True
    try:
        handler.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _redacted(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append("***" if key == "api_key" else value)
    return out


def _legacy_message(failure: Exception) -> str:
    if isinstance(failure, ApiError) and isinstance(failure.body, dict):
        errors = failure.body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return _text(errors[0].get("title"))
        return _text(failure.body.get("message"))
    return str(failure)


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT/SIGTERM, after printing ``ActiveCampaign emulator serving on URL``."""
    parser = argparse.ArgumentParser(description="Serve an ActiveCampaign API emulator on this machine.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-key", default="emulator-api-key", help="the key clients must send")
    parser.add_argument("--rate-limit", type=float, default=None, help="requests per second (default: off)")
    parser.add_argument("--seed", choices=["demo"], default=None, help="add demo data to the minimal account")
    args = parser.parse_args(argv)
    emulator = ActiveCampaignEmulator(args.api_key, host=args.host, port=args.port, rate_limit=args.rate_limit,
                                      seed=args.seed)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with emulator:
        print(f"ActiveCampaign emulator serving on {emulator.url}", flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
