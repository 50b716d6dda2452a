"""The Watch sensors (W-01..W-05): unit level, then in real Airflow with ``dag.test()``.

Unit level (no database, as Airflow's own provider tests do): ``execute`` defers with the
one Watch trigger, ``execute_complete`` turns events into results or exceptions, and the
sync path (``deferrable=False``, poke and reschedule modes) runs the same search.

Real Airflow: DAGs on both cron timetables run with ``dag.test()`` against the emulator.
Deferral is proven from what Airflow 3 records in the metadata database (see
:func:`deferral_record`).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pendulum
import pytest
from airflow.providers.common.compat.sdk import AirflowSensorTimeout, AirflowSkipException, TaskDeferred

from airflow_provider_activecampaign.exceptions import ActiveCampaignError, ActiveCampaignInputError
from airflow_provider_activecampaign.sensors import (
    ActiveCampaignWatchCalendarFeedsSensor,
    ActiveCampaignWatchContactAutomationsSensor,
    ActiveCampaignWatchContactsSensor,
    ActiveCampaignWatchDealsSensor,
    ActiveCampaignWatchSensor,
    ActiveCampaignWatchTasksSensor,
)
from airflow_provider_activecampaign.triggers import ActiveCampaignWatchTrigger
from tests.bundles import load, own_bundle

LOGICAL = pendulum.datetime(2026, 3, 10, tz="UTC")
SINCE, UNTIL = LOGICAL - timedelta(days=1), LOGICAL  # a first run's window on a point interval
IN_WINDOW = LOGICAL - timedelta(hours=3)
TRIGGER_PATH = "airflow_provider_activecampaign.triggers.activecampaign.ActiveCampaignWatchTrigger"


@pytest.fixture(autouse=True)
def _waiting_on_closed_windows(monkeypatch):
    """These tests watch windows in the past and wait for records inserted meanwhile: the opt-in
    ``wait_when_closed=True`` (the default's ending at once is tested in test_closed_windows.py)."""
    from airflow_provider_activecampaign.sensors.activecampaign import ActiveCampaignWatchSensor

    monkeypatch.setattr(ActiveCampaignWatchSensor, "WAIT_WHEN_CLOSED", True)


@pytest.fixture(autouse=True)
def _deferrable_by_default(monkeypatch):
    """Most tests here exercise deferral: Airflow's ``[operators] default_deferrable`` on
    (TestDefaultDeferrable checks the option itself)."""
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "True")


def context(**extra) -> dict:
    """A CronTriggerTimetable run's context (first run: no previous success)."""
    return {"logical_date": LOGICAL, "data_interval_start": LOGICAL, "data_interval_end": LOGICAL,
            "prev_data_interval_end_success": None, "params": {}, **extra}


def add_deal(emulator, when: datetime, **fields) -> dict:
    return emulator.insert("deals", title=fields.pop("title", "Deal"), value=fields.pop("value", 1000),
                           currency="usd", cdate=when, mdate=when, **fields)


def deals_searches(emulator) -> list:
    """The searches for deals (not the date-filter probe's look for a record: ``limit=1``)."""
    return [r for r in emulator.requests if r.path == "/api/3/deals" and r.query != {"limit": ["1"]}]


def deals_requests(emulator) -> int:
    return len(deals_searches(emulator))


# =========================================================================== unit level


