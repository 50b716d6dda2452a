"""List filters: predicates over stored records, and how the emulator applies the catalogue's filters.

A predicate gets the store, the record, the parameter's value and the whole query, and says
whether the record stays in the list. Which parameters a resource takes comes from the catalogue
(``kinds.emulate``): a documented filter compares the field of its name unless a predicate here
(or in the resource's behaviour) says otherwise; ``*_EXTRAS`` are parameters the API answers that
the catalogue does not document. Parameters a resource does not know are ignored, as the API
ignores them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from airflow_provider_activecampaign.testing.emulator.values import (
    CENTRAL,
    Query,
    Record,
    as_int,
    as_text,
    first,
    parse_time,
    sort_key,
)

if TYPE_CHECKING:
    from airflow_provider_activecampaign.testing.emulator.store import Store

Predicate = Callable[["Store", Record, str, Query], bool]

#: How the date filters (``filters[created_after]``...) read their bound; the API does not document it.
#: ``"offset"``: the instant as sent; ``"utc"``: its clock time as UTC; ``"account"``: its clock time in
#: the account's zone (US Central), offset ignored; ``"date"``: its date only, from midnight in the
#: account's zone (the time of day dropped). An emulator's reading is its ``date_filters`` option.
FILTER_READINGS = ("offset", "utc", "account", "date")
DEFAULT_FILTER_READING = "offset"
_OFFSET = re.compile(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(?:Z|[ +-]\d\d:?\d\d)$")
_DATE = re.compile(r"\s*(\d{4}-\d\d-\d\d)")


def check_reading(reading: str) -> str:
    """``reading`` if it is one of :data:`FILTER_READINGS`, else a ValueError naming them."""
    if reading not in FILTER_READINGS:
        raise ValueError(f"Unknown date-filter reading {reading!r}: use one of {', '.join(FILTER_READINGS)}")
    return reading


def filter_bound(value: str, reading: str = DEFAULT_FILTER_READING) -> datetime | None:
    """A date filter's bound as an instant, read as ``reading`` says."""
    if reading == "offset":
        return parse_time(value)
    if reading == "date":
        day = _DATE.match(str(value))
        return parse_time(day.group(1)) if day else None  # midnight, account time
    clock = parse_time(_OFFSET.sub(r"\1", str(value).strip()))  # offset-less text: Central
    if clock is None or reading == "account":
        return clock
    return clock.astimezone(CENTRAL).replace(tzinfo=timezone.utc)


def eq(name: str) -> Predicate:
    """``filters[X]=V``: the record's field equals V (ids and text, case-insensitive)."""
    return lambda store, rec, value, query: as_text(rec.get(name)).lower() == value.lower()


def like(*names: str) -> Predicate:
    """V is a substring of one of the fields (case-insensitive)."""
    return lambda store, rec, value, query: any(value.lower() in as_text(rec.get(n)).lower() for n in names)


#: the comparison operators of ``filters[NAME][OPERATOR]`` the document lists
OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "eq": lambda have, want: have.lower() == want.lower(),
    "neq": lambda have, want: have.lower() != want.lower(),
    "lt": lambda have, want: sort_key(have) < sort_key(want),
    "lte": lambda have, want: sort_key(have) <= sort_key(want),
    "gt": lambda have, want: sort_key(have) > sort_key(want),
    "gte": lambda have, want: sort_key(have) >= sort_key(want),
    "contains": lambda have, want: want.lower() in have.lower(),
    "starts_with": lambda have, want: have.lower().startswith(want.lower()),
}


def compared(name: str, operator: str) -> Predicate | None:
    """``filters[X][OPERATOR]=V`` over the field ``name``; None for an operator the API does not list."""
    test = OPERATORS.get(operator)
    if test is None:
        return None
    return lambda store, rec, value, query: test(as_text(rec.get(name)), value)


def nothing(store: Store, rec: Record, value: str, query: Query) -> bool:
    """A filter on what the emulator has none of (segments, wait queues): no record matches."""
    return False


def everything(store: Store, rec: Record, value: str, query: Query) -> bool:
    """A filter every record passes here (``in_group_lists``: the key's user is an admin and sees all)."""
    return True


def _deal_score(test: Callable[[float, float], bool]) -> Predicate:
    """``filters[score...]=SCORE_ID:VALUE``: the deal's value of that score compared with VALUE."""
    def predicate(store: Store, rec: Record, value: str, query: Query) -> bool:
        score_id, _, wanted = value.partition(":")
        try:
            bound = float(wanted)
        except ValueError:
            return False
        return any(as_text(sv.get("score")) == score_id.strip() and test(float(as_int(sv.get("scoreValue"))), bound)
                   for sv in store.children("scoreValues", "deal", rec["id"]))
    return predicate


def _stamp_of(rec: Record, name: str, fallback: str | None) -> datetime | None:
    return parse_time(rec.get(name)) or (parse_time(rec.get(fallback)) if fallback else None)


def since(name: str, fallback: str | None = None) -> Predicate:
    """The timestamp is at or after V (an unreadable V is ignored, as the API ignores it)."""
    def predicate(store: Store, rec: Record, value: str, query: Query) -> bool:
        bound = filter_bound(value, store.filter_reading)
        when = _stamp_of(rec, name, fallback)
        return bound is None or (when is not None and when >= bound)
    return predicate


def until(name: str, fallback: str | None = None) -> Predicate:
    """The timestamp is strictly before V."""
    def predicate(store: Store, rec: Record, value: str, query: Query) -> bool:
        bound = filter_bound(value, store.filter_reading)
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
    def predicate(store: Store, rec: Record, value: str, query: Query) -> bool:
        when, day = parse_time(rec.get(name)), parse_time(value)
        return day is None or (when is not None and when.astimezone(CENTRAL).date() == day.astimezone(CENTRAL).date())
    return predicate


