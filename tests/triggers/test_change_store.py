"""Where a change stream's position lives: the asset state store (Airflow 3.3+) or a Variable (3.0-3.2).

Fake state stores stand in for the triggerer's here; the real one, across a SIGKILLed
triggerer, is in test_change_triggerer.py.
"""

from __future__ import annotations

import asyncio

import pytest

from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger, change_store
from airflow_provider_activecampaign.triggers import change as change_module
from airflow_provider_activecampaign.triggers.change_store import AssetPositions, accessors, lend, lent_accessors
from airflow_provider_activecampaign.triggers.change_stream import Position, earliest

KEY = "activecampaign_changes__deal_created__0123456789abcdef"


class FakeAsset:
    """One asset's state store accessor (``aget``/``aset`` as Airflow 3.3's)."""

    def __init__(self, name: str, value: dict | None = None, broken: bool = False) -> None:
        self.name, self.values, self.broken = name, ({KEY: value} if value else {}), broken

    async def aget(self, key: str, default=None):
        return self.values.get(key, default)

    async def aset(self, key: str, value) -> None:
        if self.broken:
            raise RuntimeError("Asset with name not found")
        self.values[key] = value


class FakeVariable:
    def __init__(self, value: Position | None = None) -> None:
        self.value, self.saves, self.deleted = value, 0, False

    async def load(self):
        return self.value

    async def save(self, position) -> None:
        self.value, self.saves = position, self.saves + 1

    async def delete(self) -> None:
        self.value, self.deleted = None, True


class Watcher:
    """A trigger as the triggerer hands it its watched assets' state store."""

    def __init__(self, *assets: FakeAsset) -> None:
        self.asset_state_store = assets[0] if len(assets) == 1 else Many(assets)


class Many:
    def __init__(self, assets) -> None:
        self._by_name = {a.name: a for a in assets}
        self._by_uri: dict = {}


def run(coro):
    return asyncio.run(coro)


async def until_saved(asset: FakeAsset, key: str, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if key in asset.values:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key} never saved in {asset.name}")


def test_earliest_is_the_position_that_covers_least():
    assert earliest([Position(last_id=9), Position(last_id=4)], "tail").last_id == 4
    assert earliest([Position(bound="2026-01-02T00:00:00+00:00"), Position(bound="2026-01-01T23:00:00-02:00")],
                    "dated").bound == "2026-01-02T00:00:00+00:00"  # 01:00 UTC the next day is later
    old = Position(extra={"ids": [[1, 3]], "as_of": "2026-01-01T00:00:00+00:00"})
    assert earliest([Position(extra={"ids": [], "as_of": "2026-01-02T00:00:00+00:00"}), old], "ids") is old
    assert earliest([], "tail") is None


def test_a_stream_reads_the_earliest_stored_position_and_ignores_an_asset_with_none():
    ahead, behind, new = FakeAsset("a", {"last_id": 9}), FakeAsset("b", {"last_id": 4}), FakeAsset("c")
    variable = FakeVariable(Position(last_id=1))
    with lend("stream", Watcher(ahead, behind)), lend("stream", Watcher(new)):
        store = AssetPositions(KEY, "stream", "tail", legacy=variable)
        assert run(store.load()).last_id == 4  # nothing lost for "b"; "a" may see 5-9 again (same keys)
        assert not store.migrating
        run(store.save(Position(last_id=12)))
    assert [a.values[KEY]["last_id"] for a in (ahead, behind, new)] == [12, 12, 12]
    assert variable.saves == 0 and not variable.deleted
    assert lent_accessors("stream") == []  # given back when the triggers stop reading


def test_a_position_only_in_the_variable_moves_to_the_state_store_once():
    asset, variable = FakeAsset("a"), FakeVariable(Position(last_id=7))
    with lend("stream", Watcher(asset)):
        store = AssetPositions(KEY, "stream", "tail", legacy=variable)
        assert run(store.load()).last_id == 7 and store.migrating
        run(store.save(Position(last_id=7)))
        assert asset.values[KEY]["last_id"] == 7 and variable.deleted and not store.migrating
        assert run(store.load()).last_id == 7  # from the state store now


def test_a_removed_asset_does_not_stop_the_stream_but_no_store_at_all_does():
    kept, gone = FakeAsset("a"), FakeAsset("b", broken=True)
    with lend("stream", Watcher(kept, gone)):
        run(AssetPositions(KEY, "stream", "tail", legacy=FakeVariable()).save(Position(last_id=3)))
        assert kept.values[KEY]["last_id"] == 3
    with lend("stream", Watcher(FakeAsset("b", broken=True))), pytest.raises(RuntimeError, match="none of"):
        run(AssetPositions(KEY, "stream", "tail", legacy=FakeVariable()).save(Position(last_id=3)))


