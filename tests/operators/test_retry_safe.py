"""Creates are safe across attempts: a POST processed but whose reply was lost never leaves two records.

- in real Airflow (``dag.test()``, ``retries=1``): the first attempt's POST is processed and its
  reply lost, the look-up in that attempt fails too, Airflow runs the task again: one record,
  for every create operator;
- within one attempt: the create finds the record its own lost POST made;
- the look-up only counts records made since the run started, and a failed look-up keeps the
  original error.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pendulum
import pytest

import airflow_provider_activecampaign.operators as ops
from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError, ActiveCampaignConnectionError
from airflow_provider_activecampaign.operators.retry_safe import is_retry, run_started, same_value
from airflow_provider_activecampaign.testing.emulator.filters import FILTER_READINGS
from tests.bundles import load, own_bundle
from tests.operators.retry_cases import CASES, DAG_FILE, prepare

LOOKS_UP = sorted(name for name, case in CASES.items() if case.lookup)


@pytest.fixture(scope="module")
def retry_dags(airflow_db, tmp_path_factory):
    """The retry DAGs as a bundle of their own (``dag.test()`` parses the bundle of the DAG it runs)."""
    folder = tmp_path_factory.mktemp("retry_dags")
    (folder / "retry_dags.py").write_text(DAG_FILE)
    with own_bundle(folder):
        yield load(folder, "retry_dags")


def _tries(dag_id: str, run_id: str) -> int:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        ti = session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dag_id,
                                                        TaskInstance.run_id == run_id)).one()
        return ti.try_number


def _posts(emulator, path: str) -> int:
    full = path if path.startswith("/") else f"/api/3/{path}"
    return sum(1 for r in emulator.requests if r.method == "POST" and r.path == full)


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_airflow_retry_after_a_lost_reply_leaves_exactly_one_record(name, retry_dags, emulator):
    case = CASES[name]
    prepare(emulator)
    before = len(emulator.records(case.plural))
    emulator.inject_fault(method="POST", path=case.post, status=502, after_processing=True)
    if case.lookup:  # the first attempt's own look-up fails as well, so only Airflow's retry can recover
        emulator.inject_fault(method="GET", path=case.lookup, status=400)

    dag = getattr(retry_dags, f"retry_{name}")
    run = dag.test()

    assert run.state == "success"
    assert _tries(dag.dag_id, run.run_id) == 2  # Airflow ran the task a second time
    assert len(emulator.records(case.plural)) == before + case.grows
    assert _posts(emulator, case.post) == case.posts


@pytest.mark.parametrize("name", LOOKS_UP)
def test_within_one_attempt_a_lost_reply_is_found_and_not_sent_again(name, emulator):
    case = CASES[name]
    prepare(emulator)
    before = len(emulator.records(case.plural))
    emulator.inject_fault(method="POST", path=case.post, drop=True, after_processing=True)

    result = case.make("create").execute(context={})

    assert len(emulator.records(case.plural)) == before + case.grows
    assert _posts(emulator, case.post) == 1
    made = result if isinstance(result, list) else [result]
    assert all(item.get("id") or item.get("name") for item in made)  # tracking events are named, not numbered


@pytest.mark.parametrize("reading", FILTER_READINGS)
@pytest.mark.parametrize("name", LOOKS_UP)
def test_a_retry_finds_its_record_under_every_reading_of_the_date_filters(name, reading, emulator):
    """Try 2 of every create that looks up: the record try 1 made is found, whatever the API's date filters mean."""
    emulator.date_filters = reading
    case = CASES[name]
    prepare(emulator)
    started = pendulum.now("UTC")
    before = len(emulator.records(case.plural))
    first = case.make("create").execute(context={})

    again = case.make("create").execute(context=_retry_context(started))

    assert len(emulator.records(case.plural)) == before + case.grows
    assert _posts(emulator, case.post) == 1
    assert _ids(again) == _ids(first) or _ids(first) == ["None"]  # a legacy reply may carry no id


@pytest.mark.parametrize("reading", FILTER_READINGS)
def test_a_retried_deal_uses_what_the_probe_found(reading, emulator):
    """After a Watch poll found the reading, a retried deal asks for the run's own stretch and finds its deal."""
    from airflow_provider_activecampaign.client.date_filters import date_filters, read_bound
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

    emulator.date_filters = reading
    prepare(emulator)
    started = pendulum.now("UTC")
    first = CASES["create_deal"].make("create").execute(context={})
    with ActiveCampaignHook() as hook:
        assert reading in date_filters(hook).readings
    emulator.clear_requests()

    again = CASES["create_deal"].make("create").execute(context=_retry_context(started))

    assert again["id"] == first["id"] and [r.method for r in emulator.requests] == ["GET"]
    sent = emulator.requests[0].query["filters[created_after]"][0]
    read = read_bound(reading, sent, ZoneInfo("America/Chicago"))
    assert started - timedelta(days=1) < read <= started - timedelta(minutes=2)


