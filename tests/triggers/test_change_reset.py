"""Resetting, replaying and migrating a change stream's position in a real Airflow 3.3+.

In a file of its own so that the suite's workers run it beside the other real-triggerer
tests (it takes about 2 minutes).
"""

from __future__ import annotations

import json

import pytest

from airflow_provider_activecampaign.triggers.change import SHARED_STREAMS
from tests.conftest import emulator_connection
from tests.triggers.live_airflow import LiveAirflow
from tests.triggers.test_change_triggerer import DAG, POSITIONS


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
