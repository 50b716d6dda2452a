"""Time windows and the one search behind the Watch sensors.

Everything that decides *which records a Watch sensor reports* lives here, so the sync path
(the sensor's ``poke`` and its first check before deferring) and the async path (the
trigger) cannot drift apart:

- :func:`resolve_window` turns a task's context (or explicit ``since``/``until``) into a
  :class:`Window`: inclusive at ``since``, exclusive at ``until``, both aware and in UTC.
- :func:`parse_timestamp` reads every timestamp form the API returns.
- :class:`WatchSearch` builds the query parameters (the API's own date filters where they
  exist, widened by :data:`SERVER_WINDOW_OVERLAP`), tests each record's timestamp against
  the exact window, de-duplicates by id, and drives a hook's ``paginate`` (sync or async).

The hooks only page. See docs/watch.md for the rules with examples.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pendulum

from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.resources import LIST, Resource, ident, resource

if TYPE_CHECKING:
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook

#: The zone ActiveCampaign writes offset-less timestamps in (hosted accounts: US Central, with DST).
ACCOUNT_TIMEZONE = ZoneInfo("America/Chicago")
#: How far the API's own date filters are widened on each side; the exact window is applied on our side.
SERVER_WINDOW_OVERLAP = timedelta(minutes=15)
#: The window of a first run on a point-interval timetable: this long before the logical date.
DEFAULT_LOOKBACK = timedelta(days=1)
WATCH_KINDS = ("created", "updated")
#: Filters a Watch search sets itself from its window (``since``/``until``), never taken from the user.
WINDOW_FILTERS = ("created_after", "created_before", "updated_after", "updated_before")
#: Sub-collections a search can read instead of a top-level list: resource -> parent collection path.
PARENT_PATHS = {"contactAutomation": "contacts"}

_ZERO_DATE = re.compile(r"^0{4}-0{2}-0{2}")
_BARE_TIME = re.compile(r"^\d{1,2}:\d{2}")


# --------------------------------------------------------------------------- timestamps


def parse_timestamp(value: Any, *, assume: Any = ACCOUNT_TIMEZONE) -> pendulum.DateTime | None:
    """A record timestamp as an aware UTC datetime, or None when it is absent or unreadable.

    - with an offset (``2018-09-12T16:53:50-05:00``, ``...Z``): that instant;
    - without one (``2019-11-22 14:15:37``, ``2019-11-22``): wall time in ``assume``
      (the account's zone, US Central; a time in the repeated autumn hour is read as the
      first, daylight-saving one);
    - zero dates (``0000-00-00 00:00:00``), None, ``""`` and text that is no date: None.
    """
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text or _ZERO_DATE.match(text) or _BARE_TIME.match(text):
            return None
        try:
            parsed = pendulum.parse(text, tz=None)
        except Exception:  # pendulum raises several types for text that is no date
            return None
        if not isinstance(parsed, datetime):  # a bare date, a time or a duration
            if not isinstance(parsed, date):
                return None
            parsed = datetime(parsed.year, parsed.month, parsed.day)
        when = parsed
    if when.tzinfo is None:
        when = datetime(when.year, when.month, when.day, when.hour, when.minute, when.second, when.microsecond,
                        tzinfo=assume)
    return pendulum.instance(when).in_timezone("UTC")  # pendulum's UTC: arithmetic keeps it aware


def parse_when(value: Any, where: str, name: str) -> pendulum.DateTime:
    """A ``since``/``until`` given by the DAG author: anything pendulum parses, naive = UTC."""
    when = parse_timestamp(value, assume=timezone.utc)
    if when is None:
        raise ActiveCampaignInputError(where, name, "a date/time that pendulum can parse", value)
    return when


def field_zone(field_name: str) -> Any:
    """The zone of a field's offset-less values: UTC for ``*utc*`` fields (``created_utc_timestamp``),
    else the account's."""
    return timezone.utc if "utc" in field_name.lower() else ACCOUNT_TIMEZONE


def record_time(record: Mapping[str, Any], spec: Resource, watch: str) -> pendulum.DateTime | None:
    """When a record was created (``watch="created"``) or last changed (``"updated"``).

    An update field that is null, a zero date or missing falls back to the create field
    (a record never changed was last changed when it was created).
    """
    if watch == "updated" and spec.updated:
        when = parse_timestamp(record.get(spec.updated), assume=field_zone(spec.updated))
        if when is not None:
            return when
    return parse_timestamp(record.get(spec.created), assume=field_zone(spec.created))


# --------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """``since <= t < until``, both aware UTC datetimes."""

    since: pendulum.DateTime
    until: pendulum.DateTime

    def __contains__(self, when: datetime | None) -> bool:
        return when is not None and self.since <= when < self.until

    def iso(self) -> tuple[str, str]:
        return self.since.isoformat(), self.until.isoformat()

    def __str__(self) -> str:
        return f"[{self.since.isoformat()}, {self.until.isoformat()})"


