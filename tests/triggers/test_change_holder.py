"""Two triggerers running one change stream (Airflow's high availability): one delivers, the other waits.

Two shared-stream producers of one stream stand for the two triggerers (as Airflow runs a
trigger in both while a heartbeat is late); fake state stores stand in for the triggerer's.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import pytest

from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger, change_holder
from airflow_provider_activecampaign.triggers import change as change_module
from airflow_provider_activecampaign.triggers.change_store import lend, watcher_key
from tests.triggers.test_change_store import FakeAsset, Watcher
from tests.triggers.test_change_watchers import until, variables  # noqa: F401 (variables: a fixture)

needs_shared = pytest.mark.skipif(not change_module.SHARED_STREAMS,
                                  reason="shared streams and the asset state store need Airflow 3.3+")


def trigger() -> ActiveCampaignChangeTrigger:
    return ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)


def deletes() -> ActiveCampaignChangeTrigger:
    """A ``deleted`` stream that reconciles at every poll."""
    return ActiveCampaignChangeTrigger(resource="deal", watch="deleted", poll_interval=0.05, reconcile_interval=0)


async def collect_deletes(into: list[str]) -> None:
    """Airflow 3.0-3.2's own loop of a deleted stream: the ids of its tombstones, into ``into``."""
    async for event in deletes().run():
        into.append(event.payload["id"])


class Triggerer:
    """One triggerer's producer of the stream: every event it emits, each acked when ``acking``."""

    def __init__(self, pid: int | None = None, make=trigger) -> None:
        self.producer = ActiveCampaignChangeTrigger.create_shared_stream_producer(make().serialize()[1])
        if pid is not None and hasattr(self.producer, "holder"):  # its mark names that process as its triggerer
            self.producer.holder.me.pid = pid
        self.emitted: list[str] = []
        self.acked: list[str] = []
        self.acking = True
        self.stalled = False  # it takes nothing more from its stream (a stalled triggerer) until False again
        self.late: list[tuple[dict, dict]] = []  # emitted while not acking: acked once it acks again
        self.task = asyncio.create_task(self._run())

    async def _ack(self, items: list[tuple[dict, dict]]) -> None:
        from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

        await self.producer.advance([AdvanceItem(position, AdvanceOutcome(acked=1, failed=0)) for _, position in items])
        self.acked += [payload["id"] for payload, _ in items if payload]

    async def _run(self) -> None:
        async for payload, position in self.producer.open_stream():
            if payload:
                self.emitted.append(payload["id"])
            while self.stalled:
                await asyncio.sleep(0.01)
            if self.acking:
                late, self.late = [*self.late, (payload, position)], []
                await self._ack(late)
            else:
                self.late.append((payload, position))

    async def stored(self) -> None:
        """Airflow confirms at last the events this producer emitted while not acking."""
        late, self.late = self.late, []
        await self._ack(late)

    async def kill(self) -> None:
        """Gone at once: no advance, no close (as a SIGKILL leaves it)."""
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)

    async def stop(self) -> None:
        await self.kill()
        await self.producer.aclose()


