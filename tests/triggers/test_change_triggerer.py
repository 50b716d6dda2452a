"""Change streams in a real Airflow: dag-processor, scheduler and triggerer processes on SQLite.

Deals created in the emulator become asset events (one per change, with its change_key)
and asset-triggered runs; a SIGKILLed triggerer loses no change and re-delivers at most
what it had not confirmed (Airflow 3.3+, the position in the asset's state store, read back
through the REST API) or its last seconds of changes (3.0-3.2, the trigger's own loop, the
position in a Variable), with the same change_key. About 40-80 s on a loaded machine.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from airflow_provider_activecampaign.triggers.change import SHARED_STREAMS
from tests.conftest import emulator_connection
from tests.triggers.live_airflow import LiveAirflow

#: position keys (not the holder marks saying which triggerer delivers the stream)
POSITIONS = "SELECT key FROM {} WHERE key LIKE 'activecampaign_changes__%' AND key NOT LIKE '%__holder'"

DAG = '''
import pendulum
from airflow.sdk import DAG, Asset, AssetWatcher
from airflow.providers.standard.operators.empty import EmptyOperator

from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger

deals = Asset("activecampaign://emulator/deals", watchers=[
    AssetWatcher(name="deal_created", trigger=ActiveCampaignChangeTrigger(resource="deal", watch="created",
                                                                          poll_interval=1)),
])

with DAG("on_deal_created", schedule=[deals], start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False):
    EmptyOperator(task_id="noted")
'''


def test_a_killed_triggerer_loses_no_change(emulator):
    """Airflow 3.3+: the acknowledged shared stream; 3.0-3.2: the trigger's own loop (at least once)."""
    with LiveAirflow({"change_dags": DAG}, emulator_connection(emulator)) as airflow:
        airflow.wait(lambda: any(r.path == "/api/3/deals" for r in emulator.requests), 150,
                     "the triggerer polls the deals")
        # Airflow 3.3+: in the watched asset's state store; 3.0-3.2: in a Variable
        table = "asset_state_store" if SHARED_STREAMS else "variable"
        airflow.wait(lambda: airflow.query(POSITIONS.format(table)), 30, "the stream saved its starting position")
        first = [emulator.insert("deals", title=f"before {n}", value=1, currency="usd")["id"] for n in range(3)]
        airflow.wait(lambda: len(airflow.asset_events()) >= 3, 30, "three asset events")
        airflow.kill_triggerer()
        second = [emulator.insert("deals", title=f"after {n}", value=1, currency="usd")["id"] for n in range(2)]
        ids = first + second

        def all_seen() -> bool:
            return {e["id"] for _, e, _ in airflow.asset_events()} >= set(ids)

        airflow.wait(all_seen, 60, "every deal as an asset event after the restart")
        events = [extra for _, extra, _ in airflow.asset_events()]
        assert {e["id"] for e in events} == set(ids)
        by_id = {e["id"]: e["change_key"] for e in events}
        assert all(by_id[e["id"]] == e["change_key"] for e in events)  # a re-delivery has the same key
        counts = Counter(e["change_key"] for e in events)
        assert all(counts[by_id[i]] == 1 for i in second)  # made after the kill: exactly once
        assert all(e["watch"] == "created" and e["resource"] == "deal" for e in events)
        airflow.wait(lambda: airflow.query("SELECT count(*) FROM dag_run WHERE dag_id = 'on_deal_created'")[0][0] >= 1,
                     30, "an asset-triggered run")
        if SHARED_STREAMS:
            assert_position_in_the_asset_state_store(airflow, max(int(i) for i in ids))


def assert_position_in_the_asset_state_store(airflow: LiveAirflow, newest: int) -> None:
    """Airflow 3.3+: the position is in the asset's state store (read through the REST API), no Variable."""
    (key,) = airflow.query(POSITIONS.format("asset_state_store"))[0]
    (asset_id,) = airflow.query("SELECT id FROM asset WHERE uri = 'activecampaign://emulator/deals'")[0]
    url = f"/api/v2/assets/{asset_id}/state-store/{key}"
    # advanced past every deal once their events were stored (confirmed at the triggerer's next sync)
    airflow.wait(lambda: airflow.rest("GET", url)[1]["value"]["last_id"] >= newest, 30, "the position advanced")
    status, body = airflow.rest("GET", url)
    assert status == 200, body
    assert body["last_updated_by"]["kind"] == "watcher"
    assert airflow.query(POSITIONS.format("variable")) == []


@pytest.mark.skipif(not SHARED_STREAMS, reason="the asset state store needs Airflow 3.3+")
def test_reset_replay_and_migration_through_the_asset_state_store(emulator):
    """docs/change-events.md: with the triggerer stopped, delete the key (reset) or set an earlier one (replay);
    a position only in an earlier version's Variable moves to the state store."""
    with LiveAirflow({"change_dags": DAG}, emulator_connection(emulator)) as airflow:
        airflow.wait(lambda: airflow.query(POSITIONS.format("asset_state_store")), 150, "the stream's position")
        (key,) = airflow.query(POSITIONS.format("asset_state_store"))[0]
        (asset_id,) = airflow.query("SELECT id FROM asset WHERE uri = 'activecampaign://emulator/deals'")[0]
        url = f"/api/v2/assets/{asset_id}/state-store/{key}"

        def events_of(deal: str) -> list[str]:
            return [e["change_key"] for _, e, _ in airflow.asset_events() if e["id"] == deal]

        airflow.stop("triggerer")
        unseen = emulator.insert("deals", title="made while stopped", value=1, currency="usd")["id"]
        assert airflow.rest("DELETE", url)[0] == 204  # reset: start from now
        airflow.start("triggerer")
        airflow.wait(lambda: airflow.query(POSITIONS.format("asset_state_store")), 60, "a new start position")
        after = emulator.insert("deals", title="after the reset", value=1, currency="usd")["id"]
        airflow.wait(lambda: events_of(after), 60, "the deal made after the reset")
        assert events_of(unseen) == []  # older than the reset: not reported

        airflow.stop("triggerer")
        status, body = airflow.rest("GET", url)
        assert status == 200, body
        replay = {**body["value"], "last_id": int(unseen) - 1, "offset": 0, "window": [], "seen": {}}
        assert airflow.rest("PUT", url, {"value": replay})[0] == 204  # replay from the deal before it
        airflow.start("triggerer")
        airflow.wait(lambda: events_of(unseen) and len(events_of(after)) == 2, 60, "the replay")
        assert len(set(events_of(after))) == 1  # reported again with the same change_key

        # a position only in the Variable of Airflow 3.0-3.2 (an upgrade): read once, moved to the state store
        airflow.stop("triggerer")
        assert airflow.rest("DELETE", url)[0] == 204
        old = {**replay, "last_id": int(after) - 1}
        assert airflow.rest("POST", "/api/v2/variables", {"key": key, "value": json.dumps(old)})[0] == 201
        airflow.start("triggerer")
        airflow.wait(lambda: len(events_of(after)) == 3, 60, "the deal after the Variable's position")
        airflow.wait(lambda: not airflow.query(POSITIONS.format("variable")), 30, "the Variable deleted")
        airflow.wait(lambda: airflow.rest("GET", url)[1]["value"]["last_id"] >= int(after), 30,
                     "the position advanced in the state store")
        assert len(events_of(unseen)) == 1  # before the Variable's position: not again


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
