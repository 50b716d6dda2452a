"""Custom object records, over HTTP against the emulator: fields checked against the schema, the upsert
keyed on an external id, the delete by external id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign.catalogue import CatalogueInputError
from airflow_provider_activecampaign.catalogue.schemas import check_record_fields, record_fields
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError, ActiveCampaignNotFoundError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from airflow_provider_activecampaign.operators import (
    ActiveCampaignDeleteCustomObjectRecordOperator,
    ActiveCampaignListCustomObjectRecordsOperator,
    ActiveCampaignUpsertCustomObjectRecordOperator,
)
from tests.operators import tables
from tests.operators.helpers import ApiErrorCase, CallCase, refused, run

FIELDS = [{"id": "total", "type": "number", "isRequired": True}, {"id": "placed", "type": "date"},
          {"id": "note", "type": "text"}]
SCHEMA = {"id": "6449c3f3", "slug": "order", "fields": FIELDS}


@pytest.fixture
def schema(emulator) -> str:
    """An "order" custom object (total: number, required; placed: date; note: text) at the emulator; its id."""
    with ActiveCampaignHook() as hook:
        made = hook.request("POST", "customObjects/schemas", json={"schema": {
            "slug": "order", "labels": {"singular": "Order", "plural": "Orders"}, "fields": FIELDS}})
    emulator.clear_requests()
    return made["schema"]["id"]


def sent(emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emulator.requests]


@pytest.fixture
def world(world: dict[str, str], schema: str, emulator) -> dict[str, str]:
    """The conftest's account with the "order" schema and its record ``A-1`` (total 1)."""
    record = run(ActiveCampaignUpsertCustomObjectRecordOperator(task_id="add", schema_id=schema, external_id="A-1",
                                                                fields={"total": 1}))
    emulator.clear_requests()
    return {**world, "schema": schema, "record": record["id"]}


def records(schema: str) -> list[dict]:
    with ActiveCampaignHook() as hook:
        return hook.request("GET", f"customObjects/records/{schema}")["records"]


HAPPY: dict[str, CallCase] = {
    "upsert creates a record": (
        lambda w: ActiveCampaignUpsertCustomObjectRecordOperator(task_id="t", schema_id=w["schema"],
                                                                 external_id="B-2", fields={"total": 5}),
        lambda emu, w, r: (r["externalId"] == "B-2" and r["id"] != w["record"]
                           and sent(emu) == [f"GET /api/3/customObjects/schemas/{w['schema']}",
                                             f"POST /api/3/customObjects/records/{w['schema']}"])),
    "upsert updates the record with that external id": (
        lambda w: ActiveCampaignUpsertCustomObjectRecordOperator(task_id="t", schema_id=w["schema"],
                                                                 external_id="A-1", fields={"total": 7}),
        lambda emu, w, r: r["id"] == w["record"] and [record["fields"] for record in records(w["schema"])]
        == [[{"id": "total", "value": 7}]]),
    "list records by external id": (
        lambda w: ActiveCampaignListCustomObjectRecordsOperator(task_id="t", schema_id=w["schema"],
                                                                external_id="A-1"),
        lambda emu, w, r: [record["id"] for record in r] == [w["record"]]),
    "delete by external id": (
        lambda w: ActiveCampaignDeleteCustomObjectRecordOperator(task_id="t", schema_id=w["schema"],
                                                                 external_id="A-1"),
        lambda emu, w, r: sent(emu) == [f"DELETE /api/3/customObjects/records/{w['schema']}/external/A-1"]
        and records(w["schema"]) == []),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "upsert without an external id or record id": (
        lambda: ActiveCampaignUpsertCustomObjectRecordOperator(task_id="t", schema_id="s1", fields={"total": 1}),
        "external_id or record_id"),
    "upsert schema id with a slash": (
        lambda: ActiveCampaignUpsertCustomObjectRecordOperator(task_id="t", schema_id="a/b", external_id="A-1",
                                                               fields={"total": 1}), "schema_id"),
    "delete empty external id": (
        lambda: ActiveCampaignDeleteCustomObjectRecordOperator(task_id="t", schema_id="s1", external_id=""),
        "external_id"),
    "delete external id with a slash": (
        lambda: ActiveCampaignDeleteCustomObjectRecordOperator(task_id="t", schema_id="s1", external_id="A/1"),
        "external_id"),
    "delete blank schema id": (
        lambda: ActiveCampaignDeleteCustomObjectRecordOperator(task_id="t", schema_id=" ", external_id="A-1"),
        "schema_id"),
    "delete with a templated schema id": (
        lambda: ActiveCampaignDeleteCustomObjectRecordOperator(task_id="t", schema_id="{{ params.s }}",
                                                               external_id="A?1"), "external_id"),
    "list schema id with a slash": (
        lambda: ActiveCampaignListCustomObjectRecordsOperator(task_id="t", schema_id="a/b"), "schema_id"),
    "list empty schema id": (
        lambda: ActiveCampaignListCustomObjectRecordsOperator(task_id="t", schema_id=""), "schema_id"),
    "list external id not text": (
        lambda: ActiveCampaignListCustomObjectRecordsOperator(task_id="t", schema_id="s1", output_path="/tmp/x",
                                                              external_id=["A-1"]), "external_id"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "upsert into an unknown schema": (
        lambda w: ActiveCampaignUpsertCustomObjectRecordOperator(task_id="t", schema_id="nope", external_id="A-1",
                                                                 fields={"total": 1}), None, 404, "Not Found"),
    "list an unknown schema": (
        lambda w: ActiveCampaignListCustomObjectRecordsOperator(task_id="t", schema_id="nope"), None, 404,
        "Not Found"),
    "delete an unknown external id": (
        lambda w: ActiveCampaignDeleteCustomObjectRecordOperator(task_id="t", schema_id=w["schema"],
                                                                 external_id="Z-9"), None, 404, "Not Found"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_a_record_is_created_then_updated_by_its_external_id(emulator, schema: str) -> None:
    contact = emulator.insert("contacts", email="buyer@example.com")

    def upsert(total: object) -> dict:
        return run(ActiveCampaignUpsertCustomObjectRecordOperator(
            task_id="upsert", schema_id=schema, external_id="A-1",
            fields={"total": total, "placed": "2026-12-05"}, relationships={"primary-contact": [contact["id"]]}))

    first, second = upsert("12.5"), upsert(13)
    assert first["id"] == second["id"]
    assert {f["id"]: f["value"] for f in second["fields"]} == {"total": 13, "placed": "2026-12-05"}
    posted = [r for r in emulator.requests if r.method == "POST"]
    assert len(posted) == 2
    assert posted[0].json["record"]["fields"][0] == {"id": "total", "value": 12.5}
    with ActiveCampaignHook() as hook:
        listed = hook.request("GET", f"customObjects/records/{schema}")
    assert [r["externalId"] for r in listed["records"]] == ["A-1"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"total": 3, "colour": "red"}, "fields.colour"),
    ({"total": "many"}, "fields.total"),
    ({"placed": "2026-12-05"}, "fields.total"),
])
def test_fields_are_checked_against_the_schema_before_the_record_is_sent(emulator, schema: str, fields,
                                                                         field) -> None:
    op = ActiveCampaignUpsertCustomObjectRecordOperator(task_id="bad", schema_id=schema, external_id="A-1",
                                                        fields=fields)
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(op)
    assert caught.value.field == field
    assert sent(emulator) == [f"GET /api/3/customObjects/schemas/{schema}"]  # the schema only