class Recording(FakeAsset):
    """An asset's state store that keeps every position written to it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.writes: list[dict] = []

    async def aset(self, key: str, value) -> None:
        await super().aset(key, value)
        if not key.endswith("__holder"):
            self.writes.append(dict(value))


def deal(emulator, title: str) -> str:
    return str(emulator.insert("deals", title=title, value=1, currency="usd")["id"])


@needs_shared
def test_a_second_triggerer_started_after_the_first_advanced_emits_nothing_already_delivered(emulator):
    asset = FakeAsset("deals")

    async def scenario() -> tuple[list[str], list[str], list[str], int]:
        with lend(trigger().shared_stream_key(), Watcher(asset)):
            first = Triggerer()
            await until(lambda: first.producer.store.key in asset.values)
            made = [deal(emulator, "d1")]
            await until(lambda: first.acked == made)
            second = Triggerer()  # Airflow runs the trigger in the other triggerer too
            await asyncio.sleep(0.3)
            made += [deal(emulator, f"d{n}") for n in (2, 3)]
            await until(lambda: first.acked == made)
            await asyncio.sleep(0.5)  # ten polls of the second
            polls = second.producer.polls
            assert second.emitted == []  # before: ['2', '3'], delivered a second time
            await first.stop()  # Airflow cancels it in the first triggerer: the second goes on at once
            made.append(deal(emulator, "d4"))
            await until(lambda: second.acked == made[-1:], timeout=5)
            await second.stop()
        return made, first.emitted, second.emitted, polls

    made, first, second, polls = asyncio.run(scenario())
    assert first == made[:-1]
    assert second == made[-1:]  # nothing the first delivered
    assert polls == 0  # and it did not read the API while the first delivered


@needs_shared
def test_after_the_delivering_triggerer_is_killed_the_other_redelivers_exactly_what_was_not_confirmed(emulator):
    asset = FakeAsset("deals")
    other_process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])

    async def scenario() -> tuple[list[str], list[str], list[str], float]:
        with lend(trigger().shared_stream_key(), Watcher(asset)):
            first = Triggerer(pid=other_process.pid)  # as if in another triggerer process of this host
            await until(lambda: first.producer.store.key in asset.values)
            confirmed = [deal(emulator, f"d{n}") for n in (1, 2)]
            await until(lambda: first.acked == confirmed)
            second = Triggerer()
            await asyncio.sleep(0.3)
            confirmed.append(deal(emulator, "d3"))  # while both run: the first delivers it
            await until(lambda: first.acked == confirmed)
            await asyncio.sleep(0.3)
            first.acking = False  # its next event is emitted but never confirmed stored
            unconfirmed = deal(emulator, "d4")
            await until(lambda: first.emitted[-1:] == [unconfirmed])
            other_process.kill()
            other_process.wait()
            await first.kill()
            killed = time.monotonic()
            after = deal(emulator, "d5")
            await until(lambda: after in second.acked)
            took = time.monotonic() - killed
            await second.stop()
        return confirmed, [unconfirmed, after], second.emitted, took

    confirmed, wanted, second, took = asyncio.run(scenario())
    assert second == wanted  # d4 again (the same change), d5; not d1-d3 (before: d3 too)
    assert not set(confirmed) & set(second)
    assert took < 5  # a killed triggerer's mark stops counting at once on its host


def test_a_producer_gives_way_only_to_the_fresh_mark_of_a_live_producer_of_all_its_assets():
    from airflow_provider_activecampaign.triggers import change_holder
    from airflow_provider_activecampaign.triggers.change_holder import Holder, Mark, hold_for

    me = Holder("key", "shared", 5.0)
    now = time.time()
    older = Mark(id="other", since=me.me.since - 10, at=now, assets=["a", "b"])
    change_holder._OPEN.add("other")
    try:
        assert me.gives_way_to(older, ["a", "b"])
        assert not me.gives_way_to(older, ["a", "b", "c"])  # "c" would get nothing: deliver
        assert me.gives_way_to(Mark(id="other", since=me.me.since + 1, at=now, assets=["a"]), ["a"])  # the mark wins
        assert not me.gives_way_to(Mark(id="other", since=older.since, at=now - hold_for(5.0) - 1, assets=["a"]),
                                   ["a"])  # not written for too long
        assert not me.gives_way_to(Mark(id=me.me.id, since=0, at=now, assets=["a"]), ["a"])  # its own
        assert not me.gives_way_to(None, ["a"])
    finally:
        change_holder._OPEN.discard("other")
    assert not me.gives_way_to(older, ["a"])  # closed in this process
    far = Mark(id="far", host="another-host", pid=1, since=older.since, at=now, assets=["a"])
    assert me.gives_way_to(far, ["a"])  # another host: counted alive until hold_for() passes
    assert Mark.from_json({"id": "x"}) is None and Mark.from_json(None) is None
    assert hold_for(1.0) == 30.0 and hold_for(60.0) == 240.0


def test_airflow_3_0_loops_of_one_trigger_in_two_triggerers_deliver_each_change_once(emulator, variables):  # noqa: F811
    """Airflow 3.0-3.2: the trigger's own loop; the mark in a Variable next to the watcher's position."""
    async def collect(into: list[str]) -> None:
        async for event in trigger().run():
            into.append(event.payload["id"])

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        first, second = [], []
        first_loop = asyncio.create_task(collect(first))
        await until(lambda: watcher_key(trigger().serialize()[1]) in variables)
        made = [deal(emulator, "d1")]
        await until(lambda: first == made)
        second_loop = asyncio.create_task(collect(second))  # the same trigger, in the other triggerer
        await asyncio.sleep(0.5)
        made += [deal(emulator, f"d{n}") for n in (2, 3)]
        await until(lambda: first == made)
        await asyncio.sleep(1.0)  # the first saved its position past them (HANDOVER_DELAY: 0.2 s)
        assert second == []  # before: ['2', '3']
        first_loop.cancel()  # Airflow cancels it in the first triggerer
        await asyncio.gather(first_loop, return_exceptions=True)
        made.append(deal(emulator, "d4"))
        await until(lambda: made[-1] in second, timeout=5)
        second_loop.cancel()
        await asyncio.gather(second_loop, return_exceptions=True)
        return made, first, second

    made, first, second = asyncio.run(scenario())
    assert first == made[:-1] and second == made[-1:]


def test_a_stopping_producer_does_not_wait_on_a_state_store_that_no_longer_answers():
    """A triggerer shutting down stops answering state-store calls; clearing the mark must not hold up its exit."""
    from airflow_provider_activecampaign.triggers.change_holder import Holder

    class Silent:  # the state store of a triggerer that is shutting down: calls never return
        name = "deals"

        async def aget(self, key: str, default=None):
            await asyncio.sleep(3600)

        async def aset(self, key: str, value) -> None:
            await asyncio.sleep(3600)

    async def scenario() -> float:
        holder = Holder("activecampaign_changes__deal_created__x", None, 1.0, stores=lambda: [Silent()])
        holder.marked = {holder.key: Silent()}  # it had written its mark
        started = time.monotonic()
        await asyncio.wait_for(holder.release(), timeout=10)  # the old code waited here until this timeout
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 5


@needs_shared
def test_a_trigger_outside_an_asset_watcher_in_two_triggerers_delivers_each_change_once(emulator, variables):  # noqa: F811
    """Airflow 3.3, no asset (no state store): the position and the mark are in Variables."""
    async def scenario() -> tuple[list[str], list[str], list[str], int]:
        first = Triggerer()  # no trigger lends a state store
        await until(lambda: watcher_key(trigger().serialize()[1]) in variables)
        made = [deal(emulator, "d1")]
        await until(lambda: first.acked == made)
        second = Triggerer()
        await asyncio.sleep(0.3)
        made += [deal(emulator, f"d{n}") for n in (2, 3)]
        await until(lambda: first.acked == made)
        await asyncio.sleep(0.5)
        polls = second.producer.polls
        assert second.emitted == []  # before: ['2', '3'], delivered a second time
        assert json.loads(variables[f"{watcher_key(trigger().serialize()[1])}__holder"])["at"] > 0  # by the position
        await first.stop()
        made.append(deal(emulator, "d4"))
        await until(lambda: second.acked == made[-1:], timeout=5)
        await second.stop()
        return made, first.emitted, second.emitted, polls

    made, first, second, polls = asyncio.run(scenario())
    assert first == made[:-1] and second == made[-1:] and polls == 0


@needs_shared
def test_two_triggerers_of_a_deleted_stream_reconcile_and_tombstone_once(emulator):
    """``watch="deleted"``: the waiting copy reads no id set and emits no tombstone."""
    asset = FakeAsset("deals")
    ids = [deal(emulator, f"d{n}") for n in range(5)]

    async def scenario() -> tuple[list[str], list[str], int]:
        with lend(deletes().shared_stream_key(), Watcher(asset)):
            first = Triggerer(make=deletes)
            await until(lambda: first.producer.store.key in asset.values)
            emulator.delete("deals", ids[0])
            await until(lambda: first.acked == ids[:1])
            second = Triggerer(make=deletes)
            await asyncio.sleep(0.3)
            for gone in ids[1:3]:
                emulator.delete("deals", gone)
            await until(lambda: first.acked == ids[:3])
            await asyncio.sleep(0.5)
            polls = second.producer.polls
            assert second.emitted == []  # with no holder check: ['1', '2'], tombstones twice
            await first.stop()
            emulator.delete("deals", ids[3])
            await until(lambda: second.acked == ids[3:4], timeout=5)
            await second.stop()
        return first.emitted, second.emitted, polls

    first, second, polls = asyncio.run(scenario())
    assert first == ids[:3] and second == ids[3:4] and polls == 0


def test_airflow_3_0_loops_of_a_deleted_stream_in_two_triggerers_tombstone_each_delete_once(emulator, variables):  # noqa: F811
    """Airflow 3.0-3.2's own loop, ``watch="deleted"``: one copy reconciles, the other waits."""
    ids = [deal(emulator, f"d{n}") for n in range(5)]

    async def scenario() -> tuple[list[str], list[str]]:
        first, second = [], []
        first_loop = asyncio.create_task(collect_deletes(first))
        await until(lambda: watcher_key(deletes().serialize()[1]) in variables)
        emulator.delete("deals", ids[0])
        await until(lambda: first == ids[:1])
        second_loop = asyncio.create_task(collect_deletes(second))
        await asyncio.sleep(0.5)
        for gone in ids[1:3]:
            emulator.delete("deals", gone)
        await until(lambda: first == ids[:3])
        await asyncio.sleep(1.0)  # the first saved its position past them (HANDOVER_DELAY: 0.2 s)
        assert second == []  # with no holder check: the tombstones of d1 and d2 again
        first_loop.cancel()
        await asyncio.gather(first_loop, return_exceptions=True)
        emulator.delete("deals", ids[3])
        await until(lambda: ids[3] in second, timeout=5)
        second_loop.cancel()
        await asyncio.gather(second_loop, return_exceptions=True)
        return first, second

    first, second = asyncio.run(scenario())
    assert first == ids[:3] and second == ids[3:4]


