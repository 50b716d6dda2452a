"""Deferrable tasks in a real Airflow: api-server, dag-processor, scheduler (LocalExecutor), triggerer.

One Airflow runs three DAGs against one emulator:

- a Watch sensor finds nothing and defers; its trigger polls the emulator in the triggerer
  process; a deal created in the window fires it and the task resumes on a worker with that
  deal (and not one created before the window);
- a Watch sensor with ``soft_fail=True`` for deal tasks (none are made) times out in the
  triggerer and is skipped;
- a bulk import sends its batches and defers; its trigger polls the import's status in the
  triggerer until the emulator finishes the batches; the task resumes and writes its report.

The API key shows up in no log. Runs on every supported Airflow version (on 3.0-3.2 every
trigger of this provider once failed at its first request in a real triggerer: the key went
to the secrets masker synchronously on the event loop). About 50-80 s on a loaded machine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.conftest import CANARY_KEY, emulator_connection
from tests.triggers.live_airflow import LiveAirflow

WATCH_DAG = '''
from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor

with DAG("watch_live", schedule="@once", start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False):
    ActiveCampaignWatchDealsSensor(task_id="new_deals", since="{since}", until="{until}", deferrable=True,
                                   poke_interval=1, timeout=300, retries=2, retry_delay=timedelta(seconds=1))
'''

TIMEOUT_DAG = '''
from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from airflow_provider_activecampaign.sensors import ActiveCampaignWatchTasksSensor

with DAG("timeout_live", schedule="@once", start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False):
    ActiveCampaignWatchTasksSensor(task_id="no_tasks", since="{since}", until="{until}", deferrable=True,
                                   poke_interval=2, timeout=45, soft_fail=True, retries=2,
                                   retry_delay=timedelta(seconds=1))
'''

BULK_DAG = '''
from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from airflow_provider_activecampaign.operators.bulk_import import ActiveCampaignBulkImportContactsOperator

with DAG("bulk_live", schedule="@once", start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False):
    ActiveCampaignBulkImportContactsOperator(
        task_id="import_contacts", report_path="{report}", batch_size=2, poll_interval=1, deferrable=True,
        retries=2, retry_delay=timedelta(seconds=1),
        contacts=[{{"email": "p0@example.com"}}, {{"email": "p1@example.com"}}, {{"email": "p2@example.com"}}])
'''


#: task states after which nothing more happens in these tests. The DAGs' tasks have retries, as
#: docs/watch.md advises: Airflow itself now and then fails a task it started twice ("TI is already
#: running elsewhere", seen on 3.0.6 under load) or resumed too early (see deferred_and_polled);
#: a retry is then the user's remedy too, so ``up_for_retry`` is not an end here.
ENDED = ("success", "failed", "upstream_failed", "skipped")


def defer_exit(dag_id: str, task_id: str) -> re.Pattern[str]:
    """The scheduler's line for the worker's exit after the task deferred."""
    return re.compile(rf"TaskInstance Finished: dag_id={dag_id}, task_id={task_id}, .*, state=deferred,")


class Live:
    """The emulator and the Airflow running both DAGs."""

    def __init__(self, emulator: ActiveCampaignEmulator, airflow: LiveAirflow, report: Path) -> None:
        self.emulator, self.airflow, self.report = emulator, airflow, report

    def state(self, dag_id: str) -> str | None:
        rows = self.airflow.query("SELECT state FROM task_instance WHERE dag_id = ?", dag_id)
        return rows[0][0] if rows else None

    def polls(self, path: str) -> int:
        return sum(1 for r in self.emulator.requests if r.path == path)

    def logs(self) -> dict[str, str]:
        """Every log file of the run (the processes', the tasks' and the triggers'), by path under the home."""
        return {str(path.relative_to(self.airflow.home)): path.read_text(errors="replace")
                for path in self.airflow.home.rglob("*.log") if path.is_file()}

    def run_logs(self, dag_id: str) -> str:
        """The DAG's task and trigger logs and the scheduler's and triggerer's last lines, for a failure message."""
        return "\n".join(f"{name}:\n{text[-4000:]}" for name, text in self.logs().items()
                         if f"dag_id={dag_id}/" in name or name in ("scheduler.log", "triggerer.log"))

    def deferred_and_polled(self, dag_id: str, task_id: str, path: str) -> None:
        """Wait until the task deferred, the scheduler took that in and its trigger polled ``path`` twice.

        Airflow's own race (apache/airflow#66374, #67287): a trigger firing before the scheduler
        took in the worker's exit after deferring gets the resumed task failed as "changed
        externally". The tests let their triggers fire only after that, so they check this provider.
        """
        airflow = self.airflow
        airflow.wait(lambda: self.state(dag_id) in ("deferred", *ENDED), 120, f"{dag_id} defers")
        assert self.state(dag_id) == "deferred", self.run_logs(dag_id)
        exited = defer_exit(dag_id, task_id)
        airflow.wait(lambda: bool(exited.search(airflow.log("scheduler"))) or self.state(dag_id) != "deferred", 90,
                     f"the scheduler takes in {dag_id}'s deferral")
        polled = self.polls(path)
        airflow.wait(lambda: self.polls(path) >= polled + 2 or self.state(dag_id) != "deferred", 60,
                     f"{dag_id}'s trigger polls in the triggerer")
        assert self.state(dag_id) == "deferred", self.run_logs(dag_id)  # not done yet: still waiting

    def ended(self, dag_id: str, state: str, event: str) -> None:
        """The task ended in ``state`` after its trigger, in the triggerer, fired ``event`` (text in it)."""
        self.airflow.wait(lambda: self.state(dag_id) in ENDED, 120, f"{dag_id} ends")
        assert self.state(dag_id) == state, self.run_logs(dag_id)
        logs = self.logs()
        fired = [name for name, text in logs.items() if f"dag_id={dag_id}/" in name and ".trigger." in name
                 and re.search(rf'"Trigger fired event".*{re.escape(event)}', text)]
        assert fired, self.run_logs(dag_id)  # the triggerer ran the trigger (its own log file beside the task's)
        assert not [name for name, text in logs.items() if CANARY_KEY in text]

    def xcom(self, dag_id: str) -> object:
        (value,) = self.airflow.query("SELECT value FROM xcom WHERE dag_id = ? AND key = 'return_value'", dag_id)[0]
        return json.loads(value)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    now = datetime.now(timezone.utc)
    since, until = now - timedelta(seconds=5), now + timedelta(minutes=10)
    report = tmp_path_factory.mktemp("bulk") / "report.jsonl"
    dags = {"watch_live": WATCH_DAG.format(since=since.isoformat(), until=until.isoformat()),
            "timeout_live": TIMEOUT_DAG.format(since=since.isoformat(), until=until.isoformat()),
            "bulk_live": BULK_DAG.format(report=report)}
    with ActiveCampaignEmulator(api_key=CANARY_KEY) as emulator:
        emulator.insert("deals", title="before the window", value=1, currency="usd",
                        cdate=(since - timedelta(hours=1)).isoformat())
        emulator.bulk_imports.configure(processing_seconds=3600)  # finished when a test says so
        with LiveAirflow(dags, emulator_connection(emulator), run_tasks=True) as airflow:
            yield Live(emulator, airflow, report)


def test_a_deferred_watch_sensor_fires_from_a_real_triggerer(live: Live) -> None:
    live.deferred_and_polled("watch_live", "new_deals", "/api/3/deals")
    deal = live.emulator.insert("deals", title="in the window", value=1, currency="usd")
    live.ended("watch_live", "success", "'status': 'success'")
    assert [(r["id"], r["title"]) for r in live.xcom("watch_live")] == [(deal["id"], "in the window")]


def test_a_deferred_bulk_import_resumes_from_a_real_triggerer(live: Live) -> None:
    live.deferred_and_polled("bulk_live", "import_contacts", "/api/3/import/info")
    assert len(live.emulator.bulk_imports.imports) == 2 and not live.emulator.records("contacts")
    live.emulator.bulk_imports.configure(processing_seconds=0)
    live.ended("bulk_live", "success", "'status': 'success'")
    assert live.xcom("bulk_live") == {"imported": 3, "failed": 0, "unknown": 0, "report": str(live.report)}
    rows = [json.loads(line) for line in live.report.read_text().splitlines()]
    assert [(r["email"], r["status"]) for r in rows] == [(f"p{i}@example.com", "imported") for i in range(3)]
    assert sorted(c["email"] for c in live.emulator.records("contacts")) == [f"p{i}@example.com" for i in range(3)]


def test_a_deferred_watch_sensor_times_out_in_a_real_triggerer_and_is_skipped(live: Live) -> None:
    """``soft_fail=True``: the trigger's timeout event (deadline = start + ``timeout``) skips the task.

    45 s: the scheduler must have taken in the deferral before (Airflow's race, see
    :meth:`Live.deferred_and_polled`); that took up to 17 s here on a loaded machine.
    """
    live.airflow.wait(lambda: live.state("timeout_live") in ("deferred", *ENDED), 120, "timeout_live defers")
    live.ended("timeout_live", "skipped", "'status': 'timeout'")
