"""Change streams: what changed in one resource since a saved position, read at a cost that grows with the changes.

A :class:`ChangeStream` is one (resource, watch, filters, parent) of one account. It reads
the changes after a :class:`position <Position>` (plain JSON, kept by the trigger where a
restarted triggerer finds it) and says what the position is after each change, so the
caller can save it only once the change's event is safe. Three ways to read, chosen from
the catalogue:

- ``tail`` (``watch="created"`` on every list with numeric ids): only the records past the
  last id read. Contacts page with ``id_greater`` (one request for a quiet poll); the other
  lists read in id order from the saved offset, re-reading a few records before it to prove
  nothing was skipped (the pager steps back when records before it were deleted). One
  request for a quiet poll, whatever the size of the list.
- ``dated`` (``watch="updated"`` on contacts and deals): the API's own ``updated_after``
  filter from the position's bound, exact where the account's reading of date filters was
  probed (``client.date_filters``), else widened by the zone margin (then a quiet poll
  costs one request plus one per 100 records changed within the margin).
- ``scan`` (``watch="updated"`` where the API has no date filter): every record, one page
  at a time in id order (never the whole collection in memory); a record counts when its
  update stamp is at or after the bound. ``ceil(N / 100)`` requests per poll.

Stamp-based reads (``dated``, ``scan``) take the bound as the poll's start minus ``settle``
(records that show up in the API late, and clock skew) and remember which (id, stamp) they
already reported at or after the bound, so a change is reported once even though the next
poll reads that stretch again. Several updates of one record between two polls are one
change (its latest state).
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pendulum

from airflow_provider_activecampaign.catalogue import LIST, Resource, resource
from airflow_provider_activecampaign.client.paging import PAGE_SIZE, Pager
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook
from airflow_provider_activecampaign.watch.search import SERVER_WINDOW_OVERLAP, WatchSearch
from airflow_provider_activecampaign.watch.timestamps import parse_when, record_time
from airflow_provider_activecampaign.watch.windows import Window

CHANGE_KINDS = ("created", "updated", "deleted")
#: Records whose JSON (without ``links``) is bigger than this travel in an event as their id only.
MAX_RECORD_BYTES = 4096
#: Keys of a listed record that an event leaves out: the API's URLs derived from the record's id.
LEFT_OUT = frozenset({"links"})


def event_record(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """The record as a change event carries it: without ``links``; None above :data:`MAX_RECORD_BYTES` of JSON.

    Airflow stores an event's payload once per asset that watches the stream and logs it
    whole, so what it carries is paid for on every change, many times over.
    """
    kept = {key: value for key, value in record.items() if key not in LEFT_OUT}
    return kept if len(json.dumps(kept, default=str)) <= MAX_RECORD_BYTES else None


async def _updated_after(hook: ActiveCampaignAsyncHook, bound: pendulum.DateTime) -> str:
    """``filters[updated_after]`` that the API reads at or before ``bound``: exact where the account's
    reading of date filters was probed (``client.date_filters``), else widened by the zone margin."""
    try:
        from airflow_provider_activecampaign.client.date_filters import adate_filters
    except ImportError:  # no probe in this version: widen
        return (bound - SERVER_WINDOW_OVERLAP).isoformat()
    return (await adate_filters(hook)).after(bound)


def stamp_text(when: Any) -> str:
    """A stamp as it appears in change keys and positions: UTC ISO 8601, seconds precision."""
    return pendulum.instance(when).in_timezone("UTC").replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Change:
    """One change: the record's id, its stamp (created/updated time, UTC ISO) and the record."""

    id: str
    stamp: str
    record: Mapping[str, Any] | None

    def key(self, account: str, resource_name: str, watch: str) -> str:
        """The change's stable identity (the same on every poll and every triggerer)."""
        return f"{account}/{resource_name}/{self.id}/{watch}/{self.stamp}"


@dataclass
class Position:
    """Where a stream stands (JSON through :meth:`to_json`).

    ``last_id``/``offset``: the tail read's position (``created``); ``bound``: stamps before
    it are read (``updated``, ``deleted``); ``seen``: id -> stamp of changes already
    reported that the base position does not cover yet.
    """

    last_id: int | None = None
    offset: int = 0
    window: list[str] = field(default_factory=list)
    bound: str | None = None
    seen: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"last_id": self.last_id, "offset": self.offset, "window": list(self.window), "bound": self.bound,
                "seen": dict(self.seen), "extra": dict(self.extra)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Position | None:
        if not isinstance(data, Mapping):
            return None
        last_id = data.get("last_id")
        return cls(None if last_id is None else int(last_id), int(data.get("offset") or 0),
                   [str(i) for i in data.get("window") or ()], data.get("bound"),
                   {str(k): str(v) for k, v in (data.get("seen") or {}).items()}, dict(data.get("extra") or {}))

    def covers(self, change: Change, how: str) -> bool:
        """True when this position already includes ``change`` (a subscriber has reported it)."""
        if self.seen.get(change.id) == change.stamp:
            return True
        if how == "tail":
            return change.id.isdigit() and self.last_id is not None and int(change.id) <= self.last_id
        return self.bound is not None and change.stamp < stamp_text(parse_when(self.bound, "bound"))

    def with_seen(self, change: Change) -> Position:
        return Position(self.last_id, self.offset, list(self.window), self.bound,
                        {**self.seen, change.id: change.stamp}, dict(self.extra))


