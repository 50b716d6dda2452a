"""Overlapping runs of a watermark Watch sensor (a backfill's runs) never both claim a window.

Real Airflow: each run is ``dag.test()`` in a process of its own, all on the suite's SQLite
metadata database, against the emulator. The runs are held at their first write to the
watermark's Variables by a barrier, then write at the same moment or one after the other;
whichever way, one run reports the window, the others fail (their retries, here re-runs,
report what is left), and across everything each deal is reported exactly once.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from datetime import timedelta
from pathlib import Path

import pendulum
import pytest

from tests.bundles import dag_file, load
from tests.sensors.deal_runs import HOUR, between, deals_every_six_hours

DAY = timedelta(days=1)
T0 = pendulum.now("UTC").start_of("day") - 9 * DAY
NAME = "watch_overlap_dags"
#: How long each run stays live after its sensor (its downstream task runs), in the runs in processes.
HOLD = 10


def d(k: int) -> pendulum.DateTime:
    return T0 + k * DAY


DAGS = '''
import os
import time
from datetime import timedelta

import pendulum
from airflow.sdk import DAG, task
from airflow.timetables.trigger import CronTriggerTimetable

from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor

SEEN = {}

for dag_id in ("watch_overlap_at_once", "watch_overlap_one_by_one", "watch_overlap_stale"):
    with DAG(dag_id, schedule=CronTriggerTimetable("0 0 * * *", timezone="UTC"), catchup=False,
             start_date=pendulum.datetime(2026, 1, 1, tz="UTC")) as dag:
        deals = ActiveCampaignWatchDealsSensor(task_id="watch", window_mode="watermark", settle=timedelta(hours=1),
                                               deferrable=False, poke_interval=0.05, timeout=0.3, soft_fail=True)

        @task
        def report(deals, dag_run=None):
            time.sleep(float(os.environ.get("WATCH_OVERLAP_HOLD", "0")))  # the run stays live a while
            SEEN.setdefault(dag_run.dag_id, []).append([d["title"] for d in deals])

        report(deals.output)
    globals()[dag_id] = dag
'''


@pytest.fixture(scope="module")
def dags(airflow_db, tmp_path_factory):
    with dag_file(tmp_path_factory.mktemp("watch_overlap"), NAME, DAGS) as module:
        yield module


def variables(prefix: str) -> dict[str, str]:
    from airflow.models.variable import Variable
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return {v.key: v.val for v in session.scalars(select(Variable).where(Variable.key.startswith(prefix)))}


def task_state(dag_id: str, run_id: str) -> str | None:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return session.scalars(select(TaskInstance.state).where(
            TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id, TaskInstance.task_id == "watch")).one()


def set_task_state(dag_id: str, run_id: str, value: str) -> None:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(update(TaskInstance).where(TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id,
                                                   TaskInstance.task_id == "watch").values(state=value))


# one run in a process of its own ---------------------------------------------------------


def _hold_first_write(prefix: str, barrier, delay: float) -> None:
    """The run's first write to a Variable under ``prefix`` waits for every run, then ``delay`` seconds."""
    from airflow.sdk import Variable

    original = Variable.set.__func__
    held: list[bool] = []

    def set_(cls, key, value, *args, **kwargs):
        if key.startswith(prefix) and not held:
            held.append(True)
            barrier.wait(timeout=120)
            time.sleep(delay)
        return original(cls, key, value, *args, **kwargs)

    Variable.set = classmethod(set_)


def _one_run(folder: str, dag_id: str, logical_date: str, barrier, delay: float, results) -> None:
    try:
        module = load(Path(folder), NAME)
        _hold_first_write(f"activecampaign_watch__{dag_id}__watch", barrier, delay)
        run = getattr(module, dag_id).test(logical_date=pendulum.parse(logical_date))
        results.put({"logical_date": logical_date, "run_id": run.run_id, "state": str(run.state),
                     "seen": module.SEEN.get(dag_id, [])})
    except BaseException as error:  # reported, so the test fails with the reason
        barrier.abort()
        results.put({"logical_date": logical_date, "error": repr(error)})


def runs_at_the_same_moment(dags, dag_id: str, days: list[int], delay: float) -> list[dict]:
    """``dag.test()`` of each day in a process of its own, the first writes held to one moment
    (then the ``k``-th run waits ``k * delay`` s more); the runs' outcomes by logical date."""
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(len(days)), spawn.Queue()
    folder = str(Path(dags.__file__).parent)
    processes = [spawn.Process(target=_one_run, args=(folder, dag_id, d(day).isoformat(), barrier, k * delay,
                                                      results)) for k, day in enumerate(days)]
    outcomes = run_processes(processes, results, {"WATCH_OVERLAP_HOLD": str(HOLD)})
    return sorted(outcomes, key=lambda o: o["logical_date"])


