"""The Watch trigger, run with asyncio against the emulator over real HTTP.

It polls every ``poke_interval`` until enough records fall in its fixed window, turns every
failure into an error event, never blocks the event loop, and survives a triggerer
restart: re-created from ``serialize()`` it keeps watching the same window.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from airflow_provider_activecampaign.triggers import ActiveCampaignWatchTrigger
from tests.conftest import CANARY_KEY

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SINCE, UNTIL = NOW - timedelta(hours=2), NOW + timedelta(hours=1)
IN_WINDOW = NOW - timedelta(hours=1)
FAST = 0.02  # poke_interval of these tests, in seconds


def trigger(resource: str = "deal", **kwargs) -> ActiveCampaignWatchTrigger:
    options = {"since": SINCE.isoformat(), "until": UNTIL.isoformat(), "poke_interval": FAST, **kwargs}
    return ActiveCampaignWatchTrigger(resource=resource, **options)


def polls(emulator, path: str) -> int:
    return sum(1 for r in emulator.requests if r.method == "GET" and r.path == f"/api/3/{path}")


async def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def first_event(trig: ActiveCampaignWatchTrigger, timeout: float = 30.0) -> dict:
    """The trigger's first event (the timeout only ends a hung test: a loaded CI machine can take seconds)."""
    return (await asyncio.wait_for(anext(trig.run()), timeout)).payload


# each watchable resource: (catalogue name, trigger kwargs, path polled, how to add a record at a time)
def _deal(emu, when, **f):
    return emu.insert("deals", title="Deal", value=1000, currency="usd", cdate=when, mdate=when, **f)


def _task(emu, when, **f):
    return emu.insert("dealTasks", relid="1", dealTasktype="1", duedate=when, title="Call", cdate=when, udate=when, **f)


def _calendar(emu, when, **f):
    return emu.insert("calendars", title="Feed", type="All", cdate=when, mdate=when, **f)


def _contact(emu, when, **f):
    return emu.insert("contacts", email=f"p{time.monotonic_ns()}@example.com", cdate=when, udate=when, **f)


def _automation_entry(emu, when, **f):
    return emu.insert("contactAutomations", contact="1", automation="1", adddate=when, lastdate=when, **f)


RESOURCES = {
    "deal": ({}, "deals", _deal),
    "dealTask": ({}, "dealTasks", _task),
    "calendar": ({}, "calendars", _calendar),
    "contact": ({}, "contacts", _contact),
    "contactAutomation": ({"parent_id": "1"}, "contacts/1/contactAutomations", _automation_entry),
}


@pytest.fixture
def contact_one(emulator):
    emulator.insert("contacts", id="1", email="one@example.com", cdate=NOW - timedelta(days=30))
    return emulator


@pytest.mark.parametrize("name", list(RESOURCES))
async def test_records_arriving_after_a_few_polls_end_the_wait(contact_one, name):
    emulator = contact_one
    kwargs, path, add = RESOURCES[name]
    add(emulator, SINCE - timedelta(minutes=1))  # just before the window: never counts
    task = asyncio.create_task(first_event(trigger(name, **kwargs)))
    await wait_for(lambda: polls(emulator, path) >= 3)
    assert not task.done()
    record = await asyncio.to_thread(add, emulator, IN_WINDOW)  # "later", from another thread
    event = await task
    assert event["status"] == "success" and event["count"] == 1
    assert [r["id"] for r in event["records"]] == [record["id"]]
    assert (event["since"], event["until"]) == (SINCE.isoformat(), UNTIL.isoformat())
    json.dumps(event)  # JSON primitives only


