"""Two Watch sensor tasks (two DAGs) sharing one ``watermark_key``: every record reported exactly once.

Real Airflow, as in test_watch_overlapping_claims.py: each run is ``dag.test()`` in a process of
its own, both held at their first write to the key's Variables and released at one moment. On
Airflow 3.0-3.2 the other task's claim tickets are found through ``<key>__tasks``.
"""

from __future__ import annotations

import json
import multiprocessing
from datetime import timedelta
from pathlib import Path

import pendulum
import pytest

from tests.bundles import dag_file, load
from tests.sensors.deal_runs import HOUR, between, deals_every_six_hours
from tests.sensors.test_watch_overlapping_claims import _hold_first_write, run_processes, variables

DAY = timedelta(days=1)
T0 = pendulum.now("UTC").start_of("day") - 6 * DAY
NAME = "watch_shared_key_dags"
KEY = "activecampaign_watch_shared_deals"

DAGS = '''
import os
import time
from datetime import timedelta

import pendulum
from airflow.sdk import DAG, task
from airflow.timetables.trigger import CronTriggerTimetable

from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor

SEEN = []

for dag_id in ("watch_shared_a", "watch_shared_b"):
    with DAG(dag_id, schedule=CronTriggerTimetable("0 0 * * *", timezone="UTC"), catchup=False,
             start_date=pendulum.datetime(2026, 1, 1, tz="UTC")) as dag:
        deals = ActiveCampaignWatchDealsSensor(
            task_id="watch", window_mode="watermark", watermark_key="WATERMARK_KEY", settle=timedelta(hours=1),
            deferrable=False, poke_interval=0.05, timeout=0.3, soft_fail=True)

        @task
        def report(deals):
            time.sleep(float(os.environ.get("WATCH_SHARED_HOLD", "0")))  # the run stays live a while
            SEEN.append([d["title"] for d in deals])

        report(deals.output)
    globals()[dag_id] = dag
'''.replace("WATERMARK_KEY", KEY)


@pytest.fixture(scope="module")
def dags(airflow_db, tmp_path_factory):
    with dag_file(tmp_path_factory.mktemp("watch_shared_key"), NAME, DAGS) as module:
        yield module


def _one_run(folder: str, dag_id: str, logical_date: str, barrier, results) -> None:
    try:
        module = load(Path(folder), NAME)
        _hold_first_write(KEY, barrier, 0.0)
        run = getattr(module, dag_id).test(logical_date=pendulum.parse(logical_date))
        results.put({"dag_id": dag_id, "run_id": run.run_id, "state": str(run.state), "seen": module.SEEN})
    except BaseException as error:  # reported, so the test fails with the reason
        barrier.abort()
        results.put({"dag_id": dag_id, "error": repr(error)})


def at_the_same_moment(dags, dag_ids: list[str], logical_date: pendulum.DateTime) -> list[dict]:
    """``dag.test()`` of each DAG in a process of its own, their first writes at one moment."""
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(len(dag_ids)), spawn.Queue()
    folder = str(Path(dags.__file__).parent)
    processes = [spawn.Process(target=_one_run, args=(folder, dag_id, logical_date.isoformat(), barrier, results))
                 for dag_id in dag_ids]
    return run_processes(processes, results, {"WATCH_SHARED_HOLD": "4"})


def test_two_tasks_sharing_a_watermark_key_report_every_record_once(dags, emulator):
    made = deals_every_six_hours(emulator, T0, T0 + 4 * DAY)
    day2, day3 = T0 + 2 * DAY, T0 + 3 * DAY
    assert dags.watch_shared_a.test(logical_date=day2).state == "success"  # a watermark to start from

    outcomes = at_the_same_moment(dags, ["watch_shared_a", "watch_shared_b"], day3)
    batches = [batch for o in outcomes for batch in o["seen"]]
    for outcome in outcomes:  # a run refused while the other held the window: its retry (a re-run)
        if not outcome["seen"]:
            assert getattr(dags, outcome["dag_id"]).test(logical_date=day3).state == "success"
    reported = [title for batch in dags.SEEN + batches for title in batch]
    assert len(reported) == len(set(reported)), outcomes  # nothing twice
    assert sorted(reported) == between(made, T0 + DAY - HOUR, day3 - HOUR)  # nothing lost
    assert variables(f"{KEY}__claim__") == {}  # no ticket left behind
    if f"{KEY}__tasks" in variables(KEY):  # Airflow 3.0-3.2: both tasks listed
        assert sorted(json.loads(variables(KEY)[f"{KEY}__tasks"])) == [["watch_shared_a", "watch"],
                                                                        ["watch_shared_b", "watch"]]