class TestDeferrable:
    def test_nothing_yet_defers_to_the_watch_trigger_with_the_runs_window(self, emulator):
        sensor = ActiveCampaignWatchDealsSensor(task_id="w", stage=3, poke_interval=5, timeout=600, min_records=2,
                                                max_xcom_records=50, request_retries=2)
        started = pendulum.now("UTC")
        with pytest.raises(TaskDeferred) as deferred:
            sensor.execute(context())
        assert deferred.value.method_name == "execute_complete"
        assert deferred.value.timeout == timedelta(seconds=600)  # the scheduler's timeout for the deferral
        trigger = deferred.value.trigger
        assert isinstance(trigger, ActiveCampaignWatchTrigger)
        classpath, kwargs = trigger.serialize()
        assert classpath == TRIGGER_PATH
        deadline = pendulum.parse(kwargs.pop("deadline"))
        assert started + timedelta(seconds=599) < deadline < pendulum.now("UTC") + timedelta(seconds=601)
        assert kwargs == {
            "resource": "deal", "since": SINCE.isoformat(), "until": UNTIL.isoformat(), "watch": "created",
            "filters": {"stage": "3"}, "parent_id": None, "min_records": 2, "poke_interval": 5.0,
            "max_records": 50, "activecampaign_conn_id": "activecampaign_default", "retries": 2,
            "retry_backoff": 0.5, "request_timeout": None,
        }
        assert deals_requests(emulator) == 1  # one synchronous check before deferring

    def test_records_already_there_are_returned_without_deferring(self, emulator):
        deal = add_deal(emulator, IN_WINDOW)
        add_deal(emulator, LOGICAL)  # at until: not in the window
        result = ActiveCampaignWatchDealsSensor(task_id="w").execute(context())
        assert [d["id"] for d in result] == [deal["id"]]

    def test_the_previous_successful_run_starts_the_window(self, emulator):
        with pytest.raises(TaskDeferred) as deferred:
            ActiveCampaignWatchDealsSensor(task_id="w").execute(
                context(prev_data_interval_end_success=LOGICAL - timedelta(hours=2)))
        assert deferred.value.trigger.since == (LOGICAL - timedelta(hours=2)).isoformat()

    def test_execute_complete_returns_the_events_records(self, emulator):
        sensor = ActiveCampaignWatchDealsSensor(task_id="w")
        event = {"status": "success", "count": 1, "records": [{"id": "7"}], "since": SINCE.isoformat(),
                 "until": UNTIL.isoformat()}
        assert sensor.execute_complete(context(), event) == [{"id": "7"}]
        assert emulator.requests == []  # nothing read again

    def test_an_event_with_only_the_count_is_read_again_and_written_to_output_path(self, emulator, tmp_path):
        for minute in range(3):
            add_deal(emulator, IN_WINDOW + timedelta(minutes=minute))
        add_deal(emulator, SINCE - timedelta(minutes=1))  # outside the event's window
        out = tmp_path / "deals.jsonl"
        sensor = ActiveCampaignWatchDealsSensor(task_id="w", max_xcom_records=2, output_path=str(out))
        event = {"status": "success", "count": 3, "records": None, "since": SINCE.isoformat(),
                 "until": UNTIL.isoformat()}
        # the context of the resumed task differs (a new previous run): the event's window wins
        result = sensor.execute_complete(context(prev_data_interval_end_success=LOGICAL - timedelta(hours=1)), event)
        assert result == {"path": str(out), "count": 3}
        assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["1", "2", "3"]

    def test_more_than_the_cap_without_output_path_still_returns_them_all(self, emulator):
        for minute in range(3):
            add_deal(emulator, IN_WINDOW + timedelta(minutes=minute))
        result = ActiveCampaignWatchDealsSensor(task_id="w", max_xcom_records=2).execute(context())
        assert len(result) == 3  # (with a warning in the task log)

    def test_an_error_event_raises_with_the_apis_message(self):
        sensor = ActiveCampaignWatchDealsSensor(task_id="w")
        message = "ActiveCampaign GET /api/3/deals returned HTTP 403: Forbidden"
        with pytest.raises(ActiveCampaignError, match="returned HTTP 403: Forbidden"):
            sensor.execute_complete(context(), {"status": "error", "message": message})

    @pytest.mark.parametrize("soft_fail", [False, True])
    def test_a_timeout_event_is_a_sensor_timeout_or_with_soft_fail_a_skip(self, soft_fail):
        sensor = ActiveCampaignWatchDealsSensor(task_id="w", soft_fail=soft_fail)
        expected = AirflowSkipException if soft_fail else AirflowSensorTimeout
        with pytest.raises(expected):
            sensor.resume_execution("execute_complete", {"event": {"status": "timeout", "message": "0 of 1"}},
                                    context())

    @pytest.mark.parametrize("soft_fail", [False, True])
    def test_the_schedulers_deferral_timeout_is_a_sensor_timeout_or_with_soft_fail_a_skip(self, soft_fail):
        from airflow.sdk.bases.operator import TRIGGER_FAIL_REPR, TriggerFailureReason

        sensor = ActiveCampaignWatchDealsSensor(task_id="w", soft_fail=soft_fail)
        expected = AirflowSkipException if soft_fail else AirflowSensorTimeout
        with pytest.raises(expected):
            sensor.resume_execution(TRIGGER_FAIL_REPR, {"error": TriggerFailureReason.TRIGGER_TIMEOUT}, context())


