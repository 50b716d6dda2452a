"""Coalesced Watch polls: one search per poll cycle for every waiting trigger of the same kind.

Watch triggers of one account that watch the same resource the same way (watch kind, parent
record, filters and request settings) form a group in their event loop. A trigger asks its
group for a poll that starts no later than a given time; the group's runner starts a cycle
when the earliest member is due, serves every member waiting at that moment (an early poll
does no harm), and sends one search per stretch of the union of their windows. Each member
gets its own window's records out of the shared reply, exactly as its own search would have
selected them.

Members wait on futures of their own: a trigger cancelled mid-poll drops out and the runner
and the other members carry on. Nothing here outlives the event loop or has to survive a
triggerer restart: a re-created trigger joins (or starts) a group like any other, and a group
of one is a trigger polling alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
import weakref
from bisect import bisect_left
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import anyio

from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook
from airflow_provider_activecampaign.hooks.clients import client_key
from airflow_provider_activecampaign.watch import SERVER_WINDOW_OVERLAP, WatchSearch, Window

#: Windows closer than this share one request (their widened server-side windows overlap anyway).
MERGE_GAP = 2 * SERVER_WINDOW_OVERLAP
#: members woken per turn of the event loop: a trigger that fires costs Airflow a few ms (its log
#: file, its event), so hundreds woken at once would hold the loop for seconds
WAKE_BATCH = 8
#: the pause after each batch of members given records (they fire), so that Airflow's work for
#: them (log lines written by its threads, events sent) is done between batches, not all at once
WAKE_PAUSE = 0.05
#: a busy cycle's pauses (over all its stretches) add up to this share of the time between two
#: cycles at most (and WAKE_SPREAD seconds), so every member is woken well within one poll interval
WAKE_SHARE = 0.25
WAKE_SPREAD = 2.0


def cycle_spell(period: float | None) -> float:
    """How long all of a cycle's pauses may take: cycles ``period`` s apart (None: the first cycle, no pause)."""
    return 0.0 if period is None else min(WAKE_SPREAD, WAKE_SHARE * period)


def wake_pause(finding: int, spell: float) -> float:
    """The pause after each batch of ``finding`` members given records, with ``spell`` s of pauses left."""
    batches = -(-finding // WAKE_BATCH)
    if batches <= 1 or spell <= 0:  # one batch, or no time left to spread over
        return 0.0
    return min(WAKE_PAUSE, spell / (batches - 1))


@dataclass(frozen=True)
class Polled:
    """What one poll gave a trigger: its window's records, or the error that stopped the search."""

    records: list[dict[str, Any]] | None = None
    error: Exception | None = None


async def poll_alone(hook: ActiveCampaignAsyncHook, search: WatchSearch) -> Polled:
    """Run ``search`` with the trigger's own hook."""
    try:
        return Polled(await search.afetch(hook))
    except Exception as error:  # the trigger decides: try again later, or give up
        return Polled(error=error)


#: ``await poll(due)``: one poll started by ``due`` (a ``time.monotonic()``), its result
Poll = Callable[[float], Awaitable[Polled]]


@contextlib.asynccontextmanager
async def polling(hook: ActiveCampaignAsyncHook, search: WatchSearch, *, coalesce: bool = True
                  ) -> AsyncIterator[Poll]:
    """How one trigger polls while inside the block: in its group's shared cycles, or alone."""
    if not coalesce:
        async def alone(due: float) -> Polled:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            return await poll_alone(hook, search)

        yield alone
        return
    key = await group_key(hook, search)
    groups = _groups()
    group = groups.get(key)
    if group is None:
        group = groups[key] = SharedPoll(key, hook.sibling(), search, groups)
    group.join()
    try:
        yield functools.partial(group.poll, search)
    finally:
        group.leave()


async def group_key(hook: ActiveCampaignAsyncHook, search: WatchSearch) -> Hashable:
    """Which triggers may share a request: same account, request settings and search but for the window."""
    settings = (await hook.get_core()).settings
    return (client_key(settings.base_url, settings.api_key), settings.requests_per_second, settings.timeout,
            settings.retries, hook.retry_backoff, search.resource, search.watch, search.parent_id,
            json.dumps(search.filters, sort_keys=True))


_GROUPS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Hashable, SharedPoll]] = (
    weakref.WeakKeyDictionary())


def _groups() -> dict[Hashable, SharedPoll]:
    return _GROUPS.setdefault(asyncio.get_running_loop(), {})


def active_groups() -> list[int]:
    """How many triggers each shared poll of this event loop serves (for tests and benchmarks)."""
    return [group.members for group in _groups().values()]