def earliest(positions: list[Position], how: str) -> Position | None:
    """The position that covers least (where a stream shared by several assets starts reading)."""
    if not positions:
        return None
    if how == "tail":
        return min(positions, key=lambda p: -1 if p.last_id is None else p.last_id)
    if how == "ids":  # the id set read longest ago: the deletes since then are reported
        return min(positions, key=lambda p: str(p.extra.get("as_of") or ""))
    return min(positions, key=lambda p: stamp_text(parse_when(p.bound, "bound")) if p.bound else "")


@dataclass(frozen=True)
class ChangeStream:
    """One stream of changes: resource, watch kind, filters and parent (see the module docstring).

    Input is checked on construction, against the catalogue, before any request.
    """

    resource: str
    watch: str = "updated"
    filters: Mapping[str, Any] = field(default_factory=dict)
    parent_id: str | None = None
    settle: float = 60.0

    def __post_init__(self) -> None:
        spec = resource(self.resource)
        spec.require(LIST)
        if self.watch not in CHANGE_KINDS:
            raise ActiveCampaignInputError("watch", "'created', 'updated' or 'deleted'", self.watch)
        if self.watch == "updated" and not spec.updated:
            raise ActiveCampaignInputError("watch", f"'created' or 'deleted' ({spec.plural} carry no update stamp)",
                                           self.watch)
        if self.settle < 0:
            raise ActiveCampaignInputError("settle", "zero or more seconds", self.settle)
        # the Watch search checks filters and parent id the same way the sensors do
        search = self._where
        object.__setattr__(self, "filters", dict(search.filters))
        object.__setattr__(self, "parent_id", search.parent_id)

    @property
    def spec(self) -> Resource:
        return resource(self.resource)

    @property
    def how(self) -> str:
        """``tail``, ``dated`` or ``scan`` (``deleted`` streams read ids only, see the reconciler)."""
        if self.watch == "created":
            return "tail"
        if self.watch == "deleted":
            return "ids"
        return "dated" if self.spec.server_window and self.parent_id is None else "scan"

    def search(self, window: Window) -> WatchSearch:
        return WatchSearch(self.resource, window, "updated" if self.watch == "updated" else "created",
                           dict(self.filters), self.parent_id)

    @property
    def _where(self) -> WatchSearch:
        """Where the records are read (path, keyset paging): as the Watch search reads them."""
        return self.search(Window(pendulum.datetime(2000, 1, 1), pendulum.datetime(2000, 1, 2)))

    @property
    def path(self) -> str:
        return self._where.path

    @property
    def keyset(self) -> bool:
        return self._where.keyset

    def stamp_of(self, record: Mapping[str, Any]) -> str | None:
        when = record_time(record, self.spec, "created" if self.watch == "created" else "updated")
        return None if when is None else stamp_text(when)

    def change(self, record: Mapping[str, Any]) -> Change | None:
        rid = record.get("id")
        stamp = self.stamp_of(record)
        if rid in (None, "") or stamp is None:
            return None
        return Change(str(rid), stamp, event_record(record))

    # starting ---------------------------------------------------------------------

    async def start(self, hook: ActiveCampaignAsyncHook, now: pendulum.DateTime | None = None) -> Position:
        """A position at the present: nothing the API shows when it starts is reported.

        Two requests for a tail read; a stamp read reads the last ``settle`` seconds once, so that
        what changed there before the start is the past, and a change that shows up late still counts.
        """
        now = now or pendulum.now("UTC")
        if self.how != "tail":
            begin = Position(bound=(now - timedelta(seconds=self.settle)).isoformat())
            position = begin
            async for _, after in self._read_stamped(hook, begin, now):
                position = after
            return position
        params = self.spec.list_params(dict(self.filters), None)
        if self.keyset:
            reply = await hook.request("GET", self.path, params={**params, "orders[id]": "DESC", "limit": 1})
            records = reply.get(self.spec.plural) or []
            last = int(records[0]["id"]) if records else 0
            return Position(last_id=last)
        reply = await hook.request("GET", self.path, params={**params, "orders[id]": "ASC", "limit": 1})
        total = int((reply.get("meta") or {}).get("total") or 0)
        if total == 0:
            return Position(last_id=0, offset=0)
        reply = await hook.request("GET", self.path, params={**params, "orders[id]": "ASC", "limit": 1,
                                                             "offset": total - 1})
        records = reply.get(self.spec.plural) or []
        last = str(records[-1]["id"]) if records else None
        return Position(last_id=int(last) if last and last.isdigit() else 0, offset=total,
                        window=[last] if last else [])

    # reading ----------------------------------------------------------------------

    async def read(self, hook: ActiveCampaignAsyncHook, position: Position,
                   now: pendulum.DateTime | None = None) -> AsyncIterator[tuple[Change | None, Position]]:
        """Yield ``(change, position after it)`` for every change not covered by ``position``.

        After each page read, ``(None, position so far)`` (a long poll's progress); the last item
        is ``(None, final position)``: the poll's end (nothing more to report).
        """
        if self.how == "tail":
            async for item in self._read_tail(hook, position):
                yield item
            return
        async for item in self._read_stamped(hook, position, now or pendulum.now("UTC")):
            yield item

    def _pager(self, position: Position | None, params: Mapping[str, Any]) -> Pager:
        saved = None
        if position is not None:
            saved = {"keyset": self.keyset, "offset": position.offset, "last_id": position.last_id,
                     "window": position.window, "by_id": True, "plain": False, "count": 0, "done": False}
        return Pager(self.spec.plural, params, keyset=self.keyset, path=self.path, position=saved)

    async def _pages(self, hook: ActiveCampaignAsyncHook, pager: Pager) -> AsyncIterator[list[dict[str, Any]]]:
        core = await hook.get_core()
        while (page_params := pager.next_params()) is not None:
            reply = await hook.send(core.v3("GET", self.path, params=page_params, expect=self.spec.plural))
            yield pager.feed(reply)

    async def _read_tail(self, hook: ActiveCampaignAsyncHook, position: Position
                         ) -> AsyncIterator[tuple[Change | None, Position]]:
        pager = self._pager(position, self.spec.list_params(dict(self.filters), None))
        current = position
        async for page in self._pages(hook, pager):
            for record in page:
                change = self.change(record) if isinstance(record, Mapping) else None
                if change is None or current.covers(change, "tail"):
                    continue
                current = current.with_seen(change)
                yield change, current
            # the page read: the pager's place covers it, so ``seen`` holds one page at most, not the whole poll
            current = self._tail_place(pager, position)
            yield None, current
        yield None, self._tail_place(pager, position)

    @staticmethod
    def _tail_place(pager: Pager, position: Position) -> Position:
        """Where a tail read stands once the pager's pages so far are read (nothing in ``seen``)."""
        return Position(last_id=pager.last_id if pager.last_id is not None else position.last_id,
                        offset=pager.offset, window=list(pager.window), extra=dict(position.extra))

    async def _read_stamped(self, hook: ActiveCampaignAsyncHook, position: Position, now: pendulum.DateTime
                            ) -> AsyncIterator[tuple[Change | None, Position]]:
        bound = parse_when(position.bound, "bound") if position.bound else now - timedelta(seconds=self.settle)
        params = self.spec.list_params(dict(self.filters), None)
        if self.how == "dated":
            params[self.spec.filters["updated_after"].param] = await _updated_after(hook, bound)
        pager = self._pager(None, params)
        current = position
        async for page in self._pages(hook, pager):
            for record in page:
                change = self.change(record) if isinstance(record, Mapping) else None
                if change is None or change.stamp < stamp_text(bound) or current.covers(change, "stamp"):
                    continue
                current = current.with_seen(change)
                yield change, current
            yield None, current
        new_bound = max(bound, now - timedelta(seconds=self.settle))
        floor = stamp_text(new_bound)
        seen = {rid: stamp for rid, stamp in current.seen.items() if stamp >= floor}
        yield None, Position(bound=new_bound.isoformat(), seen=seen, extra=dict(position.extra))

    # cost -------------------------------------------------------------------------

    def quiet_poll_requests(self, records: int, changed_in_margin: int = 0) -> int:
        """Requests one poll with no change costs on a collection of ``records`` records."""
        if self.how == "tail":
            return 1
        if self.how == "dated":
            return max(1, math.ceil(changed_in_margin / PAGE_SIZE))
        return max(1, math.ceil(records / PAGE_SIZE))