class TestDefaultDeferrable:
    """``deferrable`` defaults to ``[operators] default_deferrable``, False when unset (as Airflow's providers)."""

    @pytest.mark.parametrize(("option", "expected"), [(None, False), ("True", True), ("False", False)])
    def test_the_default_is_airflows_option(self, monkeypatch, option, expected):
        monkeypatch.delenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", raising=False)
        if option is not None:
            monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", option)
        assert ActiveCampaignWatchDealsSensor(task_id="w").deferrable is expected

    @pytest.mark.parametrize("option", ["True", "False"])
    def test_an_explicit_argument_wins(self, monkeypatch, option):
        monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", option)
        assert ActiveCampaignWatchDealsSensor(task_id="w", deferrable=False).deferrable is False
        assert ActiveCampaignWatchDealsSensor(task_id="w", deferrable=True).deferrable is True

    def test_without_the_option_the_sensor_pokes_in_the_worker(self, monkeypatch, emulator):
        monkeypatch.delenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", raising=False)
        sensor = ActiveCampaignWatchDealsSensor(task_id="w", poke_interval=0.05, timeout=0.5)
        with pytest.raises(AirflowSensorTimeout):  # timed out poking, never TaskDeferred
            sensor.execute(context())
        assert deals_requests(emulator) >= 1


class TestSync:
    """``deferrable=False``: BaseSensorOperator's loop around ``poke``, same search."""

    def test_poke_mode_waits_for_records_arriving_later(self, emulator):
        sensor = ActiveCampaignWatchDealsSensor(task_id="w", deferrable=False, poke_interval=0.05, timeout=10)

        def after_the_first_poke() -> None:  # however long the first poke takes on a loaded machine
            deadline = time.monotonic() + 10
            while not any(r.status for r in deals_searches(emulator)) and time.monotonic() < deadline:
                time.sleep(0.01)  # until the first search was answered
            add_deal(emulator, IN_WINDOW)

        later = threading.Thread(target=after_the_first_poke)
        later.start()
        result = sensor.execute(context())
        later.join()
        assert len(result) == 1 and deals_requests(emulator) > 1

    @pytest.mark.parametrize(("soft_fail", "expected"), [(False, AirflowSensorTimeout), (True, AirflowSkipException)])
    def test_poke_mode_times_out(self, emulator, soft_fail, expected):
        sensor = ActiveCampaignWatchDealsSensor(task_id="w", deferrable=False, poke_interval=0.05, timeout=0.15,
                                                soft_fail=soft_fail)
        with pytest.raises(expected):
            sensor.execute(context())

    def test_reschedule_mode_frees_the_worker_until_records_are_there(self, emulator):
        try:
            from airflow.sdk.exceptions import AirflowRescheduleException
        except ImportError:  # Airflow < 3.1
            from airflow.exceptions import AirflowRescheduleException

        ti = SimpleNamespace(get_first_reschedule_date=lambda ctx: None)
        sensor = ActiveCampaignWatchDealsSensor(task_id="w", deferrable=False, mode="reschedule", poke_interval=60)
        with pytest.raises(AirflowRescheduleException):
            sensor.execute(context(ti=ti))
        add_deal(emulator, IN_WINDOW)
        assert len(sensor.execute(context(ti=ti))) == 1

    def test_poke_returns_a_poke_return_value(self, emulator):
        sensor = ActiveCampaignWatchCalendarFeedsSensor(task_id="w", deferrable=False)
        assert not sensor.poke(context())
        emulator.insert("calendars", title="Feed", type="All", cdate=IN_WINDOW, mdate=IN_WINDOW)
        done = sensor.poke(context())
        assert done.is_done and [f["title"] for f in done.xcom_value] == ["Feed"]