def related(plural: str, key: str, match: str) -> Predicate:
    """The record has a ``plural`` record pointing at it through ``key`` whose ``match`` equals V."""
    return lambda store, rec, value, query: any(
        as_text(child.get(match)) == value for child in store.children(plural, key, rec["id"]))


def contact_lists(store: Store, rec: Record, value: str, query: Query) -> bool:
    status = first(query, "status", "-1") or "-1"
    return any(cl["list"] == value and status in ("-1", as_text(cl["status"]))
               for cl in store.children("contactLists", "contact", rec["id"]))


def contact_status(store: Store, rec: Record, value: str, query: Query) -> bool:
    if value == "-1" or first(query, "listid"):
        return True  # combined with listid above
    return any(as_text(cl["status"]) == value for cl in store.children("contactLists", "contact", rec["id"]))


def contact_search(store: Store, rec: Record, value: str, query: Query) -> bool:
    org = store.get("organizations", rec.get("orgid")) or {}
    return like("email", "firstName", "lastName", "phone", "orgname")(store, rec, value, query) or (
        value.lower() in as_text(org.get("name")).lower())


def deal_contact(store: Store, rec: Record) -> Record:
    return store.get("contacts", rec.get("contact")) or {}


def _deal_org(store: Store, rec: Record, value: str, query: Query) -> bool:
    own = {as_text(rec.get(k)) for k in ("organization", "account", "customerAccount")}
    return value in own or as_text(deal_contact(store, rec).get("orgid")) == value


def _deal_tag(store: Store, rec: Record, value: str, query: Query) -> bool:
    tags = store.tags_of(as_text(rec.get("contact")))
    return any(value.lower() in (tag["id"], as_text(tag.get("tag")).lower()) for tag in tags)


def _deal_tasktype(store: Store, rec: Record, value: str, query: Query) -> bool:
    return any(as_text(task.get("dealTasktype")) == value and task.get("reltype") == "Deal"
               for task in store.children("dealTasks", "relid", rec["id"]))


def _deal_search(store: Store, rec: Record, value: str, query: Query) -> bool:
    contact = deal_contact(store, rec)
    names = {"title": rec.get("title"), "contact": f"{contact.get('firstName', '')} {contact.get('lastName', '')}",
             "email": contact.get("email"), "org": contact.get("orgname")}
    wanted = first(query, "filters[search_field]") or "all"
    haystack = [names[wanted]] if wanted in names else list(names.values())
    return any(value.lower() in as_text(text).lower() for text in haystack)


def _deal_value(bound: Callable[[float, float], bool]) -> Predicate:
    def predicate(store: Store, rec: Record, value: str, query: Query) -> bool:
        try:
            return bound(as_int(rec.get("value")) / 100, float(value))
        except ValueError:
            return True
    return predicate


def id_in(store: Store, rec: Record, value: str, query: Query) -> bool:
    return rec["id"] in {part.strip() for part in value.split(",")}


def id_greater(store: Store, rec: Record, value: str, query: Query) -> bool:
    return int(rec["id"]) > as_int(value)


def id_less(store: Store, rec: Record, value: str, query: Query) -> bool:
    return int(rec["id"]) < as_int(value, 1 << 62)


#: How the contact list filters the catalogue documents are applied (``email``: the field compared).
CONTACT_PREDICATES: dict[str, Predicate] = {
    "email_like": like("email"),
    "search": contact_search,
    "listid": contact_lists,
    "status": contact_status,
    "tagid": related("contactTags", "contact", "tag"),
    "organization": lambda store, rec, value, query: value in (
        as_text(rec.get("orgid")), as_text(rec.get("organization"))),
    "ids": id_in,
    "id_greater": id_greater,
}
#: Contact list parameters the API answers and the catalogue does not document.
CONTACT_EXTRAS: dict[str, Predicate] = {
    "seriesid": related("contactAutomations", "contact", "automation"),
    "ids[]": id_in,
    "id_less": id_less,
    "exclude": lambda store, rec, value, query: rec["id"] != value,
    "phone": lambda store, rec, value, query: as_text(rec.get("phone")).startswith(value),
    "formid": related("contactLists", "contact", "form"),
    "segmentid": nothing,
    "waitid": nothing,
    "in_group_lists": everything,
}

DEAL_PREDICATES: dict[str, Predicate] = {
    "filters[title]": like("title"),
    "filters[organization]": _deal_org,
    "filters[tag]": _deal_tag,
    "filters[tasktype]": _deal_tasktype,
    "filters[search]": _deal_search,
    "filters[minimum_value]": _deal_value(lambda dollars, bound: dollars >= bound),
    "filters[maximum_value]": _deal_value(lambda dollars, bound: dollars <= bound),
}
DEAL_EXTRAS: dict[str, Predicate] = {
    "filters[score]": _deal_score(lambda have, bound: have == bound),
    "filters[score_greater_than]": _deal_score(lambda have, bound: have > bound),
    "filters[score_less_than]": _deal_score(lambda have, bound: have < bound),
}

TASK_PREDICATES: dict[str, Predicate] = {
    "filters[title]": like("title"),
    "filters[note]": like("note"),
    "filters[duedate]": same_day("duedate"),
    "filters[d_tasktypeid]": eq("dealTasktype"),
    "filters[userid]": eq("user"),
    "filters[assignee_userid]": eq("assignee"),
    "filters[due_after]": since("duedate"),
    "filters[due_before]": until("duedate"),
}