async def delivering_then_another(emulator, asset) -> tuple[Triggerer, Triggerer, list[str]]:
    """A triggerer delivering the stream (it delivered d1), and another started after it, waiting."""
    first = Triggerer()
    await until(lambda: first.producer.store.key in asset.values)
    made = [deal(emulator, "d1")]
    await until(lambda: first.acked == made)
    second = Triggerer()
    await asyncio.sleep(0.3)
    return first, second, made


@needs_shared
def test_a_stalled_delivering_triggerer_that_wakes_up_neither_takes_the_stream_back_nor_moves_its_position_back(
        emulator, monkeypatch):
    """Its late acknowledgements arrive after another took over: they rewrite neither the mark nor the position."""
    monkeypatch.setattr(change_holder, "HOLD_FOR", 1.0)  # a stalled holder's mark stops counting after 1 s
    asset = Recording("deals")

    async def scenario() -> tuple[list[str], list[str], list[str], dict, list[dict]]:
        with lend(trigger().shared_stream_key(), Watcher(asset)):
            first, second, made = await delivering_then_another(emulator, asset)
            first.acking, first.stalled = False, True  # it emits d2, then its triggerer stalls, d2 unconfirmed
            made.append(deal(emulator, "d2"))
            await until(lambda: first.emitted[-1:] == made[-1:])
            await until(lambda: second.acked == made[-1:])  # its mark went stale: the second took over, d2 again
            made.append(deal(emulator, "d3"))
            await until(lambda: second.acked == made[-2:])
            stored, written = dict(asset.values[first.producer.store.key]), len(asset.writes)
            first.acking, first.stalled = True, False  # it wakes up: d2 is acked late
            await until(lambda: made[1] in first.acked)
            await asyncio.sleep(0.5)
            made.append(deal(emulator, "d4"))
            await until(lambda: made[-1] in second.acked + first.acked, timeout=5)
            await asyncio.sleep(0.3)
            await first.stop()
            await second.stop()
        return made, first.emitted, second.emitted, stored, asset.writes[written:]

    made, first, second, stored, since_wake = asyncio.run(scenario())
    assert all(p["last_id"] >= stored["last_id"] for p in since_wake)  # before: back to the first's, after d1
    assert first == made[:2]  # before: d3 again and d4 (it took the stream back from its old position)
    assert second == made[1:]


