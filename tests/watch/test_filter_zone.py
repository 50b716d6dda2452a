"""The API's date filters have an undocumented zone: whichever way the server reads our
bound (the instant as sent, its clock time as UTC, or its clock time in the account's zone,
US Central), a Watch search over real HTTP returns exactly the records in its window.

The emulator's reading is switched in ``testing/emulator/filters.py`` (``FILTER_READING``).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
import pytest

from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from airflow_provider_activecampaign.testing.emulator import filters as emulator_filters
from airflow_provider_activecampaign.watch import WatchSearch, Window
from airflow_provider_activecampaign.watch import search as search_module

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
def test_every_reading_of_the_date_filters_returns_exactly_the_window(emulator, monkeypatch, reading, window, watch):
    monkeypatch.setattr(emulator_filters, "FILTER_READING", reading)
    expected = seed(emulator, window, watch)
    assert len(expected) == 6
    assert found(window, watch) == expected
    asked = [r for r in emulator.requests if r.path == "/api/3/deals"]
    assert f"filters[{watch}_after]" in asked[-1].query  # the server filtered (widened) too


def test_the_old_fifteen_minutes_lose_records_when_the_server_reads_account_time(emulator, monkeypatch):
    """The check above can fail: with the former overlap the account-time reading drops the window's start."""
    monkeypatch.setattr(emulator_filters, "FILTER_READING", "account")
    monkeypatch.setattr(search_module, "SERVER_WINDOW_OVERLAP", timedelta(minutes=15))
    window = WINDOWS["a day"]
    expected = seed(emulator, window, "created")
    assert found(window, "created") < expected


def test_the_emulator_reads_the_bound_as_switched(emulator, monkeypatch):
    bound = "2026-03-10T00:00:00+00:00"
    readings = {}
    for reading in emulator_filters.FILTER_READINGS:
        monkeypatch.setattr(emulator_filters, "FILTER_READING", reading)
        readings[reading] = emulator_filters.filter_bound(bound)
    assert readings["offset"] == readings["utc"] == pendulum.datetime(2026, 3, 10, tz="UTC")
    assert readings["account"] == pendulum.datetime(2026, 3, 10, 5, tz="UTC")  # midnight CDT