def test_without_a_lent_store_the_variable_keeps_the_position():
    variable = FakeVariable()
    store = AssetPositions(KEY, "nobody", "tail", legacy=variable)
    run(store.save(Position(last_id=2)))
    assert variable.value.last_id == 2 and run(store.load()).last_id == 2


@pytest.mark.skipif(not change_module.SHARED_STREAMS, reason="the asset state store needs Airflow 3.3+")
def test_the_assets_of_airflows_state_store_accessors_are_listed():
    from airflow.sdk import Asset
    from airflow.sdk.execution_time.context import AssetStateStoreAccessor, AssetStateStoreAccessors

    store = AssetStateStoreAccessors(inlets=[Asset(name="deals", uri="activecampaign://acct/deals"),
                                             Asset(name="more", uri="activecampaign://acct/more")])
    found = accessors(store)
    assert found == [AssetStateStoreAccessor(name="deals"), AssetStateStoreAccessor(name="more")]


@pytest.mark.skipif(not change_module.SHARED_STREAMS, reason="shared streams with ack mode need Airflow 3.3+")
def test_the_producer_keeps_the_position_in_the_subscribers_asset_state_stores(emulator, monkeypatch):
    from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

    variable = FakeVariable()
    monkeypatch.setattr(change_module, "WatcherStore", lambda *keys: variable)
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    asset = FakeAsset("deals")
    trig.asset_state_store = asset
    producer = ActiveCampaignChangeTrigger.create_shared_stream_producer(trig.serialize()[1])

    async def scenario():
        with lend(trig.shared_stream_key(), trig):
            stream = producer.open_stream()
            first = asyncio.create_task(anext(stream))
            await until_saved(asset, producer.store.key)  # started at the present, saved in the asset's store
            started = dict(asset.values[producer.store.key])
            emulator.insert("deals", title="x", value=1, currency="usd")
            change = await asyncio.wait_for(first, 10)
            assert asset.values[producer.store.key] == started  # not before advance()
            await producer.advance([AdvanceItem(change[1], AdvanceOutcome(acked=1, failed=0))])
            await stream.aclose()
            await producer.aclose()
        return started, change

    started, change = run(scenario())
    assert asset.values[producer.store.key] == change[1] != started
    assert variable.saves == 0 and variable.value is None  # no Variable on Airflow 3.3+


def test_the_old_variable_name_is_the_stream_key():
    kwargs = ActiveCampaignChangeTrigger(resource="deal", watch="created").serialize()[1]
    assert change_module.stream_variable(kwargs) == change_store.stream_key(kwargs)
    assert change_store.stream_key(kwargs).startswith("activecampaign_changes__deal_created__")


@pytest.mark.skipif(not change_module.SHARED_STREAMS, reason="shared streams with ack mode need Airflow 3.3+")
def test_airflows_shared_stream_manager_hands_the_producer_the_first_subscribers_store(emulator):
    """No cohort grace period: the first trigger lends its store before the producer starts."""
    from airflow.triggers.shared_stream import SharedStreamManager

    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    asset = FakeAsset("deals")
    trig.asset_state_store = asset
    key = change_store.stream_key(trig.serialize()[1])

    async def scenario() -> tuple[dict, dict, str]:
        manager = SharedStreamManager(ack_timeout=30)
        shared = trig.shared_stream_key()
        events = trig.filter_shared_stream(manager.subscribe(trigger_id=1, trigger=trig, key=shared))
        first = asyncio.create_task(anext(events))
        await until_saved(asset, key)
        started = dict(asset.values[key])  # the start, written by the producer at once
        new = emulator.insert("deals", title="x", value=1, currency="usd")["id"]
        event = await asyncio.wait_for(first, 10)
        manager.confirm_persisted([manager.bind_pending_event(trigger_id=1, key=shared)])
        moving = asyncio.create_task(anext(events))  # the subscriber moves past the event: resolved
        for _ in range(200):
            await asyncio.sleep(0.05)
            if asset.values[key] != started:
                break
        moving.cancel()
        await asyncio.gather(moving, return_exceptions=True)
        await manager.unsubscribe(1, shared)
        assert event.payload["id"] == new
        return started, dict(asset.values[key]), new

    started, advanced, new = run(scenario())
    assert started["last_id"] < int(new) <= advanced["last_id"]  # advanced past the stored event
    assert lent_accessors(ActiveCampaignChangeTrigger(resource="deal", watch="created",
                                                      poll_interval=0.05).shared_stream_key()) == []

