"""The API's date filters have an undocumented reading: whichever way the server reads our
bound (the instant as sent, its clock time as UTC or in the account's zone, US Central, or its
date only), the probe finds it and a Watch search over real HTTP returns exactly the records in
its window. The emulator's reading is its ``date_filters`` option.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
import pytest

from airflow_provider_activecampaign.client.date_filters import UNKNOWN, DateFilters, date_filters
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from airflow_provider_activecampaign.testing.emulator import filters as emulator_filters
from airflow_provider_activecampaign.watch import WatchSearch, Window

SECOND = timedelta(seconds=1)


def utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


WINDOWS = {
    "a day": Window(utc(2026, 3, 9), utc(2026, 3, 10)),
    "15 minutes": Window(utc(2026, 6, 1, 12), utc(2026, 6, 1, 12, 15)),
    "across DST (spring)": Window(utc(2026, 3, 8, 6), utc(2026, 3, 8, 10)),
    "across DST (autumn)": Window(utc(2026, 11, 1, 5), utc(2026, 11, 1, 8)),
}


def seed(emulator, window: Window, watch: str) -> set[str]:
    """Records on and around both edges; returns the ids that belong to the window."""
    inside = set()
    stamps = [window.since - timedelta(hours=7), window.since - SECOND, window.since, window.since + SECOND,
              window.until - SECOND, window.until, window.until + SECOND, window.until + timedelta(hours=7)]
    for n, when in enumerate(stamps):
        if watch == "created":
            deal = emulator.insert("deals", title=f"d{n}", value=1, currency="usd", cdate=when, mdate=when)
            contact = emulator.insert("contacts", email=f"c{n}@example.com", cdate=when, udate=when)
        else:  # created long before, changed at the stamp
            old = window.since - timedelta(days=3)
            deal = emulator.insert("deals", title=f"d{n}", value=1, currency="usd", cdate=old, mdate=when)
            contact = emulator.insert("contacts", email=f"c{n}@example.com", cdate=old, udate=when)
        if when in window:
            inside |= {f"deal:{deal['id']}", f"contact:{contact['id']}"}
    return inside


def found(window: Window, watch: str) -> set[str]:
    hook = ActiveCampaignHook()
    try:
        return {f"{name}:{r['id']}" for name in ("deal", "contact")
                for r in WatchSearch(name, window, watch).fetch(hook)}
    finally:
        hook.close()


@pytest.mark.parametrize("watch", ["created", "updated"])
@pytest.mark.parametrize("window", list(WINDOWS.values()), ids=list(WINDOWS))
@pytest.mark.parametrize("reading", emulator_filters.FILTER_READINGS)
def test_every_reading_of_the_date_filters_returns_exactly_the_window(emulator, reading, window, watch):
    emulator.date_filters = reading
    expected = seed(emulator, window, watch)
    assert len(expected) == 6
    assert found(window, watch) == expected
    asked = [r for r in emulator.requests if r.path == "/api/3/deals"]
    assert f"filters[{watch}_after]" in asked[-1].query  # the server filtered too


@pytest.mark.parametrize("reading", emulator_filters.FILTER_READINGS)
def test_the_probe_finds_each_reading_and_the_window_is_read_exactly(emulator, reading):
    """Once the reading is known, the API is asked for the window itself (a day for the date-only reading)."""
    emulator.date_filters = reading
    window = WINDOWS["15 minutes"]
    seed(emulator, window, "created")
    hook = ActiveCampaignHook()
    try:
        dates = date_filters(hook)
        assert dates.readings == {reading} or (reading in dates.readings and len(dates.readings) == 2)
        emulator.clear_requests()
        WatchSearch("contact", window).fetch(hook)
    finally:
        hook.close()
    (asked,) = emulator.requests  # known: no second probe
    after, before = asked.query["filters[created_after]"][0], asked.query["filters[created_before]"][0]
    read = [emulator_filters.filter_bound(after, reading), emulator_filters.filter_bound(before, reading)]
    if reading == "date":
        assert (after, before) == ("2026-06-01", "2026-06-02")  # the documented format, whole days
    else:
        assert read == [window.since, window.until]


def test_a_wrong_reading_would_lose_records_so_the_checks_can_fail(emulator):
    """The check above can fail: bounds written for the UTC reading lose the window's start under account time."""
    emulator.date_filters = "account"
    window = WINDOWS["a day"]
    expected = seed(emulator, window, "created")
    hook = ActiveCampaignHook()
    try:
        wrong = DateFilters(frozenset({"utc"}))
        params = WatchSearch("deal", window).params(wrong)
        got = {f"deal:{r['id']}" for r in hook.paginate("deals", "deals", params=params)}
    finally:
        hook.close()
    assert {e for e in expected if e.startswith("deal:")} - got


