"""Change streams against the emulator over real HTTP: each change once, a quiet poll at O(1) where the API allows.

The trigger's own loop (Airflow 3.0-3.2) runs here with an in-memory position store; both it
and the shared, acknowledged stream of Airflow 3.3 run in a real triggerer in test_change_triggerer.py.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from airflow_provider_activecampaign.client.id_sets import add_id, missing
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook
from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger, change_pacing
from airflow_provider_activecampaign.triggers import change as change_module
from airflow_provider_activecampaign.triggers.change import ChangePoller, ChangeProducer
from airflow_provider_activecampaign.triggers.change_stream import ChangeStream, Position


def gets(emulator, path: str) -> int:
    return sum(1 for r in emulator.requests if r.method == "GET" and r.path == f"/api/3/{path}")


async def poll_once(trigger: ActiveCampaignChangeTrigger, position: Position | None = None
                    ) -> tuple[list[dict], Position]:
    async with trigger.hook() as hook:
        poller = ChangePoller(trigger, hook)
        position = position or await poller.start()
        events, final = [], position
        async for payload, after in poller.poll(position):
            if payload is not None:
                events.append(payload)
            final = after
        return events, final


def run(coro):
    return asyncio.run(coro)


async def deals_once_started(emulator, stream, count: int) -> asyncio.Task:
    """The wait for the stream's first event, and ``count`` deals made once it started at the present."""
    first = asyncio.create_task(anext(stream))
    await asyncio.sleep(0.5)  # the stream started at the present
    for n in range(count):
        emulator.insert("deals", title=f"d{n}", value=1, currency="usd")
    return first


async def events_then_a_wait(stream, nxt: asyncio.Task, count: int) -> tuple[list, asyncio.Task]:
    """``count`` events (the first from ``nxt``), and the wait for one more (1 s in)."""
    items = [await asyncio.wait_for(nxt, 10)]
    items += [await asyncio.wait_for(anext(stream), 10) for _ in range(count - 1)]
    nxt = asyncio.create_task(anext(stream))
    await asyncio.sleep(1.0)
    return items, nxt


async def three_then_a_fourth(emulator, stream) -> tuple[list, asyncio.Task]:
    """Six deals made once the stream started: its first three events, and the wait for a fourth (1 s in)."""
    return await events_then_a_wait(stream, await deals_once_started(emulator, stream, 6), 3)


def test_created_tail_reads_only_new_records_and_a_quiet_poll_is_one_request(emulator):
    for n in range(250):
        emulator.insert("deals", title=f"old {n}", value=1, currency="usd")
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created")
    events, position = run(poll_once(trig))
    assert events == []  # a new stream starts at the present
    new = [emulator.insert("deals", title=f"new {n}", value=1, currency="usd")["id"] for n in range(3)]
    events, position = run(poll_once(trig, position))
    assert [e["id"] for e in events] == new
    assert all(e["change_key"].endswith(f"/deal/{e['id']}/created/{e['stamp']}") for e in events)
    assert events[0]["record"]["title"] == "new 0"
    emulator.clear_requests()
    events, position = run(poll_once(trig, position))
    assert events == [] and gets(emulator, "deals") == 1


def test_created_tail_finds_its_place_after_deletes_before_it(emulator):
    ids = [emulator.insert("deals", title=f"d{n}", value=1, currency="usd")["id"] for n in range(30)]
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created")
    _, position = run(poll_once(trig))
    for rid in ids[-12:]:
        emulator.delete("deals", rid)  # the saved offset now points past the end
    new = emulator.insert("deals", title="after", value=1, currency="usd")["id"]
    events, _ = run(poll_once(trig, position))
    assert [e["id"] for e in events] == [new]


def test_created_contacts_use_id_greater(emulator):
    trig = ActiveCampaignChangeTrigger(resource="contact", watch="created")
    _, position = run(poll_once(trig))
    new = emulator.insert("contacts", email="new@example.com")["id"]
    emulator.clear_requests()
    events, position = run(poll_once(trig, position))
    assert [e["id"] for e in events] == [new]
    assert any("id_greater" in str(r.query) for r in emulator.requests) or gets(emulator, "contacts") == 1


