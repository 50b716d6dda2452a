"""Watch windows across run patterns, in real Airflow (``dag.test()``), against the emulator.

``window_mode="watermark"``: every deal reported exactly once by a successful run across
scheduled runs, a skipped day, a record that shows up late (within ``settle``), a failed
run and its re-run after later runs, manual runs with and without a logical date, and a
catch-up run after them; overlapping runs are refused. ``window_mode="interval"``: a re-run
reports the same records again (idempotent).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pendulum
import pytest

from tests.bundles import dag_file
from tests.sensors.deal_runs import HOUR, between, deals_every_six_hours

DAY = timedelta(days=1)
T0 = pendulum.now("UTC").start_of("day") - 9 * DAY


def d(k: int) -> pendulum.DateTime:
    """The logical date of day ``k`` (all in the past, so no run waits for the clock)."""
    return T0 + k * DAY


DAGS = '''
from datetime import timedelta

import pendulum
from airflow.sdk import DAG, task
from airflow.timetables.trigger import CronTriggerTimetable

from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor

SEEN = {}
FAIL = set()

for dag_id, mode, deferrable in [("watch_watermark", "watermark", False), ("watch_interval", "interval", False),
                                 ("watch_watermark_busy", "watermark", False),
                                 ("watch_watermark_deferred", "watermark", True)]:
    with DAG(dag_id, schedule=CronTriggerTimetable("0 0 * * *", timezone="UTC"), catchup=False,
             start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), max_active_runs=1) as dag:
        deals = ActiveCampaignWatchDealsSensor(task_id="watch", window_mode=mode, settle=timedelta(hours=1),
                                               deferrable=deferrable, poke_interval=0.05, wait_when_closed=True,
                                               timeout=5 if deferrable else 0.3, soft_fail=True)

        @task
        def report(deals, dag_run=None):
            if dag_run.dag_id in FAIL:
                raise RuntimeError("downstream failed")
            SEEN.setdefault(dag_run.dag_id, []).append([d["title"] for d in deals])

        report(deals.output)
    globals()[dag_id] = dag
'''


@pytest.fixture(scope="module")
def dags(airflow_db, tmp_path_factory):
    with dag_file(tmp_path_factory.mktemp("watch_run_patterns"), "watch_run_pattern_dags", DAGS) as module:
        yield module


def state(key: str) -> dict:
    from airflow.models.variable import Variable

    return json.loads(Variable.get(key))


def task_state(dag_run, task_id: str = "watch") -> str:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return session.scalars(select(TaskInstance.state).where(
            TaskInstance.dag_id == dag_run.dag_id, TaskInstance.run_id == dag_run.run_id,
            TaskInstance.task_id == task_id)).one()


def set_run_state(dag_run, value: str) -> None:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(update(DagRun).where(DagRun.dag_id == dag_run.dag_id, DagRun.run_id == dag_run.run_id)
                        .values(state=value))


def test_watermark_reports_every_record_once_across_run_patterns(dags, emulator):
    dag, key = dags.watch_watermark, "activecampaign_watch__watch_watermark__watch"
    made = deals_every_six_hours(emulator, T0, pendulum.now("UTC") - 2 * HOUR)
    seen = dags.SEEN.setdefault(dag.dag_id, [])

    assert dag.test(logical_date=d(2)).state == "success"  # first run: one day back (and settle)
    assert sorted(seen[-1]) == between(made, d(1) - HOUR, d(2) - HOUR)
    assert dag.test(logical_date=d(3)).state == "success"
    assert sorted(seen[-1]) == between(made, d(2) - HOUR, d(3) - HOUR)

    # a deal that shows up in the API after day 3's run, within settle of that window's end
    emulator.insert("deals", title="late", value=1, currency="usd", cdate=d(3) - 30 * timedelta(minutes=1))
    made["late"] = d(3) - 30 * timedelta(minutes=1)

    # day 4 skipped (catchup=False); day 5 reads from where day 3 stopped
    assert dag.test(logical_date=d(5)).state == "success"
    assert sorted(seen[-1]) == between(made, d(3) - HOUR, d(5) - HOUR) and "late" in seen[-1]

    dags.FAIL.add(dag.dag_id)  # day 6 fails after its sensor delivered
    try:
        assert dag.test(logical_date=d(6)).state == "failed"
    finally:
        dags.FAIL.discard(dag.dag_id)
    assert dag.test(logical_date=d(7)).state == "success"  # day 6's window is read again
    assert sorted(seen[-1]) == between(made, d(5) - HOUR, d(7) - HOUR)

    assert state(key)["watermark"] == (d(5) - HOUR).isoformat()  # day 5 committed, day 6 dropped
    rerun = dag.test(logical_date=d(6))  # the failed run re-run after a later one: nothing new
    assert rerun.state == "success" and task_state(rerun) == "skipped"

    manual = dag.test(logical_date=None)  # a manual run without a logical date: up to now - settle
    assert manual.state == "success"
    until = pendulum.parse(state(key)["claim"]["until"])
    assert pendulum.now("UTC") - HOUR - timedelta(minutes=5) < until <= pendulum.now("UTC") - HOUR
    assert sorted(seen[-1]) == between(made, d(7) - HOUR, until)

    catch_up = dag.test(logical_date=d(8))  # a scheduled run after the manual one: already reported
    assert catch_up.state == "success" and task_state(catch_up) == "skipped"
    assert state(key)["watermark"] == until.isoformat()

    reported = [title for batch in seen for title in batch]
    assert len(reported) == len(set(reported))  # nothing twice
    assert sorted(reported) == between(made, d(1) - HOUR, until)  # nothing lost
    assert len(seen) == 5


def test_interval_mode_rerun_reports_the_same_records(dags, emulator):
    dag = dags.watch_interval
    made = deals_every_six_hours(emulator, T0, d(4))
    seen = dags.SEEN.setdefault(dag.dag_id, [])
    assert dag.test(logical_date=d(2)).state == "success"
    assert dag.test(logical_date=d(3)).state == "success"
    assert dag.test(logical_date=d(2)).state == "success"
    first, second, again = (sorted(batch) for batch in seen)
    assert first == again == between(made, d(1) - HOUR, d(2) - HOUR)  # the same window, shifted by settle
    assert second == between(made, d(2) - HOUR, d(3) - HOUR)


def test_a_run_that_overlaps_a_live_claim_is_refused(dags, emulator):
    dag, key = dags.watch_watermark_busy, "activecampaign_watch__watch_watermark_busy__watch"
    made = deals_every_six_hours(emulator, T0, d(4))
    seen = dags.SEEN.setdefault(dag.dag_id, [])
    first = dag.test(logical_date=d(2))
    assert first.state == "success"
    claim = state(key)["claim"]
    set_run_state(first, "running")  # as if day 2 were still deferred or its downstream running
    try:
        busy = dag.test(logical_date=d(3))
    finally:
        set_run_state(first, "success")
    assert busy.state == "failed" and task_state(busy) == "failed"
    assert state(key)["claim"] == claim and len(seen) == 1  # untouched, nothing reported
    assert dag.test(logical_date=d(3)).state == "success"
    assert sorted(seen[-1]) == between(made, d(2) - HOUR, d(3) - HOUR)


def test_watermark_through_the_trigger_delivers_and_commits_its_claim(dags, emulator):
    """Deferred: the first check finds nothing, the trigger finds the deals, ``execute_complete`` delivers."""
    dag, key = dags.watch_watermark_deferred, "activecampaign_watch__watch_watermark_deferred__watch"
    seen = dags.SEEN.setdefault(dag.dag_id, [])
    polls: list[object] = []

    def deals_appear_after_the_first_check(emu, request) -> None:
        if request.method == "GET" and request.path == "/api/3/deals":
            polls.append(request)
            if len(polls) == 2:  # the trigger's first poll: they are there now
                for hours in (3, 9, 15):
                    when = d(1) + hours * HOUR
                    emu.insert("deals", title=f"deferred {hours}h", value=1, currency="usd", cdate=when, mdate=when)

    emulator.on_request(deals_appear_after_the_first_check)
    run = dag.test(logical_date=d(2))
    emulator.on_request(None)

    assert run.state == "success" and len(polls) >= 2
    assert sorted(seen[-1]) == ["deferred 15h", "deferred 3h", "deferred 9h"]
    claim = state(key)["claim"]
    assert claim["delivered"] and claim["until"] == (d(2) - HOUR).isoformat()
    dag.test(logical_date=d(3))  # the next run commits it
    assert state(key)["watermark"] == (d(2) - HOUR).isoformat()

