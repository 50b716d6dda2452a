"""Several watchers of one change stream with other trigger arguments: none moves another's position.

On Airflow 3.0-3.2 each trigger runs its own loop and keeps its position in a Variable of its
own (stream key plus a digest of its arguments), listed in the stream's Variable; on 3.3+ the
positions live in each watcher's assets' state stores. Variables are a dict here.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger
from airflow_provider_activecampaign.triggers import change as change_module
from airflow_provider_activecampaign.triggers.change_store import WatcherStore, lend, stream_key, watcher_key
from airflow_provider_activecampaign.triggers.change_stream import Position
from tests.triggers.test_change_store import FakeAsset, Watcher


class Variables:
    """Airflow's Variable API over a dict (what the triggerer reaches through the Task SDK)."""

    values: dict[str, str] = {}

    @classmethod
    def get(cls, key, default=None):
        return cls.values.get(key, default)

    @classmethod
    def set(cls, key, value, description=None):
        cls.values[key] = value

    @classmethod
    def delete(cls, key):
        cls.values.pop(key, None)


@pytest.fixture
def variables(monkeypatch):
    import airflow.providers.common.compat.sdk as sdk

    Variables.values = {}
    monkeypatch.setattr(sdk, "Variable", Variables, raising=False)
    monkeypatch.setattr(change_module, "HANDOVER_DELAY", 0.2)
    return Variables.values


def deal(emulator, title: str) -> str:
    return str(emulator.insert("deals", title=title, value=1, currency="usd")["id"])


async def events_until(events, wanted: str, timeout: float = 15.0) -> list[str]:
    """The ids of an event generator's events up to ``wanted``."""
    got: list[str] = []
    while wanted not in got:
        got.append((await asyncio.wait_for(anext(events), timeout)).payload["id"])
    return got


async def until(check, timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never happened")


def test_two_watchers_with_other_arguments_each_get_every_change(emulator, variables):
    """One stopped while the other saves positions past changes it has not delivered yet:
    restarted, it still gets them (with one Variable per stream it skipped them)."""
    fast = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    slow = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.1)
    own = watcher_key(fast.serialize()[1])

    async def collect(trigger, into: list[str]) -> None:
        async for event in trigger.run():
            into.append(event.payload["id"])

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        seen: list[str] = []
        fast_loop, slow_loop = asyncio.create_task(collect(fast, seen)), asyncio.create_task(collect(slow, []))
        await until(lambda: variables)
        await asyncio.sleep(0.5)  # both started, at the present
        slow_loop.cancel()  # the slow watcher's triggerer stops (a handover)
        await asyncio.gather(slow_loop, return_exceptions=True)
        made = [deal(emulator, f"d{n}") for n in range(3)]
        await until(lambda: made[-1] in seen)
        await asyncio.sleep(1.0)  # the fast watcher saved a position past them (HANDOVER_DELAY: 0.2 s)
        slow_events = slow.run()  # restarted: from its own position
        later = deal(emulator, "later")
        got = await events_until(slow_events, later)
        await slow_events.aclose()
        fast_loop.cancel()
        await asyncio.gather(fast_loop, return_exceptions=True)
        return [*made, later], seen, got

    made, seen, got = asyncio.run(scenario())
    assert seen[:3] == made[:3]  # (and "later", when it polled before it stopped)
    assert got == made
    assert json.loads(variables[own])["last_id"] >= int(made[2])
    keys = json.loads(variables[stream_key(fast.serialize()[1])])["watchers"]
    assert sorted(keys) == sorted([own, watcher_key(slow.serialize()[1])])  # the index, for reset and replay


def test_the_one_variable_per_stream_of_earlier_versions_is_where_watchers_start(variables):
    kwargs = ActiveCampaignChangeTrigger(resource="deal", watch="created").serialize()[1]
    other = {**kwargs, "poll_interval": 5.0}
    stream = stream_key(kwargs)
    variables[stream] = json.dumps(Position(last_id=7).to_json())
    first, second = WatcherStore(stream, watcher_key(kwargs)), WatcherStore(stream, watcher_key(other))

    async def scenario() -> None:
        assert (await first.load()).last_id == 7
        await first.save(Position(last_id=9))
        assert (await second.load()).last_id == 7  # not 9: the other watcher's position is its own
        await second.save(Position(last_id=8))
        assert (await first.load()).last_id == 9 and (await second.load()).last_id == 8
        await first.delete()  # moved to the state store (Airflow 3.3+): only the other is left
        assert json.loads(variables[stream])["watchers"] == [second.key]
        await second.load()
        await second.delete()

    asyncio.run(scenario())
    assert variables == {}
    assert len(watcher_key(kwargs)) < 250 and watcher_key(kwargs) != watcher_key(other)


@pytest.mark.skipif(not change_module.SHARED_STREAMS, reason="shared streams and the state store need Airflow 3.3+")
def test_two_streams_with_other_arguments_lose_nothing_through_their_state_stores(emulator, variables):
    """Airflow 3.3+: two watchers of one stream with other arguments are two shared streams, each
    with its position in its own assets' state stores; one stopped and restarted misses nothing."""
    from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

    fast = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    slow = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.1)
    assert fast.shared_stream_key() != slow.shared_stream_key()
    assets = {"fast": FakeAsset("fast"), "slow": FakeAsset("slow")}
    key = stream_key(fast.serialize()[1])

    async def read(trigger, asset, wanted: str | None) -> list[str]:
        """One producer's stream up to ``wanted`` (its start only when None), every item acked."""
        with lend(trigger.shared_stream_key(), Watcher(asset)):
            producer = ActiveCampaignChangeTrigger.create_shared_stream_producer(trigger.serialize()[1])
            stream, got = producer.open_stream(), []
            try:
                while wanted is None or wanted not in got:
                    item = asyncio.create_task(anext(stream))
                    if wanted is None:
                        await until(lambda: key in asset.values)
                        item.cancel()
                        await asyncio.gather(item, return_exceptions=True)
                        break
                    payload, position = await asyncio.wait_for(item, 15)
                    await producer.advance([AdvanceItem(position, AdvanceOutcome(acked=1, failed=0))])
                    got += [payload["id"]] if payload else []
            finally:
                await stream.aclose()
                await producer.aclose()
        return got

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        await read(slow, assets["slow"], None)  # started at the present, then stopped
        await read(fast, assets["fast"], None)
        made = [deal(emulator, f"d{n}") for n in range(3)]
        seen = await read(fast, assets["fast"], made[-1])
        got = await read(slow, assets["slow"], made[-1])
        return made, seen, got

    made, seen, got = asyncio.run(scenario())
    assert seen == made and got == made
    assert not [k for k in variables if k.startswith("activecampaign_changes__")]  # no Variable on 3.3+