class TestNamedSensors:
    @pytest.mark.parametrize(("sensor", "path", "params"), [
        (ActiveCampaignWatchContactsSensor(task_id="c", email="a@example.com", email_like="example",
                                           search="Ada", organization=2, list_id=3, status=1, tag_id=4),
         "/api/3/contacts",
         {"email": "a@example.com", "email_like": "example", "search": "Ada", "organization": "2", "listid": "3",
          "status": "1", "tagid": "4", "filters[created_after]": "2026-03-09T00:00:00+00:00",
          "filters[created_before]": "2026-03-10T00:00:00+00:00", "orders[id]": "asc", "limit": "100"}),
        (ActiveCampaignWatchDealsSensor(task_id="d", title="Big", pipeline=1, stage=2, owner=1, status="won",
                                        minimum_value=10, watch="updated"),
         "/api/3/deals",
         {"filters[title]": "Big", "filters[group]": "1", "filters[stage]": "2", "filters[owner]": "1",
          "filters[status]": "1", "filters[minimum_value]": "10", "filters[updated_after]": "2026-03-09T00:00:00+00:00",
          "filters[updated_before]": "2026-03-10T00:00:00+00:00", "limit": "100", "offset": "0",
          "orders[id]": "asc"}),
        (ActiveCampaignWatchTasksSensor(task_id="t", title="Call", deal=5, status=0, note="x", due_date="2026-03-12",
                                        task_type=1),
         "/api/3/dealTasks",
         {"filters[title]": "Call", "filters[relid]": "5", "filters[reltype]": "Deal", "filters[status]": "0",
          "filters[note]": "x", "filters[duedate]": "2026-03-12", "filters[d_tasktypeid]": "1", "limit": "100",
          "offset": "0", "orders[id]": "asc"}),
        (ActiveCampaignWatchCalendarFeedsSensor(task_id="f", watch="updated"), "/api/3/calendars",
         {"limit": "100", "offset": "0", "orders[id]": "asc"}),
        (ActiveCampaignWatchContactAutomationsSensor(task_id="a", contact_id="{{ params.contact }}"),
         "/api/3/contacts/1/contactAutomations", {"limit": "100", "offset": "0", "orders[id]": "asc"}),
    ], ids=["W-01 contacts", "W-03 deals", "W-04 tasks", "W-05 calendar feeds", "W-02 contact automations"])
    def test_each_sensor_asks_the_api_with_its_filters_and_window(self, emulator, sensor, path, params):
        emulator.insert("contacts", id="1", email="one@example.com")
        ctx = context(params={"contact": "1"})
        sensor.render_template_fields(ctx)
        assert not sensor.poke(ctx)
        request = emulator.requests[-1]
        assert request.path == path
        assert {k: v[-1] for k, v in request.query.items()} == params

    def test_filters_and_window_are_templated(self, emulator):
        sensor = ActiveCampaignWatchContactsSensor(task_id="c", email="{{ params.email }}",
                                                   since="{{ params.since }}", until="{{ ds }}T18:00:00+00:00")
        ctx = context(params={"email": "ada@example.com", "since": "2026-03-10T06:00:00-06:00"}, ds="2026-03-10")
        sensor.render_template_fields(ctx)
        with pytest.raises(TaskDeferred) as deferred:
            sensor.execute(ctx)
        trigger = deferred.value.trigger
        assert trigger.filters == {"email": "ada@example.com"}
        assert (trigger.since, trigger.until) == ("2026-03-10T12:00:00+00:00", "2026-03-10T18:00:00+00:00")


