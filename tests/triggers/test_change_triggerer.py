"""Change streams in a real Airflow: dag-processor, scheduler and triggerer processes on SQLite.

Deals created in the emulator become asset events (one per change, with its change_key)
and asset-triggered runs; a SIGKILLed triggerer loses no change and re-delivers at most
what it had not confirmed (Airflow 3.3+, the position in the asset's state store, read back
through the REST API) or its last seconds of changes (3.0-3.2, the trigger's own loop, the
position in a Variable), with the same change_key. About 40-80 s on a loaded machine.
"""

from __future__ import annotations

from collections import Counter

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
