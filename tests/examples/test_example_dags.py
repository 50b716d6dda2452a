"""The example DAGs parse in Airflow and run with ``dag.test()`` against the emulator, each
started with a logical date (a scheduled run, a backfill, the UI's trigger dialog) and without
one (``airflow dags trigger`` without ``--logical-date``, where ``ds`` and the data interval are
undefined in templates).

(The Watch example's deferral is tested in tests/sensors/test_watch_sensors.py, the events
examples' webhook path in tests/webhooks/test_receiver.py.)
"""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pendulum
import pytest

from tests.conftest import CANARY_KEY

EXAMPLES = Path(__file__).parents[2] / "example_dags"
#: A day in the past, so that a template falling back to "now" would show.
LOGICAL = pendulum.datetime(2026, 6, 1, tz="UTC")
#: Each example runs both ways: ``dag.test(logical_date=None)`` makes the run ``airflow dags trigger`` makes.
STARTS = pytest.mark.parametrize("logical_date", [None, LOGICAL], ids=["no_logical_date", "logical_date"])


@pytest.fixture(scope="module")
def bundle(airflow_db):
    """The example folder as the DAG bundle (``dag.test()`` on 3.1+ parses the DAG's bundle)."""
    bundles = [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(EXAMPLES)}}]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
        yield EXAMPLES


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"_example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def xcom(dag_id: str, run_id: str, task_id: str):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        value = session.scalars(select(XComModel.value).where(
            XComModel.dag_id == dag_id, XComModel.run_id == run_id, XComModel.task_id == task_id,
            XComModel.key == "return_value")).one()
    return json.loads(value) if isinstance(value, str) else value


def run_day(run) -> str:
    """The day a run's templates name: its logical date, or when it was started."""
    assert run.run_after is not None
    return (run.logical_date or run.run_after).strftime("%Y-%m-%d")


def test_every_example_dag_imports_without_errors():
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3.2+
    except ImportError:
        from airflow.models.dagbag import DagBag

    bag = DagBag(dag_folder=str(EXAMPLES))  # (AIRFLOW__CORE__LOAD_EXAMPLES is off in conftest)
    files = sorted(p.stem for p in EXAMPLES.glob("example_*.py"))
    assert bag.import_errors == {}
    assert sorted(bag.dag_ids) == files  # one DAG per file, named after it
    for dag in bag.dags.values():
        assert "activecampaign" in dag.tags


@STARTS
def test_the_crm_example_builds_a_deal_with_task_and_note(bundle, emulator, logical_date):
    dag = load("example_activecampaign_crm").dag
    run = dag.test(logical_date=logical_date)
    assert run.state == "success"
    assert run.logical_date == logical_date
    day = run_day(run)

    (contact,) = [c for c in emulator.records("contacts") if c["email"] == "ada@example.com"]
    assert (contact["firstName"], contact["lastName"]) == ("Ada", "Lovelace")
    (link,) = [t for t in emulator.records("contactTags") if t["contact"] == contact["id"]]
    assert emulator.record("tags", link["tag"])["tag"] == f"customer {day}"
    (deal,) = [d for d in emulator.records("deals") if d["title"] == "Subscription for ada@example.com"]
    assert (deal["contact"], deal["value"], deal["currency"]) == (contact["id"], "150000", "eur")
    (task,) = [t for t in emulator.records("dealTasks") if t["relid"] == deal["id"]]
    assert task["title"] == "Call Ada"
    due = pendulum.parse(task["duedate"])  # two days after the run was started
    assert abs(due - (run.run_after + timedelta(days=2))) < timedelta(seconds=1)
    (note,) = [n for n in emulator.records("notes") if n["relid"] == deal["id"]]
    assert note["note"] == f"Deal opened on {day}"

    read_back = xcom(dag.dag_id, run.run_id, "read_deal")
    assert read_back["id"] == deal["id"] and read_back["title"] == deal["title"]
    assert CANARY_KEY not in json.dumps(read_back)