class TestInput:
    def test_watch_must_be_created_or_updated(self):
        with pytest.raises(ActiveCampaignInputError, match="'watch'"):
            ActiveCampaignWatchDealsSensor(task_id="w", watch="deleted")

    @pytest.mark.parametrize(("kwargs", "field"), [
        ({"window_mode": "latest"}, "window_mode"),
        ({"settle": -60}, "settle"),
        ({"window_mode": "watermark", "since": "2026-03-01"}, "since"),
        ({"window_mode": "watermark", "until": "2026-03-01"}, "until"),
    ])
    def test_window_mode_and_settle_are_checked_when_the_dag_is_parsed(self, kwargs, field):
        with pytest.raises(ActiveCampaignInputError, match=f"'{field}'"):
            ActiveCampaignWatchDealsSensor(task_id="w", **kwargs)

    def test_min_records_must_be_at_least_one(self):
        with pytest.raises(ActiveCampaignInputError, match="'min_records'"):
            ActiveCampaignWatchDealsSensor(task_id="w", min_records=0)

    def test_the_contact_of_contact_automations_is_required(self, emulator):
        with pytest.raises(ActiveCampaignInputError, match="'contact_id'"):
            ActiveCampaignWatchContactAutomationsSensor(task_id="w", contact_id="").execute(context())
        assert emulator.requests == []

    def test_window_filters_come_from_since_and_until_only(self, emulator):
        sensor = ActiveCampaignWatchSensor(task_id="w", resource="deal", filters={"created_after": "2026-01-01"})
        with pytest.raises(ActiveCampaignInputError, match="since/until"):
            sensor.execute(context())
        assert emulator.requests == []


# =========================================================================== real Airflow


DAGS = '''
import pendulum
from airflow.sdk import DAG, task
from airflow.timetables.interval import CronDataIntervalTimetable
from airflow.timetables.trigger import CronTriggerTimetable
from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor

SEEN = {}

for dag_id, timetable in [
    ("test_watch_cron_trigger", CronTriggerTimetable("0 0 * * *", timezone="UTC")),
    ("test_watch_cron_data_interval", CronDataIntervalTimetable("0 0 * * *", timezone="UTC")),
]:
    with DAG(dag_id, schedule=timetable, start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False) as dag:
        deals = ActiveCampaignWatchDealsSensor(task_id="watch", poke_interval=0.05, timeout=60, deferrable=True)

        @task
        def titles(deals, dag_run=None):
            SEEN.setdefault(dag_run.dag_id, []).append([d["title"] for d in deals])

        titles(deals.output)
    globals()[dag_id] = dag
'''


@pytest.fixture(scope="module")
def dag_folder(airflow_db, tmp_path_factory):
    """A DAG bundle of its own (dag.test() on 3.1+ parses the whole bundle of the DAG it runs)."""
    folder = tmp_path_factory.mktemp("watch_dags")
    (folder / "watch_test_dags.py").write_text(DAGS)
    shutil.copy(Path(__file__).parents[2] / "example_dags" / "example_activecampaign_watch.py", folder)
    with own_bundle(folder):
        yield folder


def run_with_late_deals(dag, logical_date: datetime, emulator, *stamps: datetime, **run):
    """``dag.test()`` while another thread adds deals once the trigger polls (the sensor's own
    first check found nothing, so it must have deferred)."""
    before = deals_requests(emulator)

    def later() -> None:
        deadline = time.monotonic() + 30
        while deals_requests(emulator) < before + 2 and time.monotonic() < deadline:  # check + first poll
            time.sleep(0.01)
        for n, when in enumerate(stamps):
            add_deal(emulator, when, title=f"deal {logical_date:%m-%d} #{n}", value=1000 * (n + 1))

    thread = threading.Thread(target=later, daemon=True)
    thread.start()
    dag_run = dag.test(logical_date=logical_date, **run)
    thread.join()
    return dag_run


def deferral_record(dag_id: str, run_id: str, task_id: str = "watch") -> dict:
    """What Airflow kept of the sensor's deferral after ``dag.test()``.

    - the ``trigger`` table row the execution API wrote when the task deferred (``dag.test``
      runs the trigger in-line and has no triggerer to clean it up): its classpath and the
      kwargs the trigger was re-created from, i.e. the window it watched;
    - the task instance still points at it (``trigger_id``);
    - since 3.1 the audit ``log`` table has the TI's state changes: running, deferred,
      running (resumed), success. (Airflow 3.3 keeps no state history in
      ``task_instance_history`` for a deferral: that table only gets a row per finished try.)
    """
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.trigger import Trigger
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        ti = session.scalars(select(TaskInstance).where(
            TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id, TaskInstance.task_id == task_id)).one()
        trigger = session.get(Trigger, ti.trigger_id) if ti.trigger_id else None
        events: list[str] = []
        try:
            from airflow.models.log import Log

            events = list(session.scalars(select(Log.event).where(
                Log.dag_id == dag_id, Log.run_id == run_id, Log.task_id == task_id).order_by(Log.id)))
        except Exception:  # no audit rows on this version
            pass
        return {"state": ti.state, "classpath": trigger and trigger.classpath,
                "kwargs": trigger and dict(trigger.kwargs), "events": events}


