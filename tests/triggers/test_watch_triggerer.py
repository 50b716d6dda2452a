"""A deferrable Watch sensor in a real Airflow: api-server, dag-processor, scheduler (LocalExecutor), triggerer.

The sensor finds nothing and defers; its trigger polls the emulator in the triggerer
process; a deal created in the window fires it and the task resumes on a worker with that
deal (and not one created before the window). The API key shows up in no log. Runs on every
supported Airflow version (on 3.0-3.2 the trigger's first request once failed in a real
triggerer: the key went to the secrets masker synchronously on the event loop). About
40-60 s on a loaded machine.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from tests.conftest import CANARY_KEY, emulator_connection
from tests.triggers.live_airflow import LiveAirflow

DAG = '''
import pendulum
from airflow.sdk import DAG

from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor

with DAG("watch_deals_live", schedule="@once", start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False):
    ActiveCampaignWatchDealsSensor(task_id="new_deals", since="{since}", until="{until}", deferrable=True,
                                   poke_interval=1, timeout=300)
'''


#: the scheduler's line for the worker's exit after deferring
DEFER_EXIT = re.compile(r"TaskInstance Finished: dag_id=watch_deals_live, task_id=new_deals, .*, state=deferred,")


def _state(airflow: LiveAirflow) -> str | None:
    rows = airflow.query("SELECT state FROM task_instance WHERE dag_id = 'watch_deals_live'")
    return rows[0][0] if rows else None


def _deal_polls(emulator) -> int:
    return sum(1 for r in emulator.requests if r.path == "/api/3/deals")


def _logs(airflow: LiveAirflow) -> dict[str, str]:
    """Every log file of the run (the processes', the task's and the trigger's), by path under the home."""
    return {str(path.relative_to(airflow.home)): path.read_text(errors="replace")
            for path in airflow.home.rglob("*.log") if path.is_file()}


def _run_logs(airflow: LiveAirflow) -> str:
    """The task's and the trigger's logs and the scheduler's and triggerer's last lines, for a failure message."""
    return "\n".join(f"{name}:\n{text[-4000:]}" for name, text in _logs(airflow).items()
                     if name.startswith("logs/dag_id=") or name in ("scheduler.log", "triggerer.log"))


def test_a_deferred_watch_sensor_fires_from_a_real_triggerer(emulator):
    now = datetime.now(timezone.utc)
    since, until = now - timedelta(seconds=5), now + timedelta(minutes=10)
    emulator.insert("deals", title="before the window", value=1, currency="usd",
                    cdate=(since - timedelta(hours=1)).isoformat())
    dag = DAG.format(since=since.isoformat(), until=until.isoformat())
    with LiveAirflow({"watch_dags": dag}, emulator_connection(emulator), run_tasks=True) as airflow:
        airflow.wait(lambda: _state(airflow) == "deferred", 120, "the sensor defers")
        # Airflow's own race (apache/airflow#66374, #67287): a trigger firing before the scheduler
        # took in the worker's exit after deferring gets the resumed task failed as "changed
        # externally". The deal is made only after that, so the test checks this provider.
        airflow.wait(lambda: bool(DEFER_EXIT.search(airflow.log("scheduler"))) or _state(airflow) != "deferred", 90,
                     "the scheduler takes in the deferral")
        polled = _deal_polls(emulator)  # the worker's own look before deferring
        airflow.wait(lambda: _deal_polls(emulator) >= polled + 2 or _state(airflow) != "deferred", 60,
                     "the trigger polls in the triggerer")
        assert _state(airflow) == "deferred", _run_logs(airflow)  # nothing in the window yet: still waiting
        deal = emulator.insert("deals", title="in the window", value=1, currency="usd")
        airflow.wait(lambda: _state(airflow) in ("success", "failed", "up_for_retry"), 60, "the sensor ends")
        assert _state(airflow) == "success", _run_logs(airflow)
        (value,) = airflow.query("SELECT value FROM xcom WHERE dag_id = 'watch_deals_live' AND key = 'return_value'")[0]
        records = json.loads(value)
        assert [(r["id"], r["title"]) for r in records] == [(deal["id"], "in the window")]
        logs = _logs(airflow)
        fired = [name for name, text in logs.items() if ".trigger." in name and "Trigger fired event" in text]
        assert fired, sorted(logs)  # the triggerer ran the trigger (its own log file beside the task's)
        assert not [name for name, text in logs.items() if CANARY_KEY in text]