@STARTS
def test_the_export_example_streams_every_record_to_files(bundle, emulator, tmp_path, monkeypatch, logical_date):
    monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_EXPORT_URL", str(tmp_path))
    for n in range(130):  # more than one page
        emulator.insert("contacts", email=f"export{n}@example.com")
    for n in range(3):
        emulator.insert("deals", title=f"open {n}", value=100 * (n + 1), currency="usd", status="0")
    emulator.insert("deals", title="won", value=5, currency="usd", status="1")

    dag = load("example_activecampaign_export").dag
    run = dag.test(logical_date=logical_date)
    assert run.state == "success"
    assert run.logical_date == logical_date

    day = run_day(run)
    assert [p.name for p in tmp_path.iterdir()] == [day]
    contacts = [json.loads(line) for line in (tmp_path / day / "contacts.jsonl").read_text().splitlines()]
    assert len(contacts) == len(emulator.records("contacts")) >= 130
    assert len({c["id"] for c in contacts}) == len(contacts)  # each record once
    deals = [json.loads(line) for line in (tmp_path / day / "open-deals.jsonl").read_text().splitlines()]
    assert [d["title"] for d in deals] == ["open 2", "open 1", "open 0"]  # open only, by value, descending

    summary = xcom(dag.dag_id, run.run_id, "report")
    assert summary["contacts"] == len(contacts) and summary["open_deals"] == 3
    assert summary["users"] == len(emulator.records("users"))


@STARTS
def test_the_watch_example_summarises_the_deals_of_its_window(bundle, emulator, tmp_path, monkeypatch, logical_date):
    """Deals already there: the sensor finds them on its first check (its deferral is tested elsewhere)."""
    monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_WATCH_URL", str(tmp_path))
    end = logical_date or datetime.now(timezone.utc)  # without a logical date the window ends at run_after
    for n in range(2):
        when = end - timedelta(hours=n + 1)
        emulator.insert("deals", title=f"watched {n}", value=1000, currency="usd", cdate=when, mdate=when)

    dag = load("example_activecampaign_watch").dag
    dag.task_dict["wait_for_new_deals"].max_xcom_records = 1  # two deals: through JSON Lines
    run = dag.test(logical_date=logical_date)
    assert run.state == "success"

    lines = (tmp_path / run_day(run) / "new-deals.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["title"] for line in lines) == ["watched 0", "watched 1"]
    assert xcom(dag.dag_id, run.run_id, "summarise")["deals"] == 2


@STARTS
def test_the_webhook_examples_run_however_started(bundle, emulator, monkeypatch, logical_date):
    """The set-up DAG registers the webhook; the events DAG, started by hand, reports no deals."""
    monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_WEBHOOK_TOKEN", "example-token")
    setup = load("example_activecampaign_events_setup").dag
    assert setup.test(logical_date=logical_date).state == "success"
    (webhook,) = emulator.records("webhooks")
    assert webhook["url"] == "http://localhost:8080/activecampaign/webhooks/default?token=example-token"

    events = load("example_activecampaign_events").dag
    run = events.test(logical_date=logical_date)
    assert run.state == "success"
    assert xcom(events.dag_id, run.run_id, "summarise_new_deals") == []


@STARTS
def test_the_change_events_example_runs_by_hand_with_no_change(bundle, emulator, logical_date):
    """Its asset carries a change-stream watcher; started by hand the run has no events and reports none."""
    module = load("example_activecampaign_change_events")
    dag = module.dag
    assert module.deal_changes.uri == "activecampaign://myaccount/deals"
    assert type(module.deal_changes.watchers[0].trigger).__name__ == "ActiveCampaignChangeTrigger"
    run = dag.test(logical_date=logical_date)
    assert run.state == "success"
    assert xcom(dag.dag_id, run.run_id, "report_changes") == []