def _context_time(context: Mapping[str, Any], key: str) -> pendulum.DateTime | None:
    """A datetime from the context; Airflow hands some out as lazy proxies that may wrap None."""
    value = context.get(key)
    value = getattr(value, "__wrapped__", value)  # lazy_object_proxy.Proxy -> the datetime (or None)
    return parse_timestamp(value, assume=timezone.utc) if isinstance(value, datetime) else None


def _lookback(value: Any, where: str) -> timedelta:
    if isinstance(value, timedelta):
        lookback = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        lookback = timedelta(seconds=value)
    else:
        raise ActiveCampaignInputError(where, "lookback", "a timedelta (or seconds)", value)
    if lookback <= timedelta(0):
        raise ActiveCampaignInputError(where, "lookback", "a positive duration", value)
    return lookback


def resolve_window(context: Mapping[str, Any], *, since: Any = None, until: Any = None,
                   lookback: timedelta | float = DEFAULT_LOOKBACK, where: str = "watch") -> Window:
    """The window a Watch sensor reports on.

    ``since``/``until`` given (not None/""): used as they are (naive = UTC). Otherwise:

    - a real data interval (``CronDataIntervalTimetable``, start < end): the interval;
    - a point (Airflow 3's default ``CronTriggerTimetable``, start == end == logical
      date): from the previous successful run's data interval end
      (``prev_data_interval_end_success``) to the logical date; for the first run,
      ``lookback`` (default 1 day) before the logical date;
    - no logical date at all (asset-triggered or manual runs without one): as a point at
      the run's ``run_after`` (or now).
    """
    start = _context_time(context, "data_interval_start")
    end = _context_time(context, "data_interval_end")
    if start is not None and end is not None and start < end:
        default_since, default_until = start, end
    else:
        anchor = end or _context_time(context, "logical_date")
        if anchor is None:
            dag_run = context.get("dag_run")
            run_after = getattr(dag_run, "run_after", None) if dag_run is not None else None
            anchor = parse_timestamp(run_after, assume=timezone.utc) if run_after else None
            anchor = anchor or pendulum.now("UTC")
        previous = _context_time(context, "prev_data_interval_end_success")
        default_until = anchor
        if previous is not None and previous < anchor:
            default_since = previous
        else:
            default_since = anchor - _lookback(lookback, where)
    window = Window(
        parse_when(since, where, "since") if since not in (None, "") else default_since,
        parse_when(until, where, "until") if until not in (None, "") else default_until,
    )
    if window.since >= window.until:
        raise ActiveCampaignInputError(where, "since", f"before until ({window.until.isoformat()})",
                                       window.since.isoformat())
    return window


# --------------------------------------------------------------------------- the search


