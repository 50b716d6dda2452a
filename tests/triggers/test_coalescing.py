"""Watch triggers in one event loop share their client and their polls (over real HTTP, emulator).

Triggers of one account watching the same resource the same way are served by one search per
poll cycle over the union of their windows; each still reports exactly its own window.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import timedelta

import httpx
import pytest

from airflow_provider_activecampaign.hooks import ActiveCampaignAsyncHook
from airflow_provider_activecampaign.hooks import clients as shared
from airflow_provider_activecampaign.triggers import ActiveCampaignWatchTrigger, poller
from tests.triggers.test_watch_trigger import NOW, _deal, first_event, polls, trigger, wait_for

HOUR = timedelta(hours=1)


def windowed(start_hours_ago: float, length_hours: float = 2, **kwargs) -> ActiveCampaignWatchTrigger:
    since = NOW - timedelta(hours=start_hours_ago)
    return trigger("deal", since=since.isoformat(), until=(since + timedelta(hours=length_hours)).isoformat(),
                   **kwargs)


def deal_queries(emulator) -> list[tuple[str, str]]:
    """The server-side window of every deals request so far."""
    return [(r.query["filters[created_after]"][0], r.query["filters[created_before]"][0])
            for r in emulator.requests if r.path == "/api/3/deals"]


def iso(when) -> str:
    return when.isoformat()


async def test_like_triggers_send_one_request_per_cycle_over_the_union_of_their_windows(emulator):
    triggers = [windowed(10 - hour) for hour in range(5)]  # 10-8 h ago, 9-7 h ago ... 6-4 h ago
    tasks = [asyncio.create_task(first_event(t, timeout=30)) for t in triggers]
    await wait_for(lambda: poller.active_groups() == [5])
    joined = polls(emulator, "deals") + 1  # a cycle in flight may have started before the last one joined
    await wait_for(lambda: polls(emulator, "deals") >= joined + 10)
    union = (iso(NOW - timedelta(hours=10)), iso(NOW - timedelta(hours=4)))  # the reading is known: exact
    assert set(deal_queries(emulator)[joined:]) == {union}  # never a request for one trigger's own window
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_alone_each_trigger_sends_its_own_requests(emulator):
    triggers = [windowed(10 - hour, coalesce=False) for hour in range(3)]
    tasks = [asyncio.create_task(first_event(t, timeout=30)) for t in triggers]
    await wait_for(lambda: len(set(deal_queries(emulator))) == 3)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_each_trigger_gets_exactly_its_own_records(emulator):
    spans = [(10, 2), (9, 2), (7.25, 1), (6.5, 2)]  # overlapping, or less than 30 minutes apart: one stretch
    spans += [(50, 1)]  # two days earlier: a stretch, and a request, of its own
    records = {hours: _deal(emulator, NOW - timedelta(hours=hours)) for hours in (11, 9.5, 8.5, 7.5, 7.1, 5.5, 4.6,
                                                                               49.5, 1.5)}
    triggers = [windowed(start, length, poke_interval=1) for start, length in spans]  # first polls together
    events = await asyncio.gather(*(first_event(t) for t in triggers))
    for (start, length), event in zip(spans, events, strict=True):
        expected = sorted((int(r["id"]) for hours, r in records.items() if start - length < hours <= start),
                          key=int)
        assert event["status"] == "success", event
        assert [int(r["id"]) for r in event["records"]] == expected, (start, length)
        assert (event["since"], event["until"]) == (iso(NOW - timedelta(hours=start)),
                                                   iso(NOW - timedelta(hours=start - length)))
    stretches = {after for after, _ in deal_queries(emulator)}
    assert stretches == {iso(NOW - timedelta(hours=10)), iso(NOW - timedelta(hours=50))}


async def test_different_filters_are_never_shared(emulator):
    _deal(emulator, NOW - 3 * HOUR, stage="2")
    wanted = _deal(emulator, NOW - 3 * HOUR, stage="3")
    stage_three = asyncio.create_task(first_event(windowed(4, filters={"stage": 3})))
    stage_four = asyncio.create_task(first_event(windowed(4, filters={"stage": 4}), timeout=30))
    assert [r["id"] for r in (await stage_three)["records"]] == [wanted["id"]]
    await wait_for(lambda: any(r.query.get("filters[stage]") == ["4"] for r in emulator.requests))
    assert not stage_four.done()
    stage_four.cancel()
    await asyncio.gather(stage_four, return_exceptions=True)


async def test_a_trigger_cancelled_mid_poll_cancels_nothing_of_the_others(emulator):
    emulator.inject_fault(delay=0.5, count=1, path="deals")  # the first poll is in flight for half a second
    tasks = [asyncio.create_task(first_event(windowed(4 + hour))) for hour in range(3)]
    await wait_for(lambda: polls(emulator, "deals") >= 1)
    tasks[0].cancel()
    record = _deal(emulator, NOW - 4.5 * HOUR)  # in the windows of the second and third trigger
    events = await asyncio.gather(*tasks[1:])
    assert [[r["id"] for r in event["records"]] for event in events] == [[record["id"]], [record["id"]]]
    with pytest.raises(asyncio.CancelledError):
        await tasks[0]
    await wait_for(lambda: poller.active_groups() == [] and shared.shared_clients() == 0)


async def test_a_trigger_arriving_later_joins_the_running_group(emulator):
    first = asyncio.create_task(first_event(windowed(4), timeout=30))
    await wait_for(lambda: polls(emulator, "deals") >= 3)
    again = ActiveCampaignWatchTrigger(**json.loads(json.dumps(windowed(6).serialize()[1])))  # e.g. after a restart
    second = asyncio.create_task(first_event(again))
    await wait_for(lambda: polls(emulator, "deals") >= 6)
    assert poller.active_groups() == [2]
    record = _deal(emulator, NOW - 5 * HOUR)
    assert [r["id"] for r in (await second)["records"]] == [record["id"]]
    assert not first.done()
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)


def test_coalesce_is_serialized_only_when_turned_off():
    assert "coalesce" not in trigger("deal").serialize()[1]  # the stored form earlier versions read
    _, kwargs = trigger("deal", coalesce=False).serialize()
    assert kwargs["coalesce"] is False
    assert ActiveCampaignWatchTrigger(**json.loads(json.dumps(kwargs))).coalesce is False


async def test_hooks_of_one_account_share_one_client_built_off_the_event_loop(emulator, monkeypatch):
    built: list[threading.Thread] = []
    real = httpx.AsyncClient

    def client(**options):
        built.append(threading.current_thread())
        return real(**options)

    monkeypatch.setattr(shared.httpx, "AsyncClient", client)
    hooks = [ActiveCampaignAsyncHook() for _ in range(3)]
    clients = await asyncio.gather(*(hook.get_client() for hook in hooks))
    assert len({id(c) for c in clients}) == 1 and shared.shared_clients() == 1
    assert len(built) == 1 and built[0] is not threading.current_thread()
    assert (await hooks[0].request("GET", "users/me"))["user"]
    await hooks[0].aclose()
    await hooks[1].aclose()
    assert not clients[0].is_closed  # the third hook still holds it
    await hooks[2].aclose()
    assert clients[0].is_closed and shared.shared_clients() == 0
    assert (await hooks[0].request("GET", "users/me"))["user"]  # a closed hook leases a new client
    assert len(built) == 2
    await hooks[0].aclose()


async def test_many_triggers_build_one_client(emulator, monkeypatch):
    built: list[int] = []
    real = httpx.AsyncClient
    monkeypatch.setattr(shared.httpx, "AsyncClient", lambda **o: built.append(1) or real(**o))
    tasks = [asyncio.create_task(first_event(windowed(4 + hour % 3, filters={"stage": hour % 2 + 1}), timeout=30))
             for hour in range(20)]
    await wait_for(lambda: poller.active_groups() == [10, 10])  # two filters: two groups...
    await wait_for(lambda: polls(emulator, "deals") >= 10)
    assert len(built) == 1  # ...and one client
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await wait_for(lambda: shared.shared_clients() == 0)


async def test_an_error_reaches_every_member_of_the_cycle(emulator):
    """Every poll fails: each trigger ends with the error of the cycle it was in, none waits on.

    (A trigger still setting up its client on a loaded machine can miss the first cycle and be
    served by the next, so the test does not count on one cycle: a member left out would hang.)
    """
    emulator.inject_fault(status=404, path="deals", count=100,
                          body=json.dumps({"message": "No Result found for Deal"}))
    events = await asyncio.gather(*(first_event(windowed(4 + hour, retries=0)) for hour in range(3)))
    assert [e["status"] for e in events] == ["error"] * 3
    assert all("No Result found for Deal" in e["message"] for e in events)
    assert 1 <= polls(emulator, "deals") <= 3
    await wait_for(lambda: poller.active_groups() == [] and shared.shared_clients() == 0)  # all let go


async def test_members_of_a_busy_poll_are_woken_a_few_at_a_time(emulator):
    """Firing costs Airflow a few ms a trigger: 40 woken in one turn of the loop would hold it (and its watchdog)."""
    _deal(emulator, NOW - timedelta(hours=9))
    triggers = [windowed(10, 2, poke_interval=1) for _ in range(40)]
    fired: list[int] = []

    async def fire(n: int) -> None:
        await first_event(triggers[n])
        fired.append(n)

    turns: list[int] = []

    async def watchdog() -> None:  # one look a turn of the event loop
        while len(fired) < len(triggers):
            turns.append(len(fired))
            await asyncio.sleep(0)

    await asyncio.gather(watchdog(), *(fire(n) for n in range(len(triggers))))
    assert len(fired) == 40
    most_in_one_turn = max(later - earlier for earlier, later in zip(turns, [*turns[1:], len(fired)], strict=True))
    assert most_in_one_turn <= poller.WAKE_BATCH


async def test_members_finding_records_in_a_busy_cycle_are_woken_over_a_short_spell(emulator):
    """Airflow's threads write each firing trigger's log lines: 40 fired back to back starve its loop.

    After each batch of members given records the poll pauses, so the batches fire over a short
    spell (at most a quarter of the time between two cycles), not in one instant.
    """
    triggers = [windowed(10, 2, poke_interval=1) for _ in range(40)]
    fired: list[float] = []

    async def fire(n: int) -> None:
        await first_event(triggers[n])
        fired.append(time.monotonic())

    tasks = [asyncio.create_task(fire(n)) for n in range(len(triggers))]
    await wait_for(lambda: poller.active_groups() == [40])
    polled = polls(emulator, "deals")
    await wait_for(lambda: polls(emulator, "deals") >= polled + 2)  # two quiet cycles: their period is known
    _deal(emulator, NOW - timedelta(hours=9))
    await asyncio.gather(*tasks)
    spell = max(fired) - min(fired)
    assert spell >= 0.15  # 5 batches, 4 pauses of 0.05 s (old code: all 40 within a few ms)
    assert spell <= 0.25 + 0.5  # a quarter of the ~1 s between cycles, and a loaded machine's slack


@pytest.mark.parametrize(("finding", "period", "most"), [
    (8, 10.0, 0.0),  # one batch: nothing to spread
    (280, None, 0.0),  # the first cycle: no period known yet
    (280, 10.0, 2.0),
    (1000, 10.0, 2.0),  # the pauses shrink: the spell stays within WAKE_SPREAD
    (280, 1.0, 0.25),  # a quarter of the time between cycles
])
def test_a_busy_cycles_pauses_add_up_to_a_bounded_spell(finding, period, most):
    pause = poller.wake_pause(finding, poller.cycle_spell(period))
    spell = pause * (-(-finding // poller.WAKE_BATCH) - 1)
    assert 0 <= pause <= poller.WAKE_PAUSE
    assert spell <= most + 1e-9
    if most:
        assert spell >= min(most, poller.WAKE_PAUSE * (finding // poller.WAKE_BATCH - 1)) * 0.9


async def test_the_stretches_of_one_cycle_share_its_spell(monkeypatch):
    """Windows far apart are read in stretches: their pauses together stay within the cycle's spell."""
    paused: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay: float) -> None:
        paused.append(delay)
        await real_sleep(0)

    monkeypatch.setattr(poller.asyncio, "sleep", sleep)
    group = object.__new__(poller.SharedPoll)
    group._cycles, group._spell = [0.0, 1.0], 0.25  # cycles 1 s apart: 0.25 s of pauses
    loop = asyncio.get_running_loop()
    for _ in range(2):  # two stretches of 40 members, each given a record
        await group._hand_out([(loop.create_future(), poller.Polled([{"id": "1"}])) for _ in range(40)])
    assert 0.2 <= sum(paused) <= 0.25 + 1e-9  # each stretch its own 0.25 s: 0.4 s or more
