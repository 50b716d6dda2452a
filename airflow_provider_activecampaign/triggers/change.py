"""ActiveCampaign changes as Airflow asset events: :class:`ActiveCampaignChangeTrigger` (see docs/change-events.md).

Behind an ``AssetWatcher``, the trigger turns every change of a resource (created, updated,
or, with reconciliation, deleted) into one asset event whose ``extra`` carries the change's
stable ``change_key``.

- Airflow 3.3+: every watcher of one stream (connection, resource, watch, filters, parent)
  shares one poll loop in **ack mode**: the stream's position moves only in ``advance()``,
  once the events derived from a change are stored in the metadata database. A triggerer
  killed at any moment re-delivers at most the changes whose events were not confirmed,
  with the same ``change_key``.
- Airflow 3.0-3.2: each trigger runs its own loop (watchers of identical triggers are one
  trigger). Those versions cannot say when an event is stored, so the position is saved
  only once the events it covers were handed to the triggerer at least
  :data:`HANDOVER_DELAY` seconds and one poll ago (the triggerer stores events within a
  second or two): at least once, with stable keys; a killed triggerer re-delivers about
  the last ``HANDOVER_DELAY`` seconds of changes.

With two triggerers side by side (high availability) Airflow runs a trigger in both while a
heartbeat is late; one copy delivers a stream at a time, the other waits and goes on from
the stored position once the first stops (:mod:`.change_holder`).

The position (see :mod:`.change_stream` for what it holds and what a poll costs) is where a
restarted triggerer on any host finds it: on Airflow 3.3+ in the asset state store of the
assets the stream's triggers watch, on 3.0-3.2 in an Airflow Variable per watcher (stream
and trigger arguments), listed in the stream's Variable (:mod:`.change_store`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Hashable, Mapping, Sequence
from contextlib import aclosing
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

from airflow_provider_activecampaign.assets import account_from_url
from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID, ActiveCampaignAsyncHook
from airflow_provider_activecampaign.triggers.change_holder import Holder, VariableSlot
from airflow_provider_activecampaign.triggers.change_pacing import Pacing, confirmation_target
from airflow_provider_activecampaign.triggers.change_store import (
    AssetPositions,
    PositionStore,
    WatcherStore,
    lend,
    lent_accessors,
    watcher_key,
)
from airflow_provider_activecampaign.triggers.change_store import stream_key as stream_variable
from airflow_provider_activecampaign.triggers.change_stream import Change, ChangeStream, Position

try:  # Airflow 3.3+: shared streams with an ack channel
    from airflow.triggers.shared_stream import AdvanceItem, SharedStreamProducer

    SHARED_STREAMS = True
except ImportError:  # Airflow 3.0-3.2: every trigger polls on its own
    SHARED_STREAMS = False
    SharedStreamProducer = object  # type: ignore[assignment,misc]
    AdvanceItem = Any  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

#: A quiet stream still saves its position this often (seconds), so a restart re-reads little.
CHECKPOINT_EVERY = 60.0
#: Airflow 3.0-3.2: seconds an event has been with the triggerer before a position covering it is saved.
HANDOVER_DELAY = 15.0


def account_of(base_url: str) -> str:
    """The account part of a change key, as in ``activecampaign://ACCOUNT/...`` asset URIs (never the key)."""
    return account_from_url(base_url)