def test_an_account_without_records_is_read_widened_until_it_has_some(emulator):
    emulator.date_filters = "account"
    hook = ActiveCampaignHook()
    try:
        assert date_filters(hook) == UNKNOWN  # nothing to probe with: every reading stays possible
        window = WINDOWS["a day"]
        expected = seed(emulator, window, "created")
        assert found(window, "created") == expected  # widened, still exact
    finally:
        hook.close()


def test_the_emulator_reads_the_bound_as_switched():
    bound = "2026-03-10T00:00:00+00:00"
    readings = {reading: emulator_filters.filter_bound(bound, reading) for reading in emulator_filters.FILTER_READINGS}
    assert readings["offset"] == readings["utc"] == pendulum.datetime(2026, 3, 10, tz="UTC")
    assert readings["account"] == pendulum.datetime(2026, 3, 10, 5, tz="UTC")  # midnight CDT
    assert readings["date"] == pendulum.datetime(2026, 3, 10, 5, tz="UTC")
    assert emulator_filters.filter_bound("2026-03-10T23:59:00-05:00", "date") == readings["date"]


@pytest.mark.parametrize("known", [True, False], ids=["date-only reading known", "reading unknown"])
async def test_created_on_a_busy_day_is_read_newest_first_and_stops_past_the_window(emulator, known):
    """Dates only (or no reading known): the filters reach the whole day; a poke reads back to the window only.

    300 deals over the 6 hours before the window's end, 150 of them in its last 3 hours:
    the poke costs 2 pages (plus the overlap's re-read), not every deal of the day, and the
    sync sensor and the async trigger find exactly the window's deals.
    """
    from airflow_provider_activecampaign.client import date_filters as df
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook

    emulator.date_filters = "date"
    end = utc(2026, 6, 1, 18)
    deals = [emulator.insert("deals", title=f"d{n}", value=1, currency="usd", cdate=when, mdate=when)
             for n in range(300) if (when := end - timedelta(minutes=72 * (n + 1) / 60))]
    window = Window(end - timedelta(hours=3), end)
    inside = {d["id"] for d in deals if pendulum.parse(d["cdate"]) in window}
    assert len(inside) == 150
    hook = ActiveCampaignHook()
    try:
        if known:
            assert date_filters(hook).readings == {"date"}
        else:
            df.remember(emulator.url, UNKNOWN)
        emulator.clear_requests()
        assert {r["id"] for r in WatchSearch("deal", window).fetch(hook)} == inside
        assert len(emulator.requests) == 2
        quiet = Window(end + timedelta(hours=1), end + timedelta(hours=2))
        emulator.clear_requests()
        assert WatchSearch("deal", quiet).fetch(hook) == []
        assert len(emulator.requests) == 1
    finally:
        hook.close()
    emulator.clear_requests()
    async with ActiveCampaignAsyncHook() as async_hook:
        assert {r["id"] for r in await WatchSearch("deal", window).afetch(async_hook)} == inside
    assert len(emulator.requests) == 2