async def test_with_nothing_in_the_window_it_keeps_polling(emulator):
    _deal(emulator, SINCE - timedelta(seconds=1))  # before since
    _deal(emulator, UNTIL)  # at until: excluded
    task = asyncio.create_task(first_event(trigger("deal"), timeout=30))
    await wait_for(lambda: polls(emulator, "deals") >= 6)
    assert not task.done()  # still pending after six polls
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def record_log(monkeypatch) -> tuple[list[tuple[int, str]], list[object]]:
    """The lines the Watch trigger writes (level, text), and each logger it assembled."""
    lines: list[tuple[int, str]] = []

    class Recorder:
        def log(self, level: int, message: str, *args: object) -> None:
            lines.append((level, message % args))

        def info(self, message: str, *args: object) -> None:
            self.log(logging.INFO, message, *args)

        def debug(self, message: str, *args: object) -> None:
            self.log(logging.DEBUG, message, *args)

        def warning(self, message: str, *args: object) -> None:
            self.log(logging.WARNING, message, *args)

    assembled: list[Recorder] = []

    class TriggerLogger:
        """Like the triggerer's lazy logger: each call assembles a new logger (opening the trigger's log file)."""

        def bind(self) -> Recorder:
            assembled.append(Recorder())
            return assembled[-1]

        def __getattr__(self, name: str) -> object:
            return getattr(self.bind(), name)

    monkeypatch.setattr(ActiveCampaignWatchTrigger, "log", TriggerLogger(), raising=False)
    return lines, assembled


async def test_a_quiet_poll_logs_no_info_line(emulator, monkeypatch):
    """A triggerer runs thousands of these: a poll that finds nothing writes at DEBUG."""
    lines, assembled = record_log(monkeypatch)
    task = asyncio.create_task(first_event(trigger("deal"), timeout=30))
    await wait_for(lambda: polls(emulator, "deals") >= 4)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    quiet = [level for level, text in lines if "next poll in" in text]
    assert quiet and set(quiet) == {logging.DEBUG}
    assert len(quiet) >= 3 and len(assembled) == 1  # the logger is assembled once a run, not once a poll


async def test_a_poll_that_fires_logs_no_info_line_of_its_own(emulator, monkeypatch):
    """Airflow logs the event it fires, payload and all: hundreds firing at once need no second line each."""
    lines, _ = record_log(monkeypatch)
    _deal(emulator, SINCE + timedelta(seconds=1))
    event = await first_event(trigger("deal"))
    assert event["status"] == "success" and event["count"] == 1
    assert any("1 deals" in text for _, text in lines)  # still there at DEBUG
    assert all(level < logging.INFO for level, _ in lines)


async def test_min_records_waits_for_that_many(emulator):
    task = asyncio.create_task(first_event(trigger("calendar", min_records=2)))
    _calendar(emulator, IN_WINDOW)
    await wait_for(lambda: polls(emulator, "calendars") >= 3)
    assert not task.done()
    _calendar(emulator, IN_WINDOW + timedelta(minutes=1))
    assert (await task)["count"] == 2


async def test_watch_updated_sees_changes_to_older_records(emulator):
    old = _task(emulator, NOW - timedelta(days=3))
    task = asyncio.create_task(first_event(trigger("dealTask", watch="updated")))
    await wait_for(lambda: polls(emulator, "dealTasks") >= 2)
    emulator.modify("dealTasks", old["id"], title="Call back", udate=IN_WINDOW)
    event = await task
    assert [r["title"] for r in event["records"]] == ["Call back"]


async def test_filters_reach_the_api(emulator):
    _deal(emulator, IN_WINDOW, stage="2")
    wanted = _deal(emulator, IN_WINDOW, stage="3")
    event = await first_event(trigger("deal", filters={"stage": 3}))
    assert [r["id"] for r in event["records"]] == [wanted["id"]]
    query = next(r.query for r in emulator.requests if r.path == "/api/3/deals")
    assert query["filters[stage]"] == ["3"] and "filters[created_after]" in query


async def test_more_records_than_the_event_may_carry_send_only_the_count(emulator):
    for minute in range(3):
        _deal(emulator, IN_WINDOW + timedelta(minutes=minute))
    event = await first_event(trigger("deal", max_records=2))
    assert event == {"status": "success", "count": 3, "records": None, "since": SINCE.isoformat(),
                     "until": UNTIL.isoformat()}