def test_delete_by_external_id(emulator, schema: str) -> None:
    run(ActiveCampaignUpsertCustomObjectRecordOperator(task_id="add", schema_id=schema, external_id="A-1",
                                                       fields={"total": 1}))
    run(ActiveCampaignDeleteCustomObjectRecordOperator(task_id="rm", schema_id=schema, external_id="A-1"))
    assert sent(emulator)[-1] == f"DELETE /api/3/customObjects/records/{schema}/external/A-1"
    with ActiveCampaignHook() as hook:
        assert hook.request("GET", f"customObjects/records/{schema}")["records"] == []


def test_a_templated_external_id_is_checked_once_rendered(emulator, schema: str) -> None:
    op = ActiveCampaignDeleteCustomObjectRecordOperator(task_id="rm", schema_id=schema,
                                                        external_id="{{ params.id }}")
    op.external_id = ""  # what the template rendered
    error = refused(lambda: op, emulator)
    assert error.field == "external_id"
    assert "ActiveCampaignDeleteCustomObjectRecordOperator(task_id='rm')" in str(error)


def test_record_fields_take_a_mapping_or_the_api_list() -> None:
    assert record_fields({"a": 1}) == [{"id": "a", "value": 1}] == record_fields([{"id": "a", "value": 1}])
    with pytest.raises(CatalogueInputError):
        record_fields([{"id": "a"}])
    assert check_record_fields(SCHEMA, [{"id": "note", "value": "x"}], whole=False) == [{"id": "note", "value": "x"}]


def test_a_retried_delete_whose_earlier_attempt_went_through_succeeds(emulator, schema: str) -> None:
    """The API answers 404 to the retry: the record is gone, as the first attempt left it; done, not failed."""
    from types import SimpleNamespace

    run(ActiveCampaignUpsertCustomObjectRecordOperator(task_id="add", schema_id=schema, external_id="A-1",
                                                       fields={"total": 1}))
    op = ActiveCampaignDeleteCustomObjectRecordOperator(task_id="rm", schema_id=schema, external_id="A-1")
    assert op.execute(context={}) == {"deleted": "A-1", "resource": "customObjectRecord"}
    retry = {"ti": SimpleNamespace(try_number=2, xcom_push=lambda key, value: None)}
    assert op.execute(context=retry) == {"deleted": "A-1", "resource": "customObjectRecord"}
    deleted, again = (r.status for r in emulator.requests if r.method == "DELETE")
    assert 200 <= deleted < 300 and again == 404
    with pytest.raises(ActiveCampaignNotFoundError):  # a first attempt's 404 is still an error
        op.execute(context={})
