"""Custom object records: fields checked against the schema, the upsert keyed on an external id.

Until the emulator serves custom objects (issue #18, the emulator side), the replies come from a
small stand-in through the hook's ``transport=`` seam, answering as the OpenAPI document shows.
"""

from __future__ import annotations

import json

import httpx
import pytest

from airflow_provider_activecampaign.catalogue import CatalogueInputError
from airflow_provider_activecampaign.catalogue.schemas import check_record_fields, record_fields
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from airflow_provider_activecampaign.operators import (
    ActiveCampaignDeleteCustomObjectRecordOperator,
    ActiveCampaignUpsertCustomObjectRecordOperator,
)
from tests.operators.helpers import run

SCHEMA = {"id": "6449c3f3", "slug": "order", "fields": [
    {"id": "total", "type": "number", "isRequired": True}, {"id": "placed", "type": "date"},
    {"id": "note", "type": "text"}]}


class Store:
    """Answers GET schema and POST/DELETE records as the document shows; keeps what it was sent."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []
        self.records: dict[str, dict] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        path = request.url.path.removeprefix("/api/3/")
        if request.method == "GET" and path == "customObjects/schemas/6449c3f3":
            return httpx.Response(200, json={"schema": SCHEMA})
        if request.method == "POST" and path == "customObjects/records/6449c3f3":
            record = json.loads(request.content)["record"]
            status = 200 if record["externalId"] in self.records else 201
            saved = self.records.setdefault(record["externalId"], {"id": f"r{len(self.records) + 1}"})
            saved.update(record)
            return httpx.Response(status, json={"record": saved})
        if request.method == "DELETE" and path.startswith("customObjects/records/6449c3f3/external/"):
            return httpx.Response(202, json={})
        return httpx.Response(404, json={"message": "Not found"})


@pytest.fixture
def store(monkeypatch) -> Store:
    monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", json.dumps({
        "conn_type": "activecampaign", "host": "https://acme.api-us1.com", "password": "k",
        "extra": {"requests_per_second": 0}}))
    return Store()


def with_store(op, store: Store):
    op.__dict__["hook"] = ActiveCampaignHook(transport=httpx.MockTransport(store))
    return op


def test_a_record_is_created_then_updated_by_its_external_id(store: Store) -> None:
    def upsert(total: object) -> dict:
        return run(with_store(ActiveCampaignUpsertCustomObjectRecordOperator(
            task_id="upsert", schema_id="6449c3f3", external_id="A-1",
            fields={"total": total, "placed": "2026-12-05"}, relationships={"primary-contact": [14]}), store))

    first, second = upsert("12.5"), upsert(13)
    assert first["id"] == second["id"] == "r1"
    assert second["fields"] == [{"id": "total", "value": 13}, {"id": "placed", "value": "2026-12-05"}]
    assert json.loads(store.sent[1].content)["record"]["fields"][0] == {"id": "total", "value": 12.5}


@pytest.mark.parametrize(("fields", "field"), [
    ({"total": 3, "colour": "red"}, "fields.colour"),
    ({"total": "many"}, "fields.total"),
    ({"placed": "2026-12-05"}, "fields.total"),
])
def test_fields_are_checked_against_the_schema_before_the_record_is_sent(store: Store, fields, field) -> None:
    op = with_store(ActiveCampaignUpsertCustomObjectRecordOperator(
        task_id="bad", schema_id="6449c3f3", external_id="A-1", fields=fields), store)
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(op)
    assert caught.value.field == field
    assert [r.method for r in store.sent] == ["GET"]  # the schema only


def test_without_an_external_id_or_record_id_nothing_is_sent(store: Store) -> None:
    op = with_store(ActiveCampaignUpsertCustomObjectRecordOperator(task_id="bad", schema_id="6449c3f3",
                                                                   fields={"total": 1}), store)
    with pytest.raises(ActiveCampaignInputError, match="external_id or record_id"):
        run(op)
    assert store.sent == []


def test_delete_by_external_id(store: Store) -> None:
    run(with_store(ActiveCampaignDeleteCustomObjectRecordOperator(task_id="rm", schema_id="6449c3f3",
                                                                  external_id="A-1"), store))
    assert store.sent[0].method == "DELETE"
    assert store.sent[0].url.path == "/api/3/customObjects/records/6449c3f3/external/A-1"


def test_record_fields_take_a_mapping_or_the_api_list() -> None:
    assert record_fields({"a": 1}) == [{"id": "a", "value": 1}] == record_fields([{"id": "a", "value": 1}])
    with pytest.raises(CatalogueInputError):
        record_fields([{"id": "a"}])
    assert check_record_fields(SCHEMA, [{"id": "note", "value": "x"}], whole=False) == [{"id": "note", "value": "x"}]