class TestInAirflow:
    def test_cron_trigger_timetable_watches_from_the_previous_successful_run(self, dag_folder, emulator):
        module = load(dag_folder, "watch_test_dags")
        dag = module.test_watch_cron_trigger
        day1, day2 = LOGICAL, LOGICAL + timedelta(days=1)

        first = run_with_late_deals(dag, day1, emulator, day1 - timedelta(hours=5), day1 - timedelta(days=2))
        assert first.state == "success"
        record = deferral_record(dag.dag_id, first.run_id)
        assert record["classpath"] == TRIGGER_PATH
        # first run: lookback (1 day) before the logical date
        assert (record["kwargs"]["since"], record["kwargs"]["until"]) == (
            (day1 - timedelta(days=1)).isoformat(), day1.isoformat())
        if record["events"]:
            assert record["events"] == ["running", "deferred", "running", "success"]

        second = run_with_late_deals(dag, day2, emulator, day2 - timedelta(hours=1))
        assert second.state == "success"
        record = deferral_record(dag.dag_id, second.run_id)
        # second run: from the first run's (point) data interval end
        assert (record["kwargs"]["since"], record["kwargs"]["until"]) == (day1.isoformat(), day2.isoformat())
        assert module.SEEN[dag.dag_id] == [["deal 03-10 #0"], ["deal 03-11 #0"]]

    def test_cron_data_interval_timetable_watches_the_data_interval(self, dag_folder, emulator):
        module = load(dag_folder, "watch_test_dags")
        dag = module.test_watch_cron_data_interval
        run = run_with_late_deals(dag, LOGICAL, emulator, LOGICAL - timedelta(hours=1), LOGICAL + timedelta(hours=1))
        assert run.state == "success"
        assert run.data_interval_start < run.data_interval_end  # a real interval
        record = deferral_record(dag.dag_id, run.run_id)
        assert record["classpath"] == TRIGGER_PATH
        assert (pendulum.parse(record["kwargs"]["since"]), pendulum.parse(record["kwargs"]["until"])) == (
            run.data_interval_start, run.data_interval_end)
        assert module.SEEN[dag.dag_id] == [["deal 03-10 #0"]]

    def test_the_example_dag_waits_for_the_days_deals_and_summarises_them(self, dag_folder, emulator, tmp_path,
                                                                         monkeypatch):
        monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_WATCH_URL", str(tmp_path))
        module = load(dag_folder, "example_activecampaign_watch")
        dag = module.dag
        dag.task_dict["wait_for_new_deals"].poke_interval = 0.05  # the example polls every 5 minutes
        dag.task_dict["wait_for_new_deals"].max_xcom_records = 1  # two deals: through JSON Lines
        run = run_with_late_deals(dag, LOGICAL, emulator, LOGICAL - timedelta(hours=2), LOGICAL - timedelta(hours=1))
        assert run.state == "success"
        assert deferral_record(dag.dag_id, run.run_id, "wait_for_new_deals")["classpath"] == TRIGGER_PATH
        assert (tmp_path / "2026-03-10" / "new-deals.jsonl").read_text().count("\n") == 2
        summary = _xcom(dag.dag_id, run.run_id, "summarise")
        assert summary == {"deals": 2, "value": {"USD": 30.0}, "titles": ["deal 03-10 #0", "deal 03-10 #1"]}


def _xcom(dag_id: str, run_id: str, task_id: str):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        value = session.scalars(select(XComModel.value).where(
            XComModel.dag_id == dag_id, XComModel.run_id == run_id, XComModel.task_id == task_id,
            XComModel.key == "return_value")).one()
    return XComModel.deserialize_value(SimpleNamespace(value=value))

