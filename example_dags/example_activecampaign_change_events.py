"""Change events: a DAG run for every deal changed in ActiveCampaign, without a schedule or a sensor.

An ``AssetWatcher`` runs :class:`ActiveCampaignChangeTrigger` in the triggerer: each changed
deal becomes one asset event (``extra["payload"]``: ``change_key``, ``id``, ``stamp``, ``record``...),
and the DAG runs on the events. On Airflow 3.3+ every watcher of the same stream shares one
poll and the stream's position (kept in the asset's state store) moves only once the events
are stored; on 3.0-3.2 the trigger polls on its own, at least once, its position in a Variable
(see docs/change-events.md).
Started by hand (or by ``dag.test()``), the run has no asset events and reports nothing.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import DAG, Asset, AssetWatcher, task

from airflow_provider_activecampaign.assets import resource_uri
from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger

POLL_INTERVAL = float(os.environ.get("ACTIVECAMPAIGN_CHANGE_POLL_INTERVAL", 30))

# [START howto_change_events]
deal_changes = Asset(
    resource_uri("myaccount", "deals"),
    watchers=[AssetWatcher(
        name="activecampaign_deal_changes",
        trigger=ActiveCampaignChangeTrigger(conn_id="activecampaign_default", resource="deal", watch="updated",
                                            poll_interval=30),
    )],
)

with DAG(
    "example_activecampaign_change_events",
    schedule=[deal_changes],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example", "activecampaign"],
) as dag:

    @task
    def report_changes(triggering_asset_events=None) -> list[str]:
        """One line per change that started this run (several if they were queued together)."""
        keys = []
        for events in (triggering_asset_events or {}).values():
            for event in events:
                change = (event.extra or {}).get("payload") or {}  # what the trigger sent
                print(f"deal {change.get('id')} {change.get('watch')} at {change.get('stamp')}")
                keys.append(change.get("change_key"))  # de-duplicate downstream writes by this key
        return keys

    report_changes()
# [END howto_change_events]
deal_changes.watchers[0].trigger.poll_interval = POLL_INTERVAL  # `make demo` polls more often

from airflow_provider_activecampaign.testing.system_tests import get_test_run  # noqa: E402

# Run as a system test (tests/examples/test_system.py): one dag.test() run that must succeed.
test_run = get_test_run(dag)