@needs_shared
def test_a_delivering_triggerer_stalled_mid_poll_emits_no_more_of_that_poll_once_another_took_over(
        emulator, monkeypatch):
    monkeypatch.setattr(change_holder, "HOLD_FOR", 1.0)
    asset = FakeAsset("deals")

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        with lend(trigger().shared_stream_key(), Watcher(asset)):
            first, second, made = await delivering_then_another(emulator, asset)
            first.acking, first.stalled = False, True  # it stalls after its next event
            with emulator._store.lock:  # d2 and d3 in one poll of the first
                made += [deal(emulator, "d2"), deal(emulator, "d3")]
            await until(lambda: first.emitted[-1:] == made[1:2])
            await until(lambda: second.acked == made[1:])  # took over: d2 again (unconfirmed), d3
            first.stalled = False  # it wakes up in the middle of its poll
            await asyncio.sleep(0.5)
            first.acking = True
            made.append(deal(emulator, "d4"))
            await until(lambda: made[-1] in second.acked + first.acked, timeout=5)
            await asyncio.sleep(0.3)
            await first.stop()
            await second.stop()
        return made, first.emitted, second.emitted

    made, first, second = asyncio.run(scenario())
    assert first == made[:2]  # before: d3 too, the rest of the poll it was in
    assert second == made[1:]