def run_processes(processes: list, results, env: dict[str, str]) -> list[dict]:
    """Start the ``dag.test()`` processes with ``env`` and this deployment's Fernet key; their outcomes (no error)."""
    from airflow.configuration import conf

    with pytest.MonkeyPatch.context() as patch:  # one deployment: one Fernet key (the suite's is made per process)
        patch.setenv("AIRFLOW__CORE__FERNET_KEY", conf.get("core", "fernet_key"))
        for name, value in env.items():
            patch.setenv(name, value)
        for process in processes:
            process.start()
    try:
        outcomes = [results.get(timeout=300) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    assert not [o for o in outcomes if "error" in o], outcomes
    return outcomes


# the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("dag_id", "delay"), [("watch_overlap_at_once", 0.0), ("watch_overlap_one_by_one", 2.0)])
def test_runs_claiming_at_the_same_moment_never_both_get_the_window(dags, emulator, dag_id, delay):
    """Three runs (days 3-5) claim after day 2's run: all at once, or each 2 s after the one
    before it, while that one is still live (the old read-back check granted each of those)."""
    key = f"activecampaign_watch__{dag_id}__watch"
    made = deals_every_six_hours(emulator, T0, d(6))
    seen = dags.SEEN.setdefault(dag_id, [])
    assert dags.__dict__[dag_id].test(logical_date=d(2)).state == "success"
    assert sorted(seen[-1]) == between(made, d(1) - HOUR, d(2) - HOUR)

    outcomes = runs_at_the_same_moment(dags, dag_id, [3, 4, 5], delay)
    granted = [o for o in outcomes if o["seen"]]
    batches = [batch for o in granted for batch in o["seen"]]
    reported = [title for batch in batches for title in batch]
    assert len(reported) == len(set(reported)), outcomes  # no window claimed twice
    assert granted and len(granted) < len(outcomes), outcomes  # one got it; a run that got none waited or failed
    for outcome in outcomes:  # refused (the window was claimed) or skipped (claimed and committed already)
        if outcome not in granted:
            assert task_state(dag_id, outcome["run_id"]) in ("failed", "skipped"), outcome
    claim = json.loads(variables(key)[key])["claim"]  # open, or committed by a run that then had nothing new
    assert claim is None or claim["run_id"] in {o["run_id"] for o in granted}
    assert variables(f"{key}__claim__") == {}  # no ticket left behind

    for outcome in outcomes:  # the others' retries, one by one
        if outcome not in granted:
            assert dags.__dict__[dag_id].test(logical_date=pendulum.parse(outcome["logical_date"])).state == "success"
    reported = [title for batch in seen + batches for title in batch]
    assert len(reported) == len(set(reported))  # nothing twice
    assert sorted(reported) == between(made, d(1) - HOUR, d(5) - HOUR)  # nothing lost


def test_a_stale_claim_ticket_is_taken_over(dags, emulator, monkeypatch):
    """A ticket stands while its task instance runs; one older than the lease, or of a task
    instance that no longer runs (killed while claiming), is taken over and removed."""
    from airflow.models.variable import Variable
    from airflow.sdk import Variable as SdkVariable

    from airflow_provider_activecampaign.watch.claims import TICKET_LEASE, ClaimLock, ticket_key

    monkeypatch.setattr(ClaimLock, "backoff", 0.05)
    monkeypatch.setattr(ClaimLock, "attempts", 2)
    dag_id = "watch_overlap_stale"
    dag, key = dags.__dict__[dag_id], f"activecampaign_watch__{dag_id}__watch"
    made = deals_every_six_hours(emulator, T0, d(6))
    seen = dags.SEEN.setdefault(dag_id, [])

    def ticket(run, age: timedelta) -> None:
        at = pendulum.now("UTC") - age
        Variable.set(ticket_key(key, run.run_id, -1, dag_id, "watch"), json.dumps(
            {"run_id": run.run_id, "dag_id": dag_id, "task_id": "watch", "map_index": -1, "watermark_key": key,
             "at": at.isoformat()}))

    first = dag.test(logical_date=d(2))
    assert first.state == "success"
    set_task_state(dag_id, first.run_id, "running")  # as if day 2's sensor were claiming right now
    try:
        ticket(first, timedelta(0))
        busy = dag.test(logical_date=d(3))
        assert busy.state == "failed" and task_state(dag_id, busy.run_id) == "failed" and len(seen) == 1
        live = ticket_key(key, first.run_id, -1, dag_id, "watch")
        assert set(variables(f"{key}__claim__")) == {live}  # the live one stands

        ticket(first, TICKET_LEASE + timedelta(minutes=1))  # left long ago by a try that died
        third = dag.test(logical_date=d(3))
        assert third.state == "success"
    finally:
        set_task_state(dag_id, first.run_id, "success")
    assert sorted(seen[-1]) == between(made, d(2) - HOUR, d(3) - HOUR)
    assert variables(f"{key}__claim__") == {}  # taken over and removed

    ticket(third, timedelta(0))  # fresh, but day 3's task no longer runs
    assert dag.test(logical_date=d(4)).state == "success"
    assert sorted(seen[-1]) == between(made, d(3) - HOUR, d(4) - HOUR)
    if hasattr(SdkVariable, "keys"):  # listed, so removed (before 3.3 only running runs' tickets are read)
        assert variables(f"{key}__claim__") == {}
    reported = [title for batch in seen for title in batch]
    assert len(reported) == len(set(reported)) and sorted(reported) == between(made, d(1) - HOUR, d(4) - HOUR)
