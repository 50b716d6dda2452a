"""The incremental export: everything created or changed since the last successful export, exactly once.

Unit level over real HTTP first, then in real Airflow with ``dag.test()`` across logical dates,
a skipped interval, manual runs without a logical date and a re-run after later runs.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from airflow_provider_activecampaign import io as export_io
from airflow_provider_activecampaign.client.date_filters import READINGS, UNKNOWN, DateFilters, cached
from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError, ActiveCampaignInputError
from airflow_provider_activecampaign.operators import ActiveCampaignIncrementalExportOperator
from airflow_provider_activecampaign.operators.export import ActiveCampaignExportBusyError
from tests.bundles import load, own_bundle

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def exporter(folder: Path, resource: str = "contact", name: str = "out", **kwargs):
    return ActiveCampaignIncrementalExportOperator(task_id="export", resource=resource,
                                                   output_path=str(folder / f"{name}.jsonl"),
                                                   state_path=str(folder / "state.json"), **kwargs)


def run(folder: Path, run_id: str, **kwargs) -> tuple[dict, list[dict]]:
    result = exporter(folder, name=run_id, **kwargs).execute({"run_id": run_id})
    return result, [json.loads(line) for line in Path(result["path"]).read_text().splitlines()]


def contact(emulator, n: int, when: datetime) -> str:
    stamp = when.isoformat()
    return emulator.insert("contacts", email=f"c{n}@example.com", cdate=stamp, udate=stamp)["id"]


def state(folder: Path) -> dict:
    return json.loads((folder / "state.json").read_text())


def test_each_run_exports_what_changed_since_the_last_success_once(emulator, tmp_path):
    first_ids = [contact(emulator, n, NOW - timedelta(days=2, minutes=n)) for n in range(5)]
    result, records = run(tmp_path, "r1")
    assert sorted(r["id"] for r in records) == sorted(first_ids) and result["since"] is None
    assert state(tmp_path)["lease"] is None and state(tmp_path)["watermark"]

    emulator.modify("contacts", first_ids[0], firstName="Changed", udate=(NOW - timedelta(hours=1)).isoformat())
    fresh = contact(emulator, 10, NOW - timedelta(hours=2))
    _, records = run(tmp_path, "r2")
    assert sorted(r["id"] for r in records) == sorted([first_ids[0], fresh])
    assert next(r for r in records if r["id"] == first_ids[0])["firstName"] == "Changed"
    requests = [r for r in emulator.requests if r.path == "/api/3/contacts"]
    assert "filters[updated_after]" in requests[-1].query  # the server narrows, as the account reads dates

    _, records = run(tmp_path, "r3")
    assert records == []  # nothing changed: the overlap re-reads, the (id, time) pairs de-duplicate


@pytest.mark.parametrize("reading", READINGS)
def test_the_window_is_asked_as_the_account_reads_its_date_filters_and_nothing_is_lost(emulator, tmp_path, reading):
    """The probe finds the reading once; a known reading asks for the window itself (no widening), and
    under the date-only reading whole days are read and nothing is lost or doubled."""
    emulator.date_filters = reading
    first = contact(emulator, 1, NOW - timedelta(hours=3))
    run(tmp_path, "r1")
    since = datetime.fromisoformat(state(tmp_path)["watermark"]) - timedelta(minutes=10)
    emulator.modify("contacts", first, firstName="Changed", udate=(since + timedelta(minutes=1)).isoformat())
    fresh = contact(emulator, 2, NOW - timedelta(minutes=1))
    result, records = run(tmp_path, "r2")
    assert sorted(r["id"] for r in records) == sorted([first, fresh]) and result["since"] == since.isoformat()
    asked = [r for r in emulator.requests if r.path == "/api/3/contacts"][-1].query["filters[updated_after]"][0]
    assert cached(emulator.url).readings == {reading}, "found by the probe"
    read_at = DateFilters(frozenset({reading})).bounds(asked)
    widened = min(UNKNOWN.bounds(UNKNOWN.after(since)))
    if reading == "date":
        assert len(asked) == 10 and read_at[0] <= since, "a plain date, read at or before the window"
    else:
        assert read_at == [since] and widened < since, "exactly the window, where widening read earlier"
    _, records = run(tmp_path, "r3")
    assert records == []


def test_a_record_visible_late_within_the_overlap_is_exported(emulator, tmp_path):
    contact(emulator, 1, NOW - timedelta(minutes=1))
    run(tmp_path, "r1")
    late = emulator.insert_late("contacts", NOW - timedelta(minutes=4), email="late@example.com")
    _, records = run(tmp_path, "r2")
    assert [r["id"] for r in records] == [late["id"]]
    too_late = emulator.insert_late("contacts", NOW - timedelta(hours=2), email="later@example.com")
    _, records = run(tmp_path, "r3", overlap=timedelta(hours=3))
    assert [r["id"] for r in records] == [too_late["id"]]  # a wider overlap reaches it


def test_resources_without_server_filters_are_read_whole_and_filtered_by_time(emulator, tmp_path):
    old = emulator.insert("calendars", title="old", type="All", cdate=(NOW - timedelta(days=3)).isoformat(),
                          mdate=(NOW - timedelta(days=3)).isoformat())
    run_ = exporter(tmp_path, resource="calendar", name="a").execute({"run_id": "a"})
    assert run_["count"] == 1
    new = emulator.insert("calendars", title="new", type="All")
    emulator.modify("calendars", old["id"], title="old, renamed")
    result = exporter(tmp_path, resource="calendar", name="b").execute({"run_id": "b"})
    got = [json.loads(line)["id"] for line in Path(result["path"]).read_text().splitlines()]
    assert sorted(got) == sorted([old["id"], new["id"]])


def test_another_run_holding_the_lease_is_refused_and_a_dead_lease_is_taken_over(emulator, tmp_path):
    contact(emulator, 1, NOW - timedelta(hours=1))
    (tmp_path / "state.json").write_text(json.dumps({
        "resource": "contact", "watermark": None,
        "lease": {"run_id": "scheduled__other", "since": datetime.now(timezone.utc).isoformat()}}))
    with pytest.raises(ActiveCampaignExportBusyError, match="held by run 'scheduled__other'"):
        run(tmp_path, "mine")
    assert not (tmp_path / "mine.jsonl").exists() and emulator.requests == []
    result, _ = run(tmp_path, "mine", lease_timeout=0)
    assert result["count"] == 1 and state(tmp_path)["last_run"] == "mine"


def test_a_failed_run_keeps_the_watermark_and_its_retry_resumes(emulator, tmp_path, monkeypatch):
    ids = [contact(emulator, n, NOW - timedelta(days=1, seconds=n)) for n in range(450)]
    monkeypatch.setattr(export_io, "CHECKPOINT_EVERY", 150)
    seen = []

    def fail_fourth(emu, request):
        seen.append(request)
        if len(seen) == 4:
            emu.inject_fault(status=422, method="GET", path="contacts")
    emulator.on_request(fail_fourth)
    with pytest.raises(ActiveCampaignApiError):
        run(tmp_path, "r1")
    assert state(tmp_path)["lease"] is None and not state(tmp_path).get("watermark")
    assert not (tmp_path / "r1.jsonl").exists() and (tmp_path / "r1.jsonl.checkpoint").exists()
    emulator.on_request(None)
    emulator.clear_requests()
    _, records = run(tmp_path, "r1")
    assert sorted(r["id"] for r in records) == sorted(ids)
    assert "id_greater" in emulator.requests[0].query  # resumed after the checkpoint


def test_a_completed_export_is_never_overwritten(emulator, tmp_path):
    contact(emulator, 1, NOW - timedelta(hours=1))
    run(tmp_path, "r1")
    before = (tmp_path / "r1.jsonl").read_text()
    with pytest.raises(ActiveCampaignInputError, match="output_path"):
        run(tmp_path, "r1")
    assert (tmp_path / "r1.jsonl").read_text() == before and state(tmp_path)["lease"] is None


def test_window_filters_and_a_state_of_another_resource_are_refused(emulator, tmp_path):
    with pytest.raises(ActiveCampaignInputError, match=r"filters\.updated_after"):
        exporter(tmp_path, filters={"updated_after": "2026-01-01"}).execute({"run_id": "x"})
    (tmp_path / "state.json").write_text(json.dumps({"resource": "deal"}))
    with pytest.raises(ActiveCampaignInputError, match="state_path"):
        run(tmp_path, "x")
    assert emulator.requests == []


DAG_FILE = '''
import os
import pendulum
from airflow.sdk import DAG
from airflow_provider_activecampaign.operators import ActiveCampaignIncrementalExportOperator

FOLDER = os.environ["AC_EXPORT_TEST_FOLDER"]

with DAG("test_incremental_export", schedule="@daily", start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
         catchup=False) as dag:
    ActiveCampaignIncrementalExportOperator(
        task_id="export", resource="contact", state_path=FOLDER + "/state.json",
        output_path=FOLDER + "/{{ run_id | replace(':', '_') | replace('+', '_') }}.jsonl")
'''


@pytest.fixture(scope="module")
def export_dags(airflow_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("export_dags")
    (folder / "export_test_dags.py").write_text(DAG_FILE)
    with own_bundle(folder):
        yield folder  # loaded by the test, once it has set the output folder the file reads


def test_in_airflow_across_logical_dates_a_skipped_day_manual_runs_and_a_rerun(export_dags, emulator, tmp_path,
                                                                              monkeypatch):
    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setenv("AC_EXPORT_TEST_FOLDER", str(out))
    dag = load(export_dags, "export_test_dags").dag
    day1 = datetime(2026, 3, 10, tzinfo=timezone.utc)
    versions: set[tuple[str, str]] = set()

    def changed(*ids):
        versions.update((rid, emulator.record("contacts", rid)["udate"]) for rid in ids)

    changed(*[contact(emulator, n, NOW - timedelta(days=3, minutes=n)) for n in range(4)])
    runs = [dag.test(logical_date=day1)]
    changed(contact(emulator, 10, NOW - timedelta(hours=3)))
    runs.append(dag.test(logical_date=day1 + timedelta(days=2)))  # day 2 skipped (catchup=False)
    first = emulator.ids("contacts")[0]
    emulator.modify("contacts", first, firstName="Again", udate=(NOW - timedelta(minutes=30)).isoformat())
    changed(first)
    runs.append(dag.test(logical_date=None, run_after=NOW))  # a manual run without a logical date
    changed(emulator.insert_late("contacts", NOW - timedelta(minutes=35), email="late@example.com")["id"])
    runs.append(dag.test(logical_date=None, run_after=NOW + timedelta(seconds=1)))
    runs.append(dag.test(logical_date=day1))  # the first day re-run after the later runs
    assert [r.state for r in runs] == ["success"] * 5

    exported = [json.loads(line) for path in sorted(out.glob("*.jsonl")) for line in path.read_text().splitlines()]
    pairs = [(r["id"], r["udate"]) for r in exported]
    assert len(pairs) == len(set(pairs))  # nothing twice, across all runs
    assert set(pairs) == versions  # every version of every record, none lost
    assert state(out)["lease"] is None


@pytest.fixture(autouse=True)
def _tidy(tmp_path):
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)


class _Ti:
    """The task instance's Task SDK call the export asks whether a lease's holder still runs."""

    dag_id, task_id, map_index = "exports", "export", -1

    def __init__(self, states=None, error=None):
        self.states, self.error = states, error

    def get_task_states(self, **query):
        if self.error:
            raise self.error
        return self.states


def _held_by(folder: Path, **holder) -> None:
    (folder / "state.json").write_text(json.dumps({
        "resource": "contact", "watermark": None,
        "lease": {"run_id": "other", "since": datetime.now(timezone.utc).isoformat(), **holder}}))


HOLDER = {"dag_id": "exports", "task_id": "export", "map_index": -1}


@pytest.mark.parametrize(("states", "taken"), [
    ({"other": {"export": "failed"}}, True),  # killed, not retried
    ({}, True),  # the run is gone
    ({"other": {"export": "running"}}, False),
    ({"other": {"export": "up_for_retry"}}, False),  # its retry resumes from its checkpoint
])
def test_a_lease_whose_holder_no_longer_runs_is_taken_over_at_once(emulator, tmp_path, states, taken):
    contact(emulator, 1, NOW - timedelta(hours=1))
    _held_by(tmp_path, **HOLDER)
    make = exporter(tmp_path, name="mine")
    if taken:
        assert make.execute({"run_id": "mine", "ti": _Ti(states)})["count"] == 1
        assert state(tmp_path)["lease"] is None and state(tmp_path)["last_run"] == "mine"
    else:
        with pytest.raises(ActiveCampaignExportBusyError, match="held by run 'other'"):
            make.execute({"run_id": "mine", "ti": _Ti(states)})


def test_a_lease_stands_when_its_holder_cannot_be_asked_about(emulator, tmp_path):
    _held_by(tmp_path, **HOLDER)
    with pytest.raises(ActiveCampaignExportBusyError):
        exporter(tmp_path, name="a").execute({"run_id": "mine", "ti": _Ti(error=RuntimeError("API down"))})
    _held_by(tmp_path)  # a lease written before holders were recorded
    with pytest.raises(ActiveCampaignExportBusyError):
        exporter(tmp_path, name="b").execute({"run_id": "mine", "ti": _Ti({})})
    assert emulator.requests == []


def test_in_airflow_a_lease_of_a_run_that_is_gone_does_not_block(export_dags, emulator, tmp_path, monkeypatch):
    """Through the Task SDK of this Airflow version (3.0 and 3.3): the holder's run does not exist."""
    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setenv("AC_EXPORT_TEST_FOLDER", str(out))
    _held_by(out, dag_id="test_incremental_export", task_id="export", map_index=-1)
    contact(emulator, 1, NOW - timedelta(hours=1))
    dag = load(export_dags, "export_test_dags").dag
    assert dag.test(logical_date=datetime(2026, 4, 1, tzinfo=timezone.utc)).state == "success"
    assert state(out)["lease"] is None