class SharedPoll:
    """One group's poll cycles: members waiting for a poll, and the runner that serves them."""

    def __init__(self, key: Hashable, hook: ActiveCampaignAsyncHook, template: WatchSearch,
                 registry: dict[Hashable, SharedPoll]) -> None:
        self.key = key
        self.hook = hook
        self.template = template
        self._registry = registry
        self._waiting: dict[asyncio.Future[Polled], tuple[WatchSearch, float]] = {}
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._members = 0
        self._cycles: list[float] = []  # when the last two cycles started
        self._spell = 0.0  # what is left of this cycle's pauses (every stretch of it shares them)

    @property
    def members(self) -> int:
        return self._members

    def join(self) -> None:
        """One more trigger polls here (until :meth:`leave`); the group lives while any does."""
        self._members += 1
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name=f"activecampaign-watch-{self.template.envelope}")

    def leave(self) -> None:
        self._members -= 1
        self._wake.set()

    async def poll(self, search: WatchSearch, due: float) -> Polled:
        """Wait for the first cycle that starts after this call (and by ``due``); this window's records."""
        member: asyncio.Future[Polled] = asyncio.get_running_loop().create_future()
        self._waiting[member] = (search, due)
        self._wake.set()
        try:
            return await member  # cancelled: only this future is
        finally:
            self._waiting.pop(member, None)

    async def _run(self) -> None:
        try:
            async with self.hook:
                while self._members > 0:
                    if await self._until_due():
                        await self._cycle()
                self._retire()  # no await since the last check: a newcomer starts a new group
        finally:
            self._retire()
            for member in self._waiting:
                if not member.done():
                    member.set_result(Polled(error=RuntimeError("the shared Watch poll stopped")))

    async def _until_due(self) -> bool:
        """Wait for the earliest member's due time; False when woken by a change (look again)."""
        await asyncio.sleep(0)  # members just served ask again first, and join the next cycle
        self._wake.clear()
        if self._members <= 0:
            return False
        if not self._waiting:
            await self._wake.wait()
            return False
        delay = min(due for _, due in self._waiting.values()) - time.monotonic()
        if delay > 0:
            with anyio.move_on_after(delay):  # not asyncio.wait_for: it can drop a cancel (Python < 3.12)
                await self._wake.wait()
            return False
        return True

    async def _cycle(self) -> None:
        """Serve every member waiting now (an early poll does no harm), one search per stretch."""
        batch = {member: search for member, (search, _) in self._waiting.items() if not member.done()}
        self._waiting.clear()
        self._cycles = [*self._cycles[-1:], time.monotonic()]
        self._spell = cycle_spell(self._cycles[1] - self._cycles[0] if len(self._cycles) == 2 else None)
        for stretch in self._stretches(batch):
            await self._serve(stretch)

    def _retire(self) -> None:
        if self._registry.get(self.key) is self:
            del self._registry[self.key]

    def _stretches(self, batch: Mapping[asyncio.Future[Polled], WatchSearch]
                   ) -> list[list[tuple[asyncio.Future[Polled], WatchSearch]]]:
        """The members in groups whose windows one request covers (all of them without server-side dates)."""
        members = sorted(batch.items(), key=lambda item: item[1].window.since)
        if not self.template.server_window:
            return [members] if members else []
        stretches: list[list[tuple[asyncio.Future[Polled], WatchSearch]]] = []
        end = None
        for member, search in members:
            if end is not None and search.window.since <= end + MERGE_GAP:
                stretches[-1].append((member, search))
                end = max(end, search.window.until)
            else:
                stretches.append([(member, search)])
                end = search.window.until
        return stretches

    async def _serve(self, stretch: list[tuple[asyncio.Future[Polled], WatchSearch]]) -> None:
        """One search over the stretch's union window; each member gets its own window's records."""
        cover = replace(self.template, window=Window(min(s.window.since for _, s in stretch),
                                                     max(s.window.until for _, s in stretch)))
        try:
            records = await cover.aread(self.hook)
        except Exception as error:  # every member of the stretch decides for itself what to do
            for member, _ in stretch:
                if not member.done():
                    member.set_result(Polled(error=error))
            return
        timed = sorted(((when, n, record) for n, record in enumerate(records)
                        if isinstance(record, Mapping) and (when := cover.time_of(record)) is not None),
                       key=lambda item: (item[0], item[1]))
        times = [when for when, _, _ in timed]
        polled = [(member, Polled(search.select(record for _, _, record in
                                                timed[bisect_left(times, search.window.since):
                                                      bisect_left(times, search.window.until)])))
                  for member, search in stretch]
        await self._hand_out(polled)

    async def _hand_out(self, polled: list[tuple[asyncio.Future[Polled], Polled]]) -> None:
        """Give each member its result, WAKE_BATCH a turn; after each batch given records, a short pause."""
        found = sum(1 for _, result in polled if result.records)
        pause = wake_pause(found, self._spell)
        served = finding = 0
        for member, result in polled:
            if member.done():
                continue
            member.set_result(result)
            served += 1
            finding += bool(result.records)
            if result.records and finding % WAKE_BATCH == 0 and finding < found:
                self._spell -= pause
                await asyncio.sleep(pause)  # those found so far fire (and Airflow writes their logs) first
            elif served % WAKE_BATCH == 0:
                await asyncio.sleep(0)  # the members served so far run before the next are woken