@pytest.mark.parametrize("name", ["add_tag_to_contact", "create_field_options", "create_deal_note"])
def test_a_retry_succeeds_when_an_undocumented_sub_collection_answers_404(name, emulator):
    """The look-ups read sub-collections the document lists only as record links; on 404 a documented way is used."""
    case = CASES[name]
    prepare(emulator)
    started = pendulum.now("UTC")
    before = len(emulator.records(case.plural))
    case.make("create").execute(context={})
    emulator.inject_fault(method="GET", path=case.lookup, status=404, count=5,
                          body='{"message": "No Result found"}')

    again = case.make("create").execute(context=_retry_context(started))

    assert len(emulator.records(case.plural)) == before + case.grows
    assert _posts(emulator, case.post) == 1
    assert again
    assert any(r.status == 404 and r.path == f"/api/3/{case.lookup}" for r in emulator.requests)


def _ids(result):
    items = result if isinstance(result, list) else [result]
    return [str(item.get("id") or item.get("subscriber_id") or item.get("name")) for item in items]


def _retry_context(started):
    ti = SimpleNamespace(try_number=2, xcom_push=lambda key, value: None)
    return {"ti": ti, "dag_run": SimpleNamespace(start_date=started)}


def test_a_retry_does_not_take_a_record_from_before_the_run_for_its_own(emulator):
    """Yesterday's deal with the same title, contact and pipeline is not this run's: a retry creates one."""
    prepare(emulator)
    emulator.insert("deals", title="Renewal", contact="1", value="100", currency="usd", group="1", stage="1",
                    cdate=(pendulum.now("UTC") - timedelta(days=1)).isoformat())
    op = CASES["create_deal"].make("create")

    made = op.execute(context=_retry_context(pendulum.now("UTC")))

    renewals = [d for d in emulator.records("deals") if d["title"] == "Renewal"]
    assert len(renewals) == 2 and made["id"] == renewals[-1]["id"]


def test_a_retry_returns_the_record_the_first_attempt_made_without_posting(emulator):
    prepare(emulator)
    started = pendulum.now("UTC")
    first = CASES["create_deal"].make("create").execute(context={})
    emulator.clear_requests()

    again = CASES["create_deal"].make("create").execute(context=_retry_context(started))

    assert again["id"] == first["id"]
    assert [r.method for r in emulator.requests] == ["GET"]
    (lookup,) = emulator.requests
    assert lookup.query["filters[title]"] == ["Renewal"] and lookup.query["filters[group]"] == ["1"]
    assert "filters[created_after]" in lookup.query


def test_a_failed_look_up_keeps_the_original_may_have_been_processed_error(emulator):
    prepare(emulator)
    emulator.inject_fault(method="POST", path="deals", status=504, after_processing=True)
    emulator.inject_fault(method="GET", path="deals", status=400)

    with pytest.raises(ActiveCampaignApiError) as raised:
        CASES["create_deal"].make("create").execute(context={})

    assert raised.value.status == 504 and raised.value.may_have_been_processed
    assert "may have been processed" in str(raised.value)


def test_a_failure_before_processing_is_not_looked_up(emulator):
    prepare(emulator)
    emulator.inject_fault(method="POST", path="deals", drop=True)  # dropped before the server acted

    with pytest.raises(ActiveCampaignConnectionError):
        CASES["create_deal"].make("create").execute(context={})

    assert [d for d in emulator.records("deals") if d["title"] == "Renewal"] == []


def test_without_a_natural_key_a_lost_reply_is_an_error_not_a_guess(emulator):
    """A raw API call cannot know what identifies its record: the error says to check first."""
    emulator.inject_fault(method="POST", path="tags", status=502, after_processing=True)
    op = ops.ActiveCampaignApiCallOperator(task_id="raw", method="POST", path="tags", body={"tag": {"tag": "x"}})

    with pytest.raises(ActiveCampaignApiError, match="may have been processed"):
        op.execute(context={})


@pytest.mark.parametrize(("wanted", "found", "same"), [
    ("Renewal", "renewal ", True),
    (1, "1", True),
    (100, "100.0", True),
    ("2030-01-02T16:00:00Z", "2030-01-02T10:00:00-06:00", True),
    ("2030-01-02T16:00:00Z", "2030-01-02T11:00:00-06:00", False),
    (["subscribe", "update"], ["update", "subscribe"], True),
    (["subscribe"], "subscribe", False),
    ("7", None, False),
])
def test_values_compare_as_the_api_shows_them(wanted, found, same):
    assert same_value(wanted, found) is same


def test_retry_and_run_start_come_from_the_task_context():
    started = pendulum.datetime(2024, 5, 1, 12, tz="UTC")
    assert not is_retry({}) and not is_retry({"ti": SimpleNamespace(try_number=1)})
    assert is_retry(_retry_context(started))
    assert run_started(_retry_context(started)) == started - timedelta(minutes=2)
    assert run_started({}) is None


@pytest.mark.parametrize("status", [502, 504])
def test_a_post_answered_502_or_504_after_the_server_processed_it_carries_the_hint(status, emulator):
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

    emulator.inject_fault(method="POST", path="tags", status=status, after_processing=True)

    with pytest.raises(ActiveCampaignApiError) as raised:
        ActiveCampaignHook().request("POST", "tags", json={"tag": {"tag": "vip"}})

    assert raised.value.may_have_been_processed and "may have been processed" in str(raised.value)
    assert [t["tag"] for t in emulator.records("tags")] == ["customer", "vip"]  # it was processed, once