def _primitive(value: Any) -> Any:
    """A checked filter value as JSON (dates as ISO text), so searches serialize into triggers."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_primitive(v) for v in value]
    return value


@dataclass(frozen=True)
class WatchSearch:
    """One Watch query: which records of ``resource`` fall in ``window``.

    :param resource: catalogue name (contact, deal, dealTask, calendar, contactAutomation...).
    :param window: the :class:`Window`.
    :param watch: ``"created"`` or ``"updated"`` (changed; a never-changed record counts
        from its creation).
    :param filters: catalogue filter names -> values (the window filters are set here).
    :param parent_id: the parent record of a sub-collection (the contact of
        ``contactAutomation``: ``GET /contacts/{id}/contactAutomations``).
    :param where: how errors name the caller.

    Input is checked on construction (no request is sent); filter values are normalized
    to JSON primitives, so :meth:`to_kwargs` round-trips through a trigger.
    """

    resource: str
    window: Window
    watch: str = "created"
    filters: Mapping[str, Any] = field(default_factory=dict)
    parent_id: str | None = None
    where: str = "watch"

    def __post_init__(self) -> None:
        spec = resource(self.resource, self.where)
        spec.require(LIST, self.where)
        if self.watch not in WATCH_KINDS:
            raise ActiveCampaignInputError(self.where, "watch", "'created' or 'updated'", self.watch)
        filters = {k: v for k, v in (self.filters or {}).items() if v is not None and v != ""}
        taken = sorted(set(filters) & set(WINDOW_FILTERS))
        if taken:
            raise ActiveCampaignInputError(self.where, f"filters.{taken[0]}",
                                           "left out: the window comes from since/until")
        if self.resource in PARENT_PATHS and self.parent_id not in (None, "", "None") and filters:
            raise ActiveCampaignInputError(self.where, "filters", "empty for a sub-collection", filters)
        spec.list_params(filters, None, where=self.where)  # refuses unknown names and bad values
        checked = {name: _primitive(spec.filters[name].rule.check(value, self.where, f"filters.{name}"))
                   for name, value in filters.items() if value is not None}
        object.__setattr__(self, "filters", checked)
        parent = self.parent_id
        if parent in (None, "", "None"):
            parent = None
        elif self.resource not in PARENT_PATHS:
            raise ActiveCampaignInputError(self.where, "parent_id", f"left out for {self.resource}", parent)
        else:
            parent = ident(required=True).check(parent, self.where, "parent_id")
        object.__setattr__(self, "parent_id", parent)

    # what to ask -----------------------------------------------------------------

    @property
    def spec(self) -> Resource:
        return resource(self.resource, self.where)

    @property
    def server_window(self) -> bool:
        """True when the API filters by date itself (contacts, deals): the top-level list only."""
        return self.spec.server_window and self.parent_id is None

    @property
    def path(self) -> str:
        if self.parent_id is not None:
            return f"{PARENT_PATHS[self.resource]}/{self.parent_id}/{self.spec.plural}"
        return self.spec.path

    @property
    def envelope(self) -> str:
        return self.spec.plural

    @property
    def keyset(self) -> bool:
        return self.spec.keyset and self.parent_id is None

    def params(self) -> dict[str, Any]:
        """Query parameters: the filters, plus the API's date filters widened by the overlap."""
        filters: dict[str, Any] = dict(self.filters)
        if self.server_window:
            filters[f"{self.watch}_after"] = self.window.since - SERVER_WINDOW_OVERLAP
            filters[f"{self.watch}_before"] = self.window.until + SERVER_WINDOW_OVERLAP
        return self.spec.list_params(filters, None, where=self.where)

    # what counts -----------------------------------------------------------------

    def time_of(self, record: Mapping[str, Any]) -> pendulum.DateTime | None:
        return record_time(record, self.spec, self.watch)

    def matches(self, record: Any) -> bool:
        """The record's created/updated time is in the window (since inclusive, until exclusive)."""
        return isinstance(record, Mapping) and self.time_of(record) in self.window

    def select(self, records: Iterable[Any]) -> list[dict[str, Any]]:
        """The matching records, one per id (the most recently changed copy), in id order."""
        by_id: dict[str, dict[str, Any]] = {}
        loose: list[dict[str, Any]] = []
        for record in records:
            if not self.matches(record):
                continue
            rid = record.get("id")
            if rid is None:
                loose.append(dict(record))
                continue
            key = str(rid)
            kept = by_id.get(key)
            if kept is None or _changed(record, self.spec) >= _changed(kept, self.spec):
                by_id[key] = dict(record)
        ordered = sorted(by_id.values(), key=lambda r: _id_key(r.get("id")))
        return ordered + loose

    # running it ------------------------------------------------------------------

    def fetch(self, hook: ActiveCampaignHook) -> list[dict[str, Any]]:
        """Page through the collection with the sync hook and return :meth:`select`'s records."""
        return self.select(hook.paginate(self.path, self.envelope, params=self.params(), keyset=self.keyset))

    async def afetch(self, hook: ActiveCampaignAsyncHook) -> list[dict[str, Any]]:
        """The same with the async hook (triggers): never blocks the event loop."""
        pages: AsyncIterable[dict[str, Any]] = hook.paginate(self.path, self.envelope, params=self.params(),
                                                              keyset=self.keyset)
        return self.select([record async for record in pages])

    # serializing -----------------------------------------------------------------

    def to_kwargs(self) -> dict[str, Any]:
        """JSON primitives that :meth:`from_kwargs` turns back into an equal search."""
        since, until = self.window.iso()
        return {"resource": self.resource, "watch": self.watch, "filters": dict(self.filters),
                "parent_id": self.parent_id, "since": since, "until": until}

    @classmethod
    def from_kwargs(cls, *, resource: str, since: str, until: str, watch: str = "created",
                    filters: Mapping[str, Any] | None = None, parent_id: str | None = None,
                    where: str = "watch") -> WatchSearch:
        window = Window(parse_when(since, where, "since"), parse_when(until, where, "until"))
        return cls(resource, window, watch, dict(filters or {}), parent_id, where)

    def describe(self) -> str:
        return f"{self.spec.plural} {self.watch} in {self.window}"


def _changed(record: Mapping[str, Any], spec: Resource) -> datetime:
    return record_time(record, spec, "updated") or datetime.min.replace(tzinfo=timezone.utc)


def _id_key(value: Any) -> tuple[int, Any]:
    text = str(value)
    return (0, int(text)) if text.isdigit() else (1, text)