def test_updated_reports_each_change_once_with_a_stable_key(emulator):
    deal = emulator.insert("deals", title="d", value=1, currency="usd")
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="updated", settle=3600)
    _, position = run(poll_once(trig))
    soon = (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat()
    emulator.modify("deals", deal["id"], title="changed", mdate=soon)
    first, position = run(poll_once(trig, position))
    again, position = run(poll_once(trig, position))
    assert [e["id"] for e in first] == [deal["id"]] and again == []
    later = (datetime.now(timezone.utc) + timedelta(seconds=3)).isoformat()
    emulator.modify("deals", deal["id"], title="changed again", mdate=later)
    second, _ = run(poll_once(trig, position))
    assert [e["record"]["title"] for e in second] == ["changed again"]
    assert second[0]["change_key"] != first[0]["change_key"]


@pytest.mark.parametrize("resource, plural, fields", [
    ("deal", "deals", {"title": "d", "value": 1, "currency": "usd"}),  # the API's date filter
    ("dealTask", "dealTasks", {"relid": "1", "dealTasktype": "1", "title": "t"}),  # a scan
])
def test_a_new_updated_stream_reports_nothing_changed_before_it_started(emulator, resource, plural, fields):
    before = emulator.insert(plural, **fields)  # changed seconds before the start: within `settle`
    trig = ActiveCampaignChangeTrigger(resource=resource, watch="updated", settle=60)
    events, position = run(poll_once(trig))
    assert events == []
    soon = (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat()
    emulator.modify(plural, before["id"], mdate=soon, udate=soon)
    events, _ = run(poll_once(trig, position))
    assert [e["id"] for e in events] == [before["id"]]


def test_updated_without_a_date_filter_scans_in_pages(emulator):
    for n in range(230):
        emulator.insert("dealTasks", relid="1", dealTasktype="1", title=f"t{n}")
    trig = ActiveCampaignChangeTrigger(resource="dealTask", watch="updated", settle=3600)
    _, position = run(poll_once(trig))
    emulator.clear_requests()
    events, position = run(poll_once(trig, position))
    assert events == []  # nothing changed since the last poll (a new stream's start: see the test below)
    assert gets(emulator, "dealTasks") == 3  # ceil(230 / 100): a scan, never the whole list at once


def test_deleted_reconciliation_reports_tombstones_once(emulator):
    ids = [emulator.insert("notes", note=f"n{n}", reltype="Subscriber", relid="1")["id"] for n in range(8)]
    trig = ActiveCampaignChangeTrigger(resource="note", watch="deleted", reconcile_interval=0)
    _, position = run(poll_once(trig))
    emulator.delete("notes", ids[2])
    emulator.delete("notes", ids[5])
    events, position = run(poll_once(trig, position))
    assert sorted(e["id"] for e in events) == sorted([ids[2], ids[5]])
    assert all(e["watch"] == "deleted" for e in events)
    events, _ = run(poll_once(trig, position))
    assert events == []


def test_id_ranges():
    ranges: list[list[int]] = []
    for n in [1, 2, 3, 5, 6, 9, 9]:
        add_id(ranges, n)
    assert ranges == [[1, 3], [5, 6], [9, 9]]
    assert list(missing([[1, 10]], [[1, 3], [5, 6], [9, 9]])) == [4, 7, 8, 10]
    assert list(missing([[1, 3]], [])) == [1, 2, 3]


def test_bad_input_is_refused_before_any_request():
    with pytest.raises(ActiveCampaignInputError, match="watch"):
        ActiveCampaignChangeTrigger(resource="deal", watch="moved")
    with pytest.raises(ActiveCampaignInputError, match="update stamp"):
        ActiveCampaignChangeTrigger(resource="user", watch="updated")
    with pytest.raises(Exception, match="nope"):
        ActiveCampaignChangeTrigger(resource="deal", filters={"nope": 1})


def test_serialize_round_trips_and_shares_one_stream_key():
    a = ActiveCampaignChangeTrigger(resource="deal", watch="updated", filters={"pipeline": 2})
    path, kwargs = a.serialize()
    b = ActiveCampaignChangeTrigger(**kwargs)
    assert path == "airflow_provider_activecampaign.triggers.change.ActiveCampaignChangeTrigger"
    assert b.serialize() == (path, kwargs)
    if change_module.SHARED_STREAMS:
        assert a.shared_stream_key() == b.shared_stream_key()
        other = ActiveCampaignChangeTrigger(resource="deal", watch="created")
        assert other.shared_stream_key() != a.shared_stream_key()


class MemoryStore:
    saved: dict[str, dict] = {}

    def __init__(self, *keys: str) -> None:
        self.key = keys[-1]  # (stream key, watcher key), as WatcherStore

    async def load(self):
        return Position.from_json(self.saved.get(self.key))

    async def save(self, position):
        self.saved[self.key] = position.to_json()


def test_own_loop_survives_a_restart_without_losing_a_change(emulator, monkeypatch):
    monkeypatch.setattr(change_module, "WatcherStore", MemoryStore)
    MemoryStore.saved.clear()
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)

    async def collect_until(wanted: str, timeout: float = 10.0) -> list[dict]:
        events, gen = [], trig.run()
        try:
            while not events or events[-1]["id"] != wanted:
                events.append((await asyncio.wait_for(anext(gen), timeout)).payload)
        finally:
            await gen.aclose()
        return events

    async def scenario() -> tuple[list, list]:
        first = str(len(emulator.ids("deals")) + 1)
        task = asyncio.create_task(collect_until(first))
        await asyncio.sleep(0.5)  # started: the position is the present
        assert emulator.insert("deals", title="one", value=1, currency="usd")["id"] == first
        got = await task
        second = emulator.insert("deals", title="two", value=1, currency="usd")["id"]
        again = await collect_until(second)  # "restarted": a new loop from the saved position
        return [first, second], got + again

    ids, events = run(scenario())
    assert [e["id"] for e in events] in ([ids[0], ids[1]], [ids[0], ids[0], ids[1]])
    keys = {e["id"]: e["change_key"] for e in events[:1]}
    assert all(keys.get(e["id"], e["change_key"]) == e["change_key"] for e in events)  # a re-delivery: same key


@pytest.mark.skipif(not change_module.SHARED_STREAMS, reason="shared streams with ack mode need Airflow 3.3+")
def test_producer_saves_only_in_advance(emulator, monkeypatch):
    from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

    monkeypatch.setattr(change_module, "WatcherStore", MemoryStore)
    MemoryStore.saved.clear()
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    producer = ActiveCampaignChangeTrigger.create_shared_stream_producer(trig.serialize()[1])
    assert isinstance(producer, ChangeProducer)

    async def scenario():
        stream = producer.open_stream()
        first = asyncio.create_task(anext(stream))
        await asyncio.sleep(0.5)  # the stream started at the present
        emulator.insert("deals", title="x", value=1, currency="usd")
        items = [await asyncio.wait_for(first, 10), await asyncio.wait_for(anext(stream), 10)]
        key = producer.store.legacy.key  # no asset: the Variable of this watcher
        started = dict(MemoryStore.saved[key])
        await producer.advance([AdvanceItem(items[0][1], AdvanceOutcome(acked=1, failed=0))])
        advanced = dict(MemoryStore.saved[key])
        with pytest.raises(RuntimeError, match="not stored"):
            await producer.advance([AdvanceItem(items[1][1], AdvanceOutcome(acked=0, failed=1))])
        await stream.aclose()
        await producer.aclose()
        return items, started, advanced

    items, started, advanced = run(scenario())
    assert items[0][0]["watch"] == "created" and items[1][0] == {}  # the change, then the checkpoint
    assert started != advanced and advanced == items[0][1]


@pytest.mark.skipif(not change_module.SHARED_STREAMS, reason="shared streams with ack mode need Airflow 3.3+")
def test_producer_reads_no_further_while_its_events_wait_to_be_stored(emulator, monkeypatch):
    """Airflow storing events slowly: the stream waits for advance() instead of piling up events."""
    from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

    monkeypatch.setattr(change_module, "WatcherStore", MemoryStore)
    monkeypatch.setattr(change_pacing, "MAX_UNSTORED", 3)
    MemoryStore.saved.clear()
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    producer = ActiveCampaignChangeTrigger.create_shared_stream_producer(trig.serialize()[1])

    async def scenario():
        stream = producer.open_stream()
        items, fourth = await three_then_a_fourth(emulator, stream)
        held = not fourth.done()  # three events wait to be stored: no fourth
        await producer.advance([AdvanceItem(item[1], AdvanceOutcome(acked=1, failed=0)) for item in items[:2]])
        items.append(await asyncio.wait_for(fourth, 10))
        await stream.aclose()
        await producer.aclose()
        return items, held

    items, held = run(scenario())
    assert held
    assert [item[0]["record"]["title"] for item in items] == ["d0", "d1", "d2", "d3"]


@pytest.mark.skipif(not change_module.SHARED_STREAMS, reason="shared streams with ack mode need Airflow 3.3+")
def test_a_stream_with_many_assets_keeps_fewer_events_waiting_to_be_stored(emulator, monkeypatch):
    """Each change is stored once per asset: 10 assets and room for 30 asset events leave 3 changes in flight."""
    from tests.triggers.test_change_store import FakeAsset, Watcher

    monkeypatch.setattr(change_pacing, "START_ASSET_EVENTS", 30)
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    watcher = Watcher(*(FakeAsset(f"deals {n}") for n in range(10)))

    async def scenario() -> tuple[list[str], bool]:
        with change_module.lend(trig.shared_stream_key(), watcher):
            producer = ActiveCampaignChangeTrigger.create_shared_stream_producer(trig.serialize()[1])
            stream = producer.open_stream()
            items, fourth = await three_then_a_fourth(emulator, stream)
            held = not fourth.done()  # 3 changes x 10 assets wait to be stored: no fourth
            fourth.cancel()
            await asyncio.gather(fourth, return_exceptions=True)
            await producer.aclose()
            return [item[0]["record"]["title"] for item in items], held

    titles, held = run(scenario())
    assert titles == ["d0", "d1", "d2"]
    assert held


@pytest.mark.skipif(not change_module.SHARED_STREAMS, reason="shared streams with ack mode need Airflow 3.3+")
def test_a_stream_whose_events_are_stored_slowly_keeps_fewer_waiting(emulator, monkeypatch):
    """A confirmation later than the quickest by more than the target halves the room: 4 changes, then 2."""
    from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

    from tests.triggers.test_change_store import FakeAsset, Watcher

    monkeypatch.setattr(change_pacing, "START_ASSET_EVENTS", 40)
    monkeypatch.setattr(change_module, "confirmation_target", lambda: 0.5)
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    watcher = Watcher(*(FakeAsset(f"deals {n}") for n in range(10)))

    def acked(item: tuple) -> AdvanceItem:
        return AdvanceItem(item[1], AdvanceOutcome(acked=10, failed=0))

    async def scenario() -> tuple[list, bool, list, bool]:
        with change_module.lend(trig.shared_stream_key(), watcher):
            producer = ActiveCampaignChangeTrigger.create_shared_stream_producer(trig.serialize()[1])
            stream = producer.open_stream()
            first = await deals_once_started(emulator, stream, 12)
            prompt = [await asyncio.wait_for(first, 10)]
            prompt += [await asyncio.wait_for(anext(stream), 10) for _ in range(3)]
            await producer.advance([acked(item) for item in prompt])  # confirmed at once: the round trip
            items, nxt = await events_then_a_wait(stream, asyncio.create_task(anext(stream)), 4)
            held = not nxt.done()  # 4 changes x 10 assets wait
            await producer.advance([acked(item) for item in items])  # 1 s later: 0.5 s more than the quickest is late
            then, nxt = await events_then_a_wait(stream, nxt, 2)
            held_then = not nxt.done()
            nxt.cancel()
            await asyncio.gather(nxt, return_exceptions=True)
            await producer.aclose()
            return items, held, then, held_then

    items, held, then, held_then = run(scenario())
    assert [item[0]["record"]["title"] for item in items] == ["d4", "d5", "d6", "d7"] and held
    assert [item[0]["record"]["title"] for item in then] == ["d8", "d9"]
    assert held_then  # old code: room for 100 changes whatever the confirmations took


def test_hook_is_the_async_one():
    assert isinstance(ActiveCampaignChangeTrigger(resource="deal").hook(), ActiveCampaignAsyncHook)
    assert ChangeStream("deal", "created").how == "tail"
    assert ChangeStream("deal", "updated").how == "dated"
    assert ChangeStream("dealTask", "updated").how == "scan"


def test_before_airflow_3_3_the_trigger_runs_its_own_loop(monkeypatch):
    monkeypatch.setattr(change_module, "SHARED_STREAMS", False)
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created")
    assert trig.shared_stream_key() is None  # the triggerer runs trig.run()


def test_own_loop_saves_a_position_only_once_its_events_had_time_to_be_stored(emulator, monkeypatch):
    """3.0-3.2 cannot say when an event is stored: the start at once, a position covering events after the delay."""
    monkeypatch.setattr(change_module, "WatcherStore", MemoryStore)
    monkeypatch.setattr(change_module, "HANDOVER_DELAY", 1.0)
    MemoryStore.saved.clear()
    trig = ActiveCampaignChangeTrigger(resource="deal", watch="created", poll_interval=0.05)
    key = change_module.watcher_key(trig.serialize()[1])

    async def scenario() -> tuple[dict, dict, dict, str]:
        gen = trig.run()
        first = asyncio.create_task(anext(gen))
        await asyncio.sleep(0.5)
        start = dict(MemoryStore.saved[key])  # saved before any poll: it covers no event
        new = emulator.insert("deals", title="one", value=1, currency="usd")["id"]
        event = (await asyncio.wait_for(first, 10)).payload
        polling = asyncio.create_task(anext(gen))  # the loop goes on polling (no more changes)
        await asyncio.sleep(0.5)
        soon = dict(MemoryStore.saved[key])
        for _ in range(100):  # then saved at a poll once the event is a second old
            await asyncio.sleep(0.1)
            if (later := dict(MemoryStore.saved[key])) != start:
                break
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await gen.aclose()
        assert event["id"] == new
        return start, soon, later, new

    start, soon, later, new = run(scenario())
    assert soon == start  # half a second after the event: still the start (a kill re-delivers it)
    assert later != start
    events, _ = run(poll_once(trig, Position.from_json(later)))
    assert new not in [e["id"] for e in events]  # the saved position covers the event