def test_an_airflow_3_0_loop_stalled_mid_poll_emits_no_more_of_that_poll_once_another_took_over(
        emulator, variables, monkeypatch):  # noqa: F811
    monkeypatch.setattr(change_holder, "HOLD_FOR", 1.0)
    stalled = [False]

    async def collect(into: list[str], stalls: bool) -> None:
        async for event in trigger().run():
            into.append(event.payload["id"])
            while stalls and stalled[0]:
                await asyncio.sleep(0.01)

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        first, second = [], []
        first_loop = asyncio.create_task(collect(first, True))
        await until(lambda: watcher_key(trigger().serialize()[1]) in variables)
        made = [deal(emulator, "d1")]
        await until(lambda: first == made)
        second_loop = asyncio.create_task(collect(second, False))
        await asyncio.sleep(0.5)  # the first saved its position past d1 (HANDOVER_DELAY: 0.2 s)
        stalled[0] = True
        with emulator._store.lock:  # d2 and d3 in one poll of the first
            made += [deal(emulator, "d2"), deal(emulator, "d3")]
        await until(lambda: first == made[:2])
        await until(lambda: second == made[1:])  # took over: d2 again, d3
        stalled[0] = False  # it wakes up in the middle of its poll
        await asyncio.sleep(0.5)
        made.append(deal(emulator, "d4"))
        await until(lambda: made[-1] in second + first, timeout=5)
        await asyncio.sleep(0.3)
        for loop in (first_loop, second_loop):
            loop.cancel()
        await asyncio.gather(first_loop, second_loop, return_exceptions=True)
        return made, first, second

    made, first, second = asyncio.run(scenario())
    assert first == made[:2]  # before: d3 too, the rest of the poll it was in
    assert second == made[1:]