class ActiveCampaignChangeTrigger(BaseEventTrigger):
    """One asset event per change of an ActiveCampaign resource (use behind an ``AssetWatcher``).

    :param resource: catalogue name of a listable resource (``contact``, ``deal``, ``dealTask``,
        ``note``, ``account``, ``calendar``, ``contactAutomation``...).
    :param watch: ``"created"``, ``"updated"`` (changed; a new record is a change too) or
        ``"deleted"`` (opt-in reconciliation of id sets every ``reconcile_interval`` seconds).
    :param filters: catalogue filter name -> value (the date filters are the stream's own).
    :param parent_id: the parent record of a sub-collection (the contact of ``contactAutomation``).
    :param poll_interval: seconds between two polls of the stream.
    :param settle: seconds a changed record may take to show up in the API (``updated``).
    :param reconcile_interval: seconds between two id-set comparisons (``watch="deleted"``).
    :param conn_id: the ActiveCampaign connection.

    Each event's payload (the asset event's ``extra["payload"]``): ``change_key``, ``account``,
    ``resource``, ``id``, ``watch``, ``stamp`` and ``record`` (without the API's ``links``; None above 4 KiB
    of JSON: read it by id).
    """

    def __init__(self, *, resource: str, watch: str = "updated", filters: Mapping[str, Any] | None = None,
                 parent_id: str | None = None, poll_interval: float = 30.0, settle: float = 60.0,
                 reconcile_interval: float = 3600.0, conn_id: str = DEFAULT_CONN_ID,
                 retries: int | None = None, retry_backoff: float = 0.5, request_timeout: float | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = ChangeStream(resource, watch, dict(filters or {}), parent_id, float(settle))
        self.resource = resource
        self.watch = watch
        self.filters = dict(self.stream.filters)
        self.parent_id = self.stream.parent_id
        self.poll_interval = float(poll_interval)
        self.settle = float(settle)
        self.reconcile_interval = float(reconcile_interval)
        self.conn_id = conn_id
        self.retries = retries
        self.retry_backoff = float(retry_backoff)
        self.request_timeout = request_timeout

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (f"{type(self).__module__}.{type(self).__qualname__}", {
            "resource": self.resource, "watch": self.watch, "filters": dict(self.filters),
            "parent_id": self.parent_id, "poll_interval": self.poll_interval, "settle": self.settle,
            "reconcile_interval": self.reconcile_interval, "conn_id": self.conn_id, "retries": self.retries,
            "retry_backoff": self.retry_backoff, "request_timeout": self.request_timeout})

    # Airflow 3.3+: one shared, acknowledged poll per stream -------------------------------

    def shared_stream_key(self) -> Hashable | None:
        if not SHARED_STREAMS:
            return None
        kwargs = self.serialize()[1]
        return ("activecampaign-changes", stream_variable(kwargs), self.poll_interval, self.settle,
                self.reconcile_interval)

    @classmethod
    def create_shared_stream_producer(cls, kwargs: dict[str, Any]) -> ChangeProducer:
        return ChangeProducer(cls(**kwargs))

    async def filter_shared_stream(self, shared_stream: AsyncIterator[Any]) -> AsyncIterator[TriggerEvent]:
        with lend(self.shared_stream_key(), self):  # the producer keeps the position in this trigger's assets
            async for raw in shared_stream:
                if isinstance(raw, Mapping) and raw.get("change_key"):
                    yield TriggerEvent(dict(raw))

    # Airflow 3.0-3.2: the trigger's own loop -------------------------------------------------

    async def run(self) -> AsyncIterator[TriggerEvent]:
        store = self.position_store()
        holder = Holder(store.key, None, self.poll_interval, stores=lambda: [VariableSlot()])
        try:
            async with self.hook() as hook:
                poller = ChangePoller(self, hook)
                position = await store.load()
                if position is None:  # a new stream starts at the present; saved at once (it covers no event)
                    position = await poller.start()
                    await store.save(position)
                handover, gave_way = Handover(store), False
                while True:
                    if await holder.other() is not None:  # the same trigger runs in another triggerer
                        gave_way = True
                        await asyncio.sleep(self.poll_interval)
                        continue
                    if gave_way:  # it stopped: from its saved position (ours is older)
                        position, handover, gave_way = await store.load() or position, Handover(store), False
                    await holder.claim()
                    await handover.save_due()
                    final, changed = position, False
                    async with aclosing(poller.poll(position)) as changes:
                        async for payload, after in changes:
                            if not await holder.holds():  # it stalled, or its poll outlasted its mark: no more
                                gave_way = True
                                break
                            if payload is not None:
                                yield TriggerEvent(payload)
                                handover.handed()
                                changed = True
                            final = after
                    position = final
                    handover.polled(position, changed)
                    await asyncio.sleep(self.poll_interval)
        finally:
            await holder.release()

    # shared -----------------------------------------------------------------------------------

    def position_store(self) -> PositionStore:
        """This watcher's own position Variable (3.0-3.2, or a trigger that watches no asset)."""
        kwargs = self.serialize()[1]
        return WatcherStore(stream_variable(kwargs), watcher_key(kwargs))

    def hook(self) -> ActiveCampaignAsyncHook:
        return ActiveCampaignAsyncHook(self.conn_id, retries=self.retries, timeout=self.request_timeout,
                                       retry_backoff=self.retry_backoff)


class Handover:
    """Airflow 3.0-3.2: positions wait until the events they cover have had time to be stored.

    Nothing tells a trigger there when its events are in the database; the triggerer writes
    them within a second or two, so a position is saved once its newest event was handed
    over :data:`HANDOVER_DELAY` seconds ago (and, at the earliest, at the next poll).
    """

    def __init__(self, store: PositionStore) -> None:
        self.store = store
        self.last_event = float("-inf")  # monotonic time the newest event was yielded
        self.waiting: deque[tuple[float, Position, bool]] = deque()  # (its newest event, position, new events)
        self.saved_at = time.monotonic()

    def handed(self) -> None:
        self.last_event = time.monotonic()

    def polled(self, position: Position, changed: bool) -> None:
        self.waiting.append((self.last_event, position, changed))

    async def save_due(self) -> None:
        """Save the newest position whose events are old enough (a quiet one every :data:`CHECKPOINT_EVERY` s)."""
        due, events = None, False
        now = time.monotonic()
        while self.waiting and now - self.waiting[0][0] >= HANDOVER_DELAY:
            _, due, changed = self.waiting.popleft()
            events = events or changed
        if due is not None and (events or now - self.saved_at >= CHECKPOINT_EVERY):
            await self.store.save(due)
            self.saved_at = now


class ChangePoller:
    """One poll of a trigger's stream: the events' payloads, each with the position after it."""

    def __init__(self, trigger: ActiveCampaignChangeTrigger, hook: ActiveCampaignAsyncHook) -> None:
        self.trigger = trigger
        self.stream = trigger.stream
        self.hook = hook
        self.account: str | None = None

    async def start(self) -> Position:
        if self.stream.how == "ids":
            from airflow_provider_activecampaign.triggers.change_deletes import start_ids

            return await start_ids(self.stream, self.hook)
        return await self.stream.start(self.hook)

    async def poll(self, position: Position) -> AsyncIterator[tuple[dict[str, Any] | None, Position]]:
        """``(payload, position after it)`` per change, then ``(None, the poll's final position)``."""
        if self.account is None:
            self.account = account_of((await self.hook.get_core()).settings.base_url)
        if self.stream.how == "ids":
            from airflow_provider_activecampaign.triggers.change_deletes import read_deletes

            reading = read_deletes(self.stream, self.hook, position, self.trigger.reconcile_interval)
        else:
            reading = self.stream.read(self.hook, position)
        async for change, after in reading:
            yield (None if change is None else self.payload(change)), after

    def payload(self, change: Change) -> dict[str, Any]:
        account = self.account or ""
        return {"change_key": change.key(account, self.stream.resource, self.stream.watch),
                "account": account, "resource": self.stream.resource, "id": change.id,
                "watch": self.stream.watch, "stamp": change.stamp,
                "record": None if change.record is None else dict(change.record)}


class ChangeProducer(SharedStreamProducer):  # type: ignore[misc,valid-type]
    """The shared poll of one stream in ack mode (Airflow 3.3+).

    Yields ``(payload, position after it)`` per change; after a poll with changes (or every
    :data:`CHECKPOINT_EVERY` seconds of quiet) a checkpoint ``({}, final position)`` that no
    subscriber turns into an event. :meth:`advance` saves the position of the last event of
    a batch that every subscriber resolved cleanly; an event some subscriber failed stops
    the stream, so the triggerer starts it again from the saved position (re-delivery).

    While as many of its events wait to be stored as Airflow confirms in time (:mod:`.change_pacing`),
    the stream reads no further: when Airflow stores events more slowly than
    the account changes, the stream falls behind (and catches up later) instead of piling
    up events until Airflow's ack timeout fails them and the stream starts again, or the
    triggerer, busy storing them, misses its heartbeats and Airflow hands the stream to
    another triggerer; either way they would all be delivered a second time.

    While another triggerer's producer of the same stream delivers it (Airflow runs a
    trigger in two triggerers for a while when a heartbeat is late), this one polls nothing,
    emits nothing and saves no position (not even for its own events stored late); it goes
    on from the stored position once that one stops (:mod:`.change_holder`).
    """

    def __init__(self, trigger: ActiveCampaignChangeTrigger) -> None:
        self.trigger = trigger
        key = stream_variable(trigger.serialize()[1])
        self.store = AssetPositions(key, trigger.shared_stream_key(), trigger.stream.how,
                                    legacy=trigger.position_store())
        self.holder = Holder(key, trigger.shared_stream_key(), trigger.poll_interval,
                             variable=watcher_key(trigger.serialize()[1]))  # no asset: by the position
        self.giving_way: bool | None = None  # None until the first poll's look at the holder mark
        self.polls = 0
        self.pacing = Pacing(key, confirmation_target())
        self._stored = asyncio.Event()
        self._hook: ActiveCampaignAsyncHook | None = None

    def _assets(self) -> int:
        """Assets watching the stream: each change is stored once for each."""
        return len(lent_accessors(self.trigger.shared_stream_key()))

    async def _room(self) -> None:
        """Wait until the stream has room for another event waiting to be stored.

        A wait long enough for another triggerer's producer to take the stream over leaves this
        one's mark due for a rewrite, so it reads the other's before it emits again (:meth:`_delivers`).
        """
        while self.pacing.full(self._assets()):
            self._stored.clear()
            await self._stored.wait()

    async def _start(self, poller: ChangePoller) -> Position:
        """Where the stream starts: its stored position, else the present (saved at once)."""
        position = await self.store.load()
        if position is None:
            position = await poller.start()
            await self.store.save(position)
        elif self.store.migrating:  # found only in the Variable of an earlier version: into the state store
            await self.store.save(position)
        return position

    async def _gives_way(self) -> bool:
        """True while another triggerer's producer delivers this stream (see :mod:`.change_holder`)."""
        other = await self.holder.other()
        if (other is not None) is not self.giving_way:
            told = f"pid {other.pid} on {other.host} delivers it, this triggerer waits" if other else \
                "this triggerer delivers it"
            log.info("Change stream %s: %s (producer %s)", self.store.key, told, self.holder.me.id[:8])
        self.giving_way = other is not None
        if not self.giving_way and not await self.holder.claim():  # another took it over since the read
            self.giving_way = True
        return self.giving_way

    async def _delivers(self) -> bool:
        """False once another copy delivers the stream (the mark is read when due for a rewrite)."""
        return not (self.giving_way or (self.holder.due() and await self._gives_way()))

    async def open_stream(self) -> AsyncIterator[tuple[Any, Any]]:
        self._hook = self.trigger.hook()
        poller = ChangePoller(self.trigger, self._hook)
        position = await self._start(poller)
        self._told("opened", position)
        saved_at, gave_way = time.monotonic(), False
        while True:
            if await self._gives_way():
                gave_way = True
                await asyncio.sleep(self.trigger.poll_interval)
                continue
            if gave_way:  # the other stopped: go on from what it confirmed stored, not from our old position
                position, gave_way = await self.store.load() or position, False
                self._told("goes on from the stored position", position)
            self.polls += 1
            final, changed = position, False
            async with aclosing(poller.poll(position)) as changes:
                async for payload, after in changes:
                    if payload is not None:
                        await self._room()
                    if not await self._delivers():  # it stalled, or its poll outlasted its mark: no more of it
                        gave_way = True
                        break
                    if payload is not None:
                        changed = True
                        self.pacing.emitted()
                        yield payload, after.to_json()
                    final = after
            position = final
            if not gave_way and (changed or time.monotonic() - saved_at >= CHECKPOINT_EVERY):
                saved_at = time.monotonic()
                await self._room()
                self.pacing.emitted(change=False)
                yield {}, position.to_json()
            await asyncio.sleep(self.trigger.poll_interval)

    def _told(self, what: str, position: Position) -> None:
        log.info("Change stream %s (producer %s): %s, last id %s, bound %s, %d seen", self.store.key,
                 self.holder.me.id[:8], what, position.last_id, position.bound, len(position.seen))

    async def advance(self, batch: Sequence[AdvanceItem]) -> None:
        self.pacing.confirmed(len(batch), self._assets())
        self._stored.set()
        clean = [item for item in batch if item.outcome.acked or item.outcome.failed or item.outcome.rejected]
        failed = [item for item in clean if item.outcome.failed]
        if failed:
            log.info("Change stream %s (producer %s): %d of %d events not stored (%s), restarting", self.store.key,
                     self.holder.me.id[:8], len(failed), len(batch), failed[0].outcome)
            raise RuntimeError(f"{len(failed)} change events of {self.store.key} were not stored; "
                               "the stream starts again from its saved position")
        if not await self._delivers():
            return  # another copy delivers the stream (it took over while this one stalled): its positions count
        if clean:
            position = Position.from_json(clean[-1].broker_payload)
            if position is not None:
                await self.store.save(position)
        if not await self.holder.claim():  # the mark stays fresh while events are stored
            self.giving_way = True  # unless another took the stream over meanwhile: no more polls of this one

    async def aclose(self) -> None:
        await self.holder.release()
        if self._hook is not None:
            await self._hook.aclose()
