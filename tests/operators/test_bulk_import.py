"""The bulk import operator over real HTTP against the emulator's bulk API: inputs (JSON Lines,
CSV, a list), the per-row report, the API's limits, refusals, resuming after a retry without
importing a batch twice, the deferrable mode step by step and in real Airflow (``dag.test()``)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignAuthError,
    ActiveCampaignConfigError,
    ActiveCampaignConnectionError,
    ActiveCampaignError,
    ActiveCampaignInputError,
)
from airflow_provider_activecampaign.operators import ActiveCampaignBulkImportContactsOperator
from airflow_provider_activecampaign.testing.emulator.bulk import INVALID_MESSAGE, RATE_MESSAGE
from airflow_provider_activecampaign.triggers.bulk_import import ActiveCampaignBulkImportTrigger
from tests.conftest import CANARY_KEY
from tests.operators import tables
from tests.operators.helpers import FORBIDDEN, ApiErrorCase, CallCase, run

BULK = "/api/3/import/bulk_import"
INFO = "/api/3/import/info"


@pytest.fixture
def bulk(emulator):
    """The emulator with imports processed in 50 ms."""
    emulator.bulk_imports.configure(processing_seconds=0.05)
    return emulator


def operator(tmp_path: Path, **kwargs) -> ActiveCampaignBulkImportContactsOperator:
    kwargs.setdefault("report_path", str(tmp_path / "out" / "report.jsonl"))
    return ActiveCampaignBulkImportContactsOperator(task_id="import", poll_interval=0.01, **kwargs)


def write_jsonl(path: Path, rows: list) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return str(path)


def people(n: int, start: int = 0) -> list[dict]:
    return [{"email": f"p{i}@example.com", "first_name": f"P{i}"} for i in range(start, start + n)]


def report(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "out" / "report.jsonl").read_text().splitlines()]


def posts(emu) -> list:
    return [r for r in emu.requests if (r.method, r.path) == ("POST", BULK)]


def leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "out").iterdir())


@pytest.fixture
def world(world: dict[str, str], bulk, tmp_path: Path) -> dict[str, str]:
    """The conftest's account, imports processed in 50 ms, and where a task's report goes."""
    return {**world, "report": str(tmp_path / "out" / "report.jsonl")}


def importer(report_path: str = "/nonexistent/report.jsonl", **kwargs) -> ActiveCampaignBulkImportContactsOperator:
    """The operator as the tables make it: task ``t``, polling every 10 ms."""
    return ActiveCampaignBulkImportContactsOperator(task_id="t", poll_interval=0.01, report_path=report_path, **kwargs)


HAPPY: dict[str, CallCase] = {
    "an inline list": (
        lambda w: importer(w["report"], contacts=[*people(2), {"email": "ada@example.com", "last_name": "King"}]),
        lambda emu, w, r: ((r["imported"], r["failed"]) == (3, 0)
                           and [c["lastName"] for c in emu.records("contacts") if c["email"] == "ada@example.com"]
                           == ["King"] and len(emu.records("contacts")) == 4)),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "batch_size": (lambda: importer(contacts=people(1), batch_size=251), "batch_size"),
    "imports_per_minute": (lambda: importer(contacts=people(1), imports_per_minute=101), "imports_per_minute"),
    "max_batches_in_flight": (lambda: importer(contacts=people(1), max_batches_in_flight=0),
                              "max_batches_in_flight"),
    "a relative source_path": (lambda: importer(contacts=people(1), source_path="x.jsonl"), "source_path"),
    "nothing to import": (lambda: importer(), "source_path"),
    "source_format": (lambda: importer(source_path="/nonexistent/in.txt"), "source_format"),
    "contacts not a list": (lambda: importer(contacts={"email": "a@example.com"}), "contacts"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "no permission": (lambda w: importer(w["report"], contacts=people(1)), {**FORBIDDEN, "path": BULK}, 403,
                      "You do not have permission"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


# =========================================================================== inputs and the report


def test_jsonl_rows_are_imported_in_batches_of_250_and_every_row_is_reported(bulk, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [
        *people(600), "not json", {"email": "bad"}, {"email": "x@example.com", "colour": "red"}, "",
        {"email": "invalid'character@example.com"}])
    result = run(operator(tmp_path, source_path=source))

    assert result == {"imported": 600, "failed": 4, "unknown": 0, "report": str(tmp_path / "out" / "report.jsonl")}
    assert [len(r.json["contacts"]) for r in posts(bulk)] == [250, 250, 101]
    rows = report(tmp_path)
    assert [r["row"] for r in rows] == [*range(1, 604), 605]  # every row, in input order (604 is blank)
    assert {r["status"] for r in rows[:600]} == {"imported"} and all(r["batch_id"] for r in rows[:600])
    failed = {r["row"]: r["reason"] for r in rows if r["status"] == "failed"}
    assert failed[601].startswith("line 601 is not JSON")
    assert failed[602] == "field 'email' must be an e-mail address, got 'bad'"
    assert failed[603].startswith("field 'colour' must be a field of the bulk import")
    assert "did not import this contact" in failed[605]  # ActiveCampaign listed it by e-mail
    assert len(bulk.records("contacts")) == 600
    assert leftovers(tmp_path) == ["report.jsonl"]  # checkpoint and parts removed


def test_csv_rows_carry_tags_custom_fields_and_list_subscriptions(bulk, tmp_path):
    colour = bulk.insert("fields", title="Colour", type="text")
    left = bulk.insert("lists", name="Leavers")
    (tmp_path / "in.csv").write_text(
        "\ufeffemail,first_name,tags,field:" + colour["id"] + ",subscribe,unsubscribe\r\n"
        f'ada@example.com,Ada,"vip, customer",blue,1,{left["id"]}\r\n'
        'grace@example.com,"Grace\nHopper",,green,,\r\n'
        "short,row\r\n"
        "nobody,Nobody,,,,\r\n", encoding="utf-8")
    result = run(operator(tmp_path, source_path=str(tmp_path / "in.csv")))

    assert (result["imported"], result["failed"]) == (2, 2)
    sent = posts(bulk)[0].json["contacts"]
    assert sent[0] == {"email": "ada@example.com", "first_name": "Ada", "tags": ["vip", "customer"],
                       "fields": [{"id": int(colour["id"]), "value": "blue"}], "subscribe": [{"listid": "1"}],
                       "unsubscribe": [{"listid": left["id"]}]}
    assert sent[1]["first_name"] == "Grace\nHopper"  # a quoted value over two lines
    contacts = {c["email"]: c["id"] for c in bulk.records("contacts")}
    tags = {t["id"]: t["tag"] for t in bulk.records("tags")}
    assert sorted(tags[ct["tag"]] for ct in bulk.records("contactTags")) == ["customer", "vip"]
    assert {(v["contact"], v["value"]) for v in bulk.records("fieldValues")} == {
        (contacts["ada@example.com"], "blue"), (contacts["grace@example.com"], "green")}
    assert {(cl["list"], cl["status"]) for cl in bulk.records("contactLists")} == {("1", "1"), (left["id"], "2")}
    assert [(r["row"], r["status"]) for r in report(tmp_path)] == [
        (1, "imported"), (2, "imported"), (3, "failed"), (4, "failed")]
    assert report(tmp_path)[2]["reason"] == "row 3 has 2 values for 6 columns"


def test_an_inline_list_is_imported_and_reported(bulk, tmp_path):
    colours = bulk.insert("fields", title="Colours", type="listbox")
    result = run(operator(tmp_path, contacts=[{"email": "a@example.com", "tags": ["x"],
                                              "fields": {colours["id"]: ["red", "blue"]}}, {"phone": "123"}]))
    assert (result["imported"], result["failed"]) == (1, 1)
    assert posts(bulk)[0].json["contacts"] == [{"email": "a@example.com", "tags": ["x"],
                                                "fields": [{"id": int(colours["id"]), "value": "red||blue"}]}]
    assert report(tmp_path)[1]["reason"] == "field 'email' must be given (an e-mail address)"


def test_object_storage_urls_are_read_and_written(bulk, tmp_path):
    from airflow.providers.common.compat.sdk import ObjectStoragePath

    try:
        ObjectStoragePath(f"file://{tmp_path}")
    except TypeError as error:  # Airflow 3.0 with universal_pathlib 0.3 takes no file:// URL
        pytest.skip(f"ObjectStoragePath takes no URL here: {error}")
    source = write_jsonl(tmp_path / "in.jsonl", people(3))
    (tmp_path / "out").mkdir()
    url = f"file://{tmp_path}/out/report.jsonl"
    result = run(operator(tmp_path, source_path=f"file://{source}", report_path=url))
    assert (result["imported"], result["report"]) == (3, url)
    assert [r["status"] for r in report(tmp_path)] == ["imported"] * 3
    assert leftovers(tmp_path) == ["report.jsonl"]


def test_a_csv_column_that_is_no_contact_field_is_refused_before_any_request(bulk, tmp_path):
    (tmp_path / "in.csv").write_text("email,company\na@example.com,ACME\n")
    with pytest.raises(ActiveCampaignInputError, match="column company"):
        operator(tmp_path, source_path=str(tmp_path / "in.csv")).execute({})
    assert bulk.requests == []


# =========================================================================== the API's limits and refusals


def test_imports_a_minute_are_paced_client_side_and_never_refused(bulk, tmp_path, monkeypatch):
    bulk.bulk_imports.configure(per_window=2, window=0.4, processing_seconds=0)
    monkeypatch.setattr(ActiveCampaignBulkImportContactsOperator, "import_window", 0.4)
    result = run(operator(tmp_path, contacts=people(10), batch_size=2, imports_per_minute=2))

    assert result["imported"] == 10
    assert [r.status for r in posts(bulk)] == [200] * 5  # the emulator enforces the window: never a 400
    assert len(bulk.records("contacts")) == 10


def test_a_limit_refusal_from_other_imports_of_the_account_is_waited_out(bulk, tmp_path, monkeypatch):
    monkeypatch.setattr(ActiveCampaignBulkImportContactsOperator, "import_window", 0.3)
    refusal = json.dumps({"success": 0, "message": "Rate limit exceeded.", "failureReasons": [RATE_MESSAGE]})
    bulk.inject_fault(status=400, path=BULK, body=refusal, count=2)
    result = run(operator(tmp_path, contacts=people(3)))
    assert result["imported"] == 3
    assert [r.status for r in posts(bulk)] == [400, 400, 200]
    assert len(bulk.records("contacts")) == 3


def test_a_request_refused_for_named_contacts_is_sent_again_without_them(bulk, tmp_path):
    reason = {"contact": 1, "failureReason": "Field\u2018 email\u2019 incorrect format"}
    refusal = json.dumps({"success": 0, "message": INVALID_MESSAGE, "failureReasons": [reason]})
    bulk.inject_fault(status=400, path=BULK, body=refusal)
    result = run(operator(tmp_path, contacts=people(3)))
    assert (result["imported"], result["failed"]) == (2, 1)
    assert [len(r.json["contacts"]) for r in posts(bulk)] == [3, 2]
    assert report(tmp_path)[1] == {"row": 2, "email": "p1@example.com", "status": "failed",
                                   "reason": "ActiveCampaign: Field\u2018 email\u2019 incorrect format"}


def test_an_info_reply_not_as_the_api_promises_is_an_error(bulk, tmp_path):
    bulk.inject_fault(status=200, path=INFO, body='{"status": "completed"}', count=10)
    with pytest.raises(ActiveCampaignError, match="lists no 'success' and 'failure'"):
        operator(tmp_path, contacts=people(1)).execute({})


# =========================================================================== retries: nothing imported twice


def test_a_retried_task_polls_the_batches_it_sent_and_sends_only_the_rest(bulk, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", people(7))
    bulk.bulk_imports.configure(processing_seconds=0.3)
    bulk.inject_fault(status=403, path=INFO, count=2)  # a 403 is retried once: the task fails
    with pytest.raises(ActiveCampaignAuthError):
        operator(tmp_path, source_path=source, batch_size=2, max_batches_in_flight=2).execute({})
    assert len(posts(bulk)) == 2
    assert "report.jsonl.checkpoint.json" in leftovers(tmp_path)

    result = run(operator(tmp_path, source_path=source, batch_size=2, max_batches_in_flight=2))
    assert result["imported"] == 7
    assert len(posts(bulk)) == 4  # 2 before the failure + 2 for the rest: no batch twice
    assert [r["row"] for r in report(tmp_path)] == list(range(1, 8))
    assert len(bulk.records("contacts")) == 7


def test_a_batch_whose_reply_was_lost_is_reported_unknown_and_never_sent_again(bulk, tmp_path):
    bulk.inject_fault(path=BULK, drop=True, after_processing=True)  # imported, then the connection dropped
    contacts = [{"email": "bad"}, *people(4)]  # the first batch: a row not sent, and two contacts
    with pytest.raises(ActiveCampaignConnectionError, match="may have been processed"):
        operator(tmp_path, contacts=contacts, batch_size=2).execute({})
    result = run(operator(tmp_path, contacts=contacts, batch_size=2))

    assert (result["imported"], result["unknown"], result["failed"]) == (2, 2, 1)
    assert len(posts(bulk)) == 2
    assert [r["status"] for r in report(tmp_path)] == ["failed", "unknown", "unknown", "imported", "imported"]
    assert "was not sent again" in report(tmp_path)[1]["reason"]


def test_a_task_killed_while_sending_reports_that_batch_unknown_on_retry(bulk, tmp_path, monkeypatch):
    op = operator(tmp_path, contacts=people(3), batch_size=2)
    real_send = type(op.hook).send

    def killed(hook, call):
        if call.method == "POST":
            raise SystemExit("worker killed")
        return real_send(hook, call)

    monkeypatch.setattr(type(op.hook), "send", killed)
    with pytest.raises(SystemExit):
        op.execute({})
    monkeypatch.setattr(type(op.hook), "send", real_send)
    result = run(operator(tmp_path, contacts=people(3), batch_size=2))
    assert (result["imported"], result["unknown"]) == (1, 2)
    assert [len(r.json["contacts"]) for r in posts(bulk)] == [1]


def test_the_checkpoint_of_another_import_is_not_resumed(bulk, tmp_path):
    bulk.inject_fault(status=403, path=INFO, count=2)
    with pytest.raises(ActiveCampaignAuthError):
        operator(tmp_path, contacts=people(2)).execute({})
    with pytest.raises(ActiveCampaignConfigError, match="progress of another import"):
        operator(tmp_path, contacts=people(3)).execute({})


# =========================================================================== deferrable


def deferred(op, call) -> ActiveCampaignBulkImportTrigger:
    with pytest.raises(TaskDeferred) as exc:
        call()
    trigger = exc.value.trigger
    assert isinstance(trigger, ActiveCampaignBulkImportTrigger)
    assert CANARY_KEY not in json.dumps(trigger.serialize())
    return trigger


def test_deferrable_import_defers_per_round_of_batches_and_resumes_to_send_the_next(bulk, tmp_path):
    op = operator(tmp_path, contacts=people(5), batch_size=2, max_batches_in_flight=2, deferrable=True)
    trigger = deferred(op, lambda: op.execute({}))
    assert len(trigger.batch_ids) == 2 and len(posts(bulk)) == 2
    classpath, kwargs = trigger.serialize()
    assert classpath == TRIGGER
    event = asyncio.run(ActiveCampaignBulkImportTrigger(**kwargs).wait())
    assert event == {"status": "success", "failures": {batch_id: [] for batch_id in trigger.batch_ids}}

    second = deferred(op, lambda: op.execute_complete({}, event))
    assert len(second.batch_ids) == 1 and len(posts(bulk)) == 3
    result = op.execute_complete({}, asyncio.run(second.wait()))
    assert result["imported"] == 5
    assert [r["row"] for r in report(tmp_path)] == [1, 2, 3, 4, 5]


def test_a_trigger_error_fails_the_task_and_a_retry_polls_the_same_batches(bulk, tmp_path):
    op = operator(tmp_path, contacts=people(2), deferrable=True)
    trigger = deferred(op, lambda: op.execute({}))
    with pytest.raises(ActiveCampaignError, match="Waiting for the bulk import failed: boom"):
        op.execute_complete({}, {"status": "error", "message": "boom"})
    again = deferred(op, lambda: op.execute({}))
    assert again.batch_ids == trigger.batch_ids and len(posts(bulk)) == 1


def test_the_trigger_reports_failures_and_errors_as_events(bulk, tmp_path):
    op = operator(tmp_path, contacts=[{"email": "ok@example.com"}, {"email": "it's@example.com"}], deferrable=True)
    trigger = deferred(op, lambda: op.execute({}))
    assert asyncio.run(trigger.wait())["failures"] == {trigger.batch_ids[0]: ["it's@example.com"]}
    missing = ActiveCampaignBulkImportTrigger(batch_ids=["nope"], poll_interval=0.01)
    event = asyncio.run(missing.wait())
    assert event["status"] == "error" and "No Result found for import with id nope" in event["message"]


DAG = '''
import pendulum
from airflow.sdk import DAG
from airflow_provider_activecampaign.operators import ActiveCampaignBulkImportContactsOperator

with DAG("test_bulk_import", schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC")) as dag:
    ActiveCampaignBulkImportContactsOperator(
        task_id="import", source_path="{{ var.value.get('bulk_source', '') }}",
        report_path="{{ var.value.get('bulk_report', '') }}/{{ run_id }}.jsonl",
        batch_size=3, max_batches_in_flight=2, poll_interval=0.02, deferrable=True)
'''


def test_deferrable_import_in_real_airflow(bulk, tmp_path, airflow_db, monkeypatch):
    folder = tmp_path / "dags"
    folder.mkdir()
    (folder / "bulk_dag.py").write_text(DAG)
    bundles = [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(folder)}}]
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
    monkeypatch.setenv("AIRFLOW_VAR_BULK_SOURCE", write_jsonl(tmp_path / "in.jsonl", [*people(8), {"email": "x"}]))
    monkeypatch.setenv("AIRFLOW_VAR_BULK_REPORT", str(tmp_path / "out"))
    namespace: dict = {}
    exec(compile(DAG, str(folder / "bulk_dag.py"), "exec"), namespace)
    run_ = namespace["dag"].test()

    assert run_.state == "success"
    (path,) = (tmp_path / "out").iterdir()
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["status"] for r in rows] == ["imported"] * 8 + ["failed"]
    assert len(posts(bulk)) == 3 and len(bulk.records("contacts")) == 8
    assert trigger_of(run_.run_id) == TRIGGER  # it deferred (the last of its two deferrals is kept)
    shutil.rmtree(folder)


TRIGGER = "airflow_provider_activecampaign.triggers.bulk_import.ActiveCampaignBulkImportTrigger"


def trigger_of(run_id: str) -> str | None:
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.trigger import Trigger
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        ti = session.scalars(select(TaskInstance).where(TaskInstance.run_id == run_id)).one()
        return ti.trigger_id and session.get(Trigger, ti.trigger_id).classpath