def slow_pages(emulator, monkeypatch) -> list[str]:
    """950 deals (10 pages) read at about 0.3 s a request: a reconciliation (3 s) outlasts a 2 s mark."""
    monkeypatch.setattr(change_holder, "HOLD_FOR", 2.0)
    ids = [deal(emulator, f"d{n}") for n in range(950)]
    emulator.latency = (0.25, 0.3)
    return ids


@needs_shared
def test_a_poll_longer_than_the_mark_lasts_keeps_the_other_triggerer_waiting(emulator, monkeypatch):
    """A reconciliation of a large collection outlasts ``hold_for``: the mark is rewritten as its pages are read."""
    asset = FakeAsset("deals")
    ids = slow_pages(emulator, monkeypatch)

    async def scenario() -> tuple[list[str], list[str], int]:
        with lend(deletes().shared_stream_key(), Watcher(asset)):
            first = Triggerer(make=deletes)
            await until(lambda: f"{first.producer.store.key}__holder" in asset.values)
            second = Triggerer(make=deletes)
            for gone in ids[100:102]:
                emulator.delete("deals", gone)
            await until(lambda: first.acked == ids[100:102], timeout=30)
            await asyncio.sleep(4.0)  # more reconciliations
            await first.stop()
            await second.stop()
            return first.emitted, second.emitted, second.producer.polls

    first, second, polls = asyncio.run(scenario())
    assert first == ids[100:102]
    assert second == [] and polls == 0  # before: it took over in the middle of each long poll


def test_an_airflow_3_0_loop_whose_poll_is_longer_than_the_mark_lasts_keeps_the_other_waiting(
        emulator, variables, monkeypatch):  # noqa: F811
    ids = slow_pages(emulator, monkeypatch)

    async def scenario() -> tuple[list[str], list[str]]:
        first, second = [], []
        first_loop = asyncio.create_task(collect_deletes(first))
        await until(lambda: f"{watcher_key(deletes().serialize()[1])}__holder" in variables)
        second_loop = asyncio.create_task(collect_deletes(second))
        for gone in ids[100:102]:
            emulator.delete("deals", gone)
        await until(lambda: first == ids[100:102], timeout=30)
        await asyncio.sleep(4.0)
        for loop in (first_loop, second_loop):
            loop.cancel()
        await asyncio.gather(first_loop, second_loop, return_exceptions=True)
        return first, second

    first, second = asyncio.run(scenario())
    assert first == ids[100:102]
    assert second == []  # before: the same tombstones again


@needs_shared
def test_a_producer_that_waited_long_for_storage_stops_once_another_took_the_stream_over(emulator, monkeypatch):
    """Its triggerer busy storing its events, its mark went stale and the other took over: it emits no more."""
    from airflow_provider_activecampaign.triggers import change_holder, change_pacing

    monkeypatch.setattr(change_pacing, "MAX_UNSTORED", 2)
    monkeypatch.setattr(change_holder, "HOLD_FOR", 0.6)
    asset = FakeAsset("deals")

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        with lend(trigger().shared_stream_key(), Watcher(asset)):
            first = Triggerer()
            first.acking = False  # its triggerer stores nothing for a while
            await until(lambda: first.producer.store.key in asset.values)
            made = [deal(emulator, f"d{n}") for n in range(4)]
            await until(lambda: first.emitted == made[:2])  # then it waits for them to be stored
            second = Triggerer()  # Airflow hands the trigger to the other triggerer
            await until(lambda: second.acked == made)  # the first's mark went stale: the second delivers
            await first.stored()  # the first's triggerer stores its two events at last
            await asyncio.sleep(0.5)  # ten polls
            made.append(deal(emulator, "d4"))
            await asyncio.sleep(1.0)  # twenty polls
            await second.stop()
            await first.stop()
            return first.emitted, second.emitted, made

    first, second, made = asyncio.run(scenario())
    assert first == made[:2]  # old code: its mark back over the other's, it went on with d2, d3 and d4
    assert second == made  # old code: d4 missing, it gave way to the first again
