"""The one search behind the Watch sensors and their trigger.

:class:`WatchSearch` builds the query parameters (the API's own date filters where they
exist, as the account reads them: :mod:`~airflow_provider_activecampaign.client.date_filters`
finds that once per account, and widens them when it cannot), tests each record's timestamp against
the exact window, de-duplicates by id, and drives a hook's ``paginate`` (sync or async),
so the sensor's ``poke`` and the trigger cannot drift apart. See docs/watch.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Iterator, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pendulum

from airflow_provider_activecampaign.catalogue import LIST, Resource, ident, resource
from airflow_provider_activecampaign.client.date_filters import UNKNOWN, DateFilters, adate_filters, date_filters
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError, ActiveCampaignPagingError
from airflow_provider_activecampaign.watch.timestamps import ACCOUNT_ZONE_SPREAD, parse_when, record_time
from airflow_provider_activecampaign.watch.windows import Window

if TYPE_CHECKING:
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook

#: At most how far the API's own date filters reach beyond a window on each side, when the account's
#: reading of them is not known (the exact window is applied on our side); shared polls merge windows
#: closer than twice this.
SERVER_WINDOW_OVERLAP = ACCOUNT_ZONE_SPREAD + timedelta(minutes=15)
WATCH_KINDS = ("created", "updated")
#: Filters a Watch search sets itself from its window (``since``/``until``), never taken from the user.
WINDOW_FILTERS = ("created_after", "created_before", "updated_after", "updated_before")
#: Sub-collections a search can read instead of a top-level list: resource -> parent collection path.
PARENT_PATHS = {"contactAutomation": "contacts"}


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

    Input is checked on construction (no request is sent); filter values are normalized
    to JSON primitives, so :meth:`to_kwargs` round-trips through a trigger.
    """

    resource: str
    window: Window
    watch: str = "created"
    filters: Mapping[str, Any] = field(default_factory=dict)
    parent_id: str | None = None

    def __post_init__(self) -> None:
        spec = resource(self.resource)
        spec.require(LIST)
        if self.watch not in WATCH_KINDS:
            raise ActiveCampaignInputError("watch", "'created' or 'updated'", self.watch)
        filters = {k: v for k, v in (self.filters or {}).items() if v is not None and v != ""}
        taken = sorted(set(filters) & set(WINDOW_FILTERS))
        if taken:
            raise ActiveCampaignInputError(f"filters.{taken[0]}",
                                           "left out: the window comes from since/until")
        if self.resource in PARENT_PATHS and self.parent_id not in (None, "", "None") and filters:
            raise ActiveCampaignInputError("filters", "empty for a sub-collection", filters)
        spec.list_params(filters, None)  # refuses unknown names and bad values
        checked = {name: _primitive(spec.filters[name].rule.check(value, f"filters.{name}"))
                   for name, value in filters.items() if value is not None}
        object.__setattr__(self, "filters", checked)
        parent = self.parent_id
        if parent in (None, "", "None"):
            parent = None
        elif self.resource not in PARENT_PATHS:
            raise ActiveCampaignInputError("parent_id", f"left out for {self.resource}", parent)
        else:
            parent = ident(required=True).check(parent, "parent_id")
        object.__setattr__(self, "parent_id", parent)

    # what to ask -----------------------------------------------------------------

    @property
    def spec(self) -> Resource:
        return resource(self.resource)

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

    def params(self, dates: DateFilters = UNKNOWN) -> dict[str, Any]:
        """Query parameters: the filters, plus the API's date filters around the window as ``dates``
        says the account reads them (exact when known, widened when not), newest first when
        :meth:`newest_first`."""
        newest = self.newest_first(dates)
        params = self.spec.list_params(self.filters, {self.spec.created: "DESC"} if newest else None)
        if self.server_window:
            filters = self.spec.filters
            params[filters[f"{self.watch}_after"].param] = dates.after(self.window.since)
            params[filters[f"{self.watch}_before"].param] = dates.before(self.window.until)
        return params

    def newest_first(self, dates: DateFilters = UNKNOWN) -> bool:
        """Whether to read newest first and stop past the window: a ``created`` search whose date
        filters reach before the window (the account reads them as dates only, or the reading is
        not known), on a list that orders by creation. A poke then costs the records created since
        the window began, not every record of the day."""
        if self.watch != "created" or not self.server_window or self.spec.created not in self.spec.orders:
            return False
        since = self.window.since.replace(microsecond=0)
        return any(bound < since for bound in dates.bounds(dates.after(since)))

    def _until_past(self, records: Iterable[Any]) -> Iterator[Any]:
        """Newest first: the records up to the first one created before the window (all after it are older)."""
        newest: datetime | None = None
        for record in records:
            newest = self._in_order(record, newest)
            yield record
            if newest is not None and newest < self.window.since:
                return

    def _in_order(self, record: Any, newer: datetime | None) -> datetime | None:
        """The creation time read so far, checked: a server that ignored the order would make the
        read stop early and lose records, so it is an error."""
        when = self.time_of(record) if isinstance(record, Mapping) else None
        if when is None:
            return newer
        if newer is not None and when > newer:
            raise ActiveCampaignPagingError(
                self.path, "the records are not newest first", seen=f"{when.isoformat()} after "
                f"{newer.isoformat()}; the server ignored orders[{self.spec.created}]=DESC")
        return when

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
        dates = date_filters(hook) if self.server_window else UNKNOWN
        if not self.newest_first(dates):
            return self.select(hook.paginate(self.path, self.envelope, params=self.params(dates), keyset=self.keyset))
        return self.select(self._until_past(hook.paginate(self.path, self.envelope, params=self.params(dates))))

    async def afetch(self, hook: ActiveCampaignAsyncHook) -> list[dict[str, Any]]:
        """The same with the async hook (triggers): never blocks the event loop."""
        return self.select(await self.aread(hook))

    async def aread(self, hook: ActiveCampaignAsyncHook) -> list[Any]:
        """Every record the search's requests return, before :meth:`select` (shared polls select per trigger)."""
        dates = await adate_filters(hook) if self.server_window else UNKNOWN
        newest = self.newest_first(dates)
        pages: AsyncIterable[Any] = hook.paginate(self.path, self.envelope, params=self.params(dates),
                                                  keyset=self.keyset and not newest)
        records: list[Any] = []
        newer: datetime | None = None
        async with aclosing(pages) as reading:  # type: ignore[type-var]
            async for record in reading:
                records.append(record)
                if newest and (newer := self._in_order(record, newer)) is not None and newer < self.window.since:
                    break
        return records

    # serializing -----------------------------------------------------------------

    def to_kwargs(self) -> dict[str, Any]:
        """JSON primitives that :meth:`from_kwargs` turns back into an equal search."""
        since, until = self.window.iso()
        return {"resource": self.resource, "watch": self.watch, "filters": dict(self.filters),
                "parent_id": self.parent_id, "since": since, "until": until}

    @classmethod
    def from_kwargs(cls, *, resource: str, since: str, until: str, watch: str = "created",
                    filters: Mapping[str, Any] | None = None, parent_id: str | None = None) -> WatchSearch:
        window = Window(parse_when(since, "since"), parse_when(until, "until"))
        return cls(resource, window, watch, dict(filters or {}), parent_id)

    def describe(self) -> str:
        return f"{self.spec.plural} {self.watch} in {self.window}"


def _changed(record: Mapping[str, Any], spec: Resource) -> datetime:
    return record_time(record, spec, "updated") or datetime.min.replace(tzinfo=timezone.utc)


def _id_key(value: Any) -> tuple[int, Any]:
    text = str(value)
    return (0, int(text)) if text.isdigit() else (1, text)
