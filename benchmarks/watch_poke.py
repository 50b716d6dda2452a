"""Requests per Watch poke, before and after the date-filter probe, on a quiet and a busy account.

A busy account has a steady 250 new deals an hour (two days of them); a poke reads the last
hour (250 matches) or an hour with nothing in it (quiet). "before": the window widened by
6 h 15 min on each side, as every poke did before the probe ("widened": the fallback now, when
the reading cannot be known: the tightest bounds every reading holds the window in). "after":
the per-account probe has run (once, cached), so the API is asked for the window itself.
Each is run under every reading the emulator offers.

    .venv/bin/python benchmarks/watch_poke.py
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import isolated_airflow, machine, table

isolated_airflow("ERROR")

import pendulum  # noqa: E402

from airflow_provider_activecampaign.client import date_filters as df  # noqa: E402
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook  # noqa: E402
from airflow_provider_activecampaign.testing import ActiveCampaignEmulator  # noqa: E402
from airflow_provider_activecampaign.testing.emulator.filters import FILTER_READINGS  # noqa: E402
from airflow_provider_activecampaign.watch import WatchSearch, Window  # noqa: E402

OLD_OVERLAP = timedelta(hours=6, minutes=15)
PER_HOUR = 250
HOURS = 48


def busy(emulator: ActiveCampaignEmulator, now: pendulum.DateTime) -> None:
    step = timedelta(hours=1) / PER_HOUR
    for n in range(PER_HOUR * HOURS):
        when = now - step * (n + 1)
        emulator.insert("deals", title=f"d{n}", value=1, currency="usd", cdate=when, mdate=when)


def requests_per_poke(emulator: ActiveCampaignEmulator, window: Window, how: str) -> tuple[int, int]:
    """(requests of the poke, records it returned); the probe, if any, runs before and is not counted."""
    fresh()
    hook = ActiveCampaignHook()
    try:
        search = WatchSearch("deal", window)
        if how == "after":
            df.date_filters(hook)
        else:
            df.remember(emulator.url, df.UNKNOWN)
        emulator.clear_requests()
        if how == "before":
            params = {"filters[created_after]": (window.since - OLD_OVERLAP).isoformat(),
                      "filters[created_before]": (window.until + OLD_OVERLAP).isoformat()}
            found = search.select(hook.paginate(search.path, search.envelope, params=params))
        else:
            found = search.fetch(hook)
        return len(emulator.requests), len(found)
    finally:
        hook.close()


def fresh() -> None:
    """Nothing known of the account, in the process or on file."""
    import os
    import tempfile

    os.environ[df.CACHE_ENV] = tempfile.mkdtemp(prefix="ac-bench-dates-")
    df.forget()


def probe_cost(emulator: ActiveCampaignEmulator) -> tuple[int, str]:
    fresh()
    emulator.clear_requests()
    hook = ActiveCampaignHook()
    try:
        found = df.date_filters(hook)
    finally:
        hook.close()
    return len(emulator.requests), "/".join(sorted(found.readings))


def main() -> None:
    import os

    print(machine("Watch poke"))
    now = pendulum.now("UTC").replace(microsecond=0)
    busy_hour = Window(now - timedelta(hours=1), now)
    quiet_hour = Window(now + timedelta(hours=1), now + timedelta(hours=2))
    rows = []
    with ActiveCampaignEmulator() as emulator:
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = emulator.connection_json().replace(
            '"allow_http": true', '"allow_http": true, "requests_per_second": 0')
        busy(emulator, now)
        for reading in FILTER_READINGS:
            emulator.date_filters = reading
            cost, found = probe_cost(emulator)
            row = [reading, f"{cost} ({found})"]
            for window in (quiet_hour, busy_hour):
                for how in ("before", "widened", "after"):
                    asked, got = requests_per_poke(emulator, window, how)
                    row.append(f"{asked} ({got})")
            rows.append(row)
    print(f"busy account: {PER_HOUR} deals an hour for {HOURS} hours; requests per poke (records returned)")
    print(table(["reading", "probe, once", "quiet before", "quiet widened", "quiet after", "busy before",
                 "busy widened", "busy after"], rows))


if __name__ == "__main__":
    main()