async def test_an_api_error_becomes_an_error_event_with_the_apis_message(emulator):
    emulator.inject_fault(status=400, path="deals", body=json.dumps({"message": "Invalid filter value for stage"}))
    event = await first_event(trigger("deal"))
    assert event["status"] == "error"
    assert "Invalid filter value for stage" in event["message"] and "400" in event["message"]


async def test_a_bad_key_becomes_an_error_event_without_the_key(emulator, monkeypatch):
    conn = json.loads(emulator.connection_json())
    conn.update(password=CANARY_KEY + "-wrong", extra={"allow_http": True, "requests_per_second": 0})
    monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", json.dumps(conn))
    event = await first_event(trigger("deal"))
    assert event["status"] == "error" and "Forbidden" in event["message"]
    assert CANARY_KEY not in event["message"]


async def test_invalid_input_becomes_an_error_event(emulator):
    event = await first_event(trigger("deal", filters={"colour": "red"}))
    assert event["status"] == "error" and "filters.colour" in event["message"]


async def test_a_passed_deadline_ends_with_a_timeout_event(emulator):
    deadline = (datetime.now(timezone.utc) + timedelta(seconds=0.2)).isoformat()
    event = await first_event(trigger("deal", deadline=deadline))
    assert event["status"] == "timeout" and "0 of 1 deals created" in event["message"]


async def test_polling_never_blocks_the_event_loop(emulator):
    """A slow API (0.3 s per reply) must not stall other coroutines of the triggerer."""
    emulator.inject_fault(delay=0.3, count=3, path="deals")
    gaps: list[float] = []

    async def heartbeat() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    task = asyncio.create_task(first_event(trigger("deal")))
    await wait_for(lambda: polls(emulator, "deals") >= 3)
    _deal(emulator, IN_WINDOW)
    assert (await task)["status"] == "success"
    beat.cancel()
    assert len(gaps) > 20 and max(gaps) < 0.2


def test_serialize_holds_only_json_primitives():
    classpath, kwargs = trigger("dealTask", filters={"deal": 4, "status": 1}, min_records=3, deadline="2030-01-01",
                                retries=2, retry_backoff=0.1, request_timeout=5).serialize()
    assert classpath == "airflow_provider_activecampaign.triggers.activecampaign.ActiveCampaignWatchTrigger"
    assert json.loads(json.dumps(kwargs)) == kwargs
    assert kwargs == {
        "resource": "dealTask", "since": SINCE.isoformat(), "until": UNTIL.isoformat(), "watch": "created",
        "filters": {"deal": 4, "status": 1}, "parent_id": None, "min_records": 3, "poke_interval": FAST,
        "max_records": 100, "deadline": "2030-01-01", "activecampaign_conn_id": "activecampaign_default",
        "retries": 2, "retry_backoff": 0.1, "request_timeout": 5,
    }


async def test_recreated_from_its_serialized_form_it_continues_the_same_window(emulator):
    """A triggerer restart: the first instance is cancelled mid-wait, a new one is built from
    ``serialize()`` (JSON, as stored in the trigger table) much later, and still reports
    exactly the original window."""
    first = trigger("deal")
    running = asyncio.create_task(first_event(first))
    await wait_for(lambda: polls(emulator, "deals") >= 2)
    running.cancel()

    classpath, kwargs = first.serialize()
    stored = json.loads(json.dumps(kwargs))
    _deal(emulator, IN_WINDOW)  # arrived while the triggerer was down
    _deal(emulator, UNTIL + timedelta(minutes=5))  # after the window: the new instance must not count it
    emulator.set_now(datetime.now(timezone.utc) + timedelta(days=2))  # the restart happens two days later
    again = _import(classpath)(**stored)
    assert again.serialize() == first.serialize()
    event = await first_event(again)
    assert event["count"] == 1 and (event["since"], event["until"]) == (SINCE.isoformat(), UNTIL.isoformat())


def _import(classpath: str):
    module, _, name = classpath.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)
