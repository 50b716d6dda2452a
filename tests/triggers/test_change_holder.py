"""Two triggerers running one change stream (Airflow's high availability): one delivers, the other waits.

Two shared-stream producers of one stream stand for the two triggerers (as Airflow runs a
trigger in both while a heartbeat is late); fake state stores stand in for the triggerer's.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger
from airflow_provider_activecampaign.triggers import change as change_module
from airflow_provider_activecampaign.triggers.change_store import lend, watcher_key
from tests.triggers.test_change_store import FakeAsset, Watcher
from tests.triggers.test_change_watchers import until, variables  # noqa: F401 (variables: a fixture)

needs_shared = pytest.mark.skipif(not change_module.SHARED_STREAMS,
                                  reason="shared streams and the asset state store need Airflow 3.3+")


def trigger() -> ActiveCampaignChangeTrigger:
    return ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)


class Triggerer:
    """One triggerer's producer of the stream: every event it emits, each acked when ``acking``."""

    def __init__(self, pid: int | None = None) -> None:
        self.producer = ActiveCampaignChangeTrigger.create_shared_stream_producer(trigger().serialize()[1])
        if pid is not None and hasattr(self.producer, "holder"):  # its mark names that process as its triggerer
            self.producer.holder.me.pid = pid
        self.emitted: list[str] = []
        self.acked: list[str] = []
        self.unacked: list[object] = []  # positions of the events emitted while not acking
        self.acking = True
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

        async for payload, position in self.producer.open_stream():
            if payload:
                self.emitted.append(payload["id"])
            if self.acking:
                await self.producer.advance([AdvanceItem(position, AdvanceOutcome(acked=1, failed=0))])
                self.acked += [payload["id"]] if payload else []
            else:
                self.unacked.append(position)

    async def stored(self) -> None:
        """Airflow confirms at last the events this producer emitted while not acking."""
        from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

        batch, self.unacked = self.unacked, []
        await self.producer.advance([AdvanceItem(p, AdvanceOutcome(acked=1, failed=0)) for p in batch])

    async def kill(self) -> None:
        """Gone at once: no advance, no close (as a SIGKILL leaves it)."""
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)

    async def stop(self) -> None:
        await self.kill()
        await self.producer.aclose()


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
        holder.marked = Silent()  # it had written its mark
        started = time.monotonic()
        await asyncio.wait_for(holder.release(), timeout=10)  # the old code waited here until this timeout
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 5


@needs_shared
def test_a_producer_that_waited_long_for_storage_stops_once_another_took_the_stream_over(emulator, monkeypatch):
    """Its triggerer busy storing its events, its mark went stale and the other took over: it emits no more."""
    from airflow_provider_activecampaign.triggers import change_holder

    monkeypatch.setattr(change_module, "MAX_UNSTORED", 2)
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
