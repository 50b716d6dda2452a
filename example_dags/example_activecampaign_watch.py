"""Daily: wait for the deals created in the run's window, then summarise them.

``@daily`` is Airflow 3's ``CronTriggerTimetable``: the data interval is a point, so the
sensor watches from the previous successful run to this run's logical date (the first run:
the day before). The sensor is deferrable (it waits in the triggerer, not in a worker slot)
and gives up after 6 hours (``soft_fail``: the run is skipped, not failed, on a day without
deals). Up to 100 deals travel through XCom; more are written as JSON Lines under
the Airflow Variable ``activecampaign_watch_url`` (a local folder, or e.g. ``s3://bucket/activecampaign``).
See docs/watch.md.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import pendulum
from airflow.sdk import DAG, ObjectStoragePath, task

from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor

POKE_INTERVAL = float(os.environ.get("ACTIVECAMPAIGN_WATCH_POKE_INTERVAL", 300))

with DAG(
    dag_id="example_activecampaign_watch",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example", "activecampaign"],
) as dag:
    # [START howto_sensor_activecampaign_watch_deals]
    new_deals = ActiveCampaignWatchDealsSensor(
        task_id="wait_for_new_deals",
        status="open",
        deferrable=True,
        poke_interval=300,
        timeout=6 * 3600,
        soft_fail=True,
        max_xcom_records=100,
        # the Variable activecampaign_watch_url: a folder, or e.g. s3://bucket/activecampaign
        output_path="{{ var.value.get('activecampaign_watch_url', '/tmp/activecampaign-watch') }}"
                    "/{{ (dag_run.logical_date or dag_run.run_after) | ds }}/new-deals.jsonl",
    )
    # [END howto_sensor_activecampaign_watch_deals]
    new_deals.poke_interval = POKE_INTERVAL  # the demo checks more often than every 5 minutes

    @task
    def summarise(deals: list | dict) -> dict:
        """Count the new deals and add up their value per currency (values are in cents)."""
        if isinstance(deals, dict):  # more than max_xcom_records: JSON Lines in storage
            lines = ObjectStoragePath(deals["path"]).read_text().splitlines()
            deals = [json.loads(line) for line in lines]
        value: Counter[str] = Counter()
        for deal in deals:
            value[deal.get("currency", "usd").upper()] += int(deal.get("value") or 0)
        summary = {
            "deals": len(deals),
            "value": {currency: cents / 100 for currency, cents in sorted(value.items())},
            "titles": [deal.get("title") for deal in deals],
        }
        print(f"New deals: {summary}")
        return summary

    summarise(new_deals.output)


from airflow_provider_activecampaign.testing.system_tests import get_test_run  # noqa: E402

# Run as a system test (tests/examples/test_system.py): one dag.test() run that must succeed.
test_run = get_test_run(dag)
