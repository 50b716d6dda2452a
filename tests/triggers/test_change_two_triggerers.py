"""Two real triggerers side by side (Airflow's high availability) on one change stream.

In a file of its own so that the suite's workers run it beside the other real-triggerer
tests (it takes about 75 s).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from airflow_provider_activecampaign.triggers.change import SHARED_STREAMS
from tests.conftest import emulator_connection
from tests.triggers.live_airflow import LiveAirflow
from tests.triggers.test_change_triggerer import DAG


@pytest.mark.skipif(not SHARED_STREAMS, reason="shared streams and the asset state store need Airflow 3.3+")
def test_two_triggerers_one_delivers_and_the_other_waits_through_a_handover(emulator):
    """High availability: a triggerer that stops heartbeating (SIGSTOP) has its trigger handed to the
    other, which runs it too but waits while the first's holder mark is fresh; once Airflow cancels it
    in the first, the other delivers. Nothing lost; changes after the handover exactly once."""
    import os
    import signal
    import time

    def mark() -> dict | None:
        rows = airflow.query("SELECT value FROM asset_state_store WHERE key LIKE 'activecampaign_changes__%__holder'")
        value = json.loads(rows[0][0]) if rows else None
        return value if isinstance(value, dict) and value.get("at") else None

    def deals(prefix: str, count: int) -> list[str]:
        return [emulator.insert("deals", title=f"{prefix} {n}", value=1, currency="usd")["id"] for n in range(count)]

    with LiveAirflow({"change_dags": DAG}, emulator_connection(emulator), triggerers=2) as airflow:
        airflow.wait(mark, 150, "a triggerer delivers the stream")
        ids = deals("before", 2)
        airflow.wait(lambda: len(airflow.asset_events()) >= 2, 60, "two asset events")
        first = next(n for n in airflow.triggerers if os.getpgid(mark()["pid"]) == airflow.procs[n].pid)
        other = next(n for n in airflow.triggerers if n != first)
        os.killpg(airflow.procs[first].pid, signal.SIGSTOP)  # its heartbeat stops, not its process
        try:
            ids += deals("stopped", 2)
            airflow.wait(lambda: "this triggerer waits" in airflow.log(other), 60, "the other runs it and waits")
            time.sleep(2)
        finally:
            os.killpg(airflow.procs[first].pid, signal.SIGCONT)
        airflow.wait(lambda: "this triggerer delivers it" in airflow.log(other), 90, "the other takes over")
        after = deals("after", 2)
        ids += after

        def all_seen() -> bool:
            return {e["id"] for _, e, _ in airflow.asset_events()} >= set(ids)

        airflow.wait(all_seen, 60, "every deal as an asset event")
        time.sleep(3)
        events = [extra for _, extra, _ in airflow.asset_events()]
        counts = Counter(e["change_key"] for e in events)
        assert {e["id"] for e in events} == set(ids)
        assert all(len({e["change_key"] for e in events if e["id"] == i}) == 1 for i in ids)
        assert all(counts[e["change_key"]] == 1 for e in events if e["id"] in after)
