"""Custom field ids are checked against the account's fields before any write, over real HTTP
against the emulator: an unknown id is refused and nothing is written; a known one costs exactly
one read of the field definitions (every page); a write without custom fields reads nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from tests.operators.helpers import methods, run

UNKNOWN = 999
KNOWN = "the account's custom fields"
FIELDS, DEAL_META = "GET /api/3/fields", "GET /api/3/dealCustomFieldMeta"
ACCOUNT_META = "GET /api/3/accountCustomFieldMeta"
LEGACY = "POST /admin/api.php"


@pytest.fixture
def acct(emulator, crm_world) -> dict[str, Any]:
    """The CRM account with one custom field of each kind: contact, deal and account."""
    colour = emulator.insert("fields", title="Colour", type="text", perstag="COLOUR")
    budget = emulator.insert("dealCustomFieldMeta", fieldLabel="Budget", fieldType="text", personalization="BUDGET")
    size = emulator.insert("accountCustomFieldMeta", fieldLabel="Size", fieldType="text")
    value = emulator.insert("fieldValues", contact=crm_world["contact"], field=colour["id"], value="blue")
    emulator.clear_requests()
    return {**crm_world, "colour": colour["id"], "budget": budget["id"], "size": size["id"],
            "colour_value": value["id"]}


def _contact(make: Callable[..., Any], **kw: Any) -> Callable[[dict, Any], Any]:
    return lambda a, field: make(task_id="t", **kw, field_values={field: "red"})


#: (name, make the operator from the account's ids and the field id, the field's kind, its parameter's name
#:  with the id, the read expected, the write expected)
WRITES: list[tuple[str, Callable[[dict, Any], Any], str, str, str, str]] = [
    ("create contact", _contact(ops.ActiveCampaignCreateContactOperator, email="new@example.com"),
     "colour", "field_values.{}", FIELDS, "POST /api/3/contacts"),
    ("sync contact", _contact(ops.ActiveCampaignSyncContactOperator, email="new@example.com"),
     "colour", "field_values.{}", FIELDS, "POST /api/3/contact/sync"),
    ("update contact", lambda a, f: ops.ActiveCampaignUpdateContactOperator(
        task_id="t", contact_id=a["contact"], field_values=[{"field": f, "value": "red"}]),
     "colour", "field_values.{}", FIELDS, "PUT /api/3/contacts/{contact}"),
    ("generic contact", lambda a, f: ops.ActiveCampaignCreateOperator(
        task_id="t", resource="contact", body={"email": "new@example.com", "fieldValues": {f: "red"}}),
     "colour", "body.fieldValues.{}", FIELDS, "POST /api/3/contacts"),
    ("contact.sync action", lambda a, f: ops.ActiveCampaignActionOperator(
        task_id="t", action="contact.sync", body={"email": "new@example.com", "fieldValues": {f: "red"}}),
     "colour", "body.fieldValues.{}", FIELDS, "POST /api/3/contact/sync"),
    ("field value", lambda a, f: ops.ActiveCampaignCreateOperator(
        task_id="t", resource="fieldValue", body={"contact": a["contact"], "field": f, "value": "red"}),
     "colour", "body.field", FIELDS, "POST /api/3/fieldValues"),
    ("upsert field value", lambda a, f: ops.ActiveCampaignUpsertFieldValueOperator(
        task_id="t", contact_id=a["contact"], field_id=f, value="red"),
     "colour", "field_id", FIELDS, "PUT /api/3/fieldValues/{colour_value}"),  # the contact has a colour
    ("update field value", lambda a, f: ops.ActiveCampaignUpdateFieldValueOperator(
        task_id="t", field_value_id=a["colour_value"], contact_id=a["contact"], field_id=f, value="green"),
     "colour", "field_id", FIELDS, "PUT /api/3/fieldValues/{colour_value}"),
    ("create deal", lambda a, f: ops.ActiveCampaignCreateDealOperator(
        task_id="t", title="Order", value=100, currency="usd", contact_id=a["contact"], pipeline_id=1,
        custom_fields={f: "5000"}),
     "budget", "custom_fields.{}", DEAL_META, "POST /api/3/deals"),
    ("update deal", lambda a, f: ops.ActiveCampaignUpdateDealOperator(
        task_id="t", deal_id=a["deal"], custom_fields=[{"customFieldId": f, "fieldValue": "5000"}]),
     "budget", "custom_fields.{}", DEAL_META, "PUT /api/3/deals/{deal}"),
    ("deal field datum", lambda a, f: ops.ActiveCampaignCreateOperator(
        task_id="t", resource="dealCustomFieldDatum",
        body={"dealId": a["deal"], "customFieldId": f, "fieldValue": "5000"}),
     "budget", "body.customFieldId", DEAL_META, "POST /api/3/dealCustomFieldData"),
    ("create account", lambda a, f: ops.ActiveCampaignCreateAccountOperator(
        task_id="t", name="Difference Engines", custom_fields={f: "large"}),
     "size", "custom_fields.{}", ACCOUNT_META, "POST /api/3/accounts"),
    ("update account", lambda a, f: ops.ActiveCampaignUpdateOperator(
        task_id="t", resource="account", record_id=a["account"], body={"fields": {f: "large"}}),
     "size", "body.fields.{}", ACCOUNT_META, "PUT /api/3/accounts/{account}"),
    ("account field datum", lambda a, f: ops.ActiveCampaignCreateOperator(
        task_id="t", resource="accountCustomFieldDatum",
        body={"customerAccountId": a["account"], "customFieldId": f, "fieldValue": "large"}),
     "size", "body.customFieldId", ACCOUNT_META, "POST /api/3/accountCustomFieldData"),
    ("legacy sync contact", _contact(ops.ActiveCampaignLegacySyncContactOperator, email="new@example.com"),
     "colour", "field_values.{}", FIELDS, LEGACY),
    ("legacy add contact", _contact(ops.ActiveCampaignLegacyCreateContactOperator, email="new@example.com",
                                    list_id=1),
     "colour", "field_values.{}", FIELDS, LEGACY),
    ("legacy update contact", lambda a, f: ops.ActiveCampaignLegacyUpdateContactOperator(
        task_id="t", contact_id=a["contact"], email="ada@example.com", field_values={str(f): "red"}),
     "colour", "field_values.{}", FIELDS, LEGACY),
    ("legacy form field", lambda a, f: ops.ActiveCampaignLegacySyncContactOperator(
        task_id="t", email="new@example.com", extra_fields={f"field[{f},0]": "red"}),
     "colour", "extra_fields.field[{},0]", FIELDS, LEGACY),
]
IDS = [row[0] for row in WRITES]


def writes(emu: Any) -> list[str]:
    return [m for m in methods(emu) if not m.startswith("GET ")]


@pytest.mark.parametrize(("name", "make", "kind", "parameter", "read", "write"), WRITES, ids=IDS)
def test_an_unknown_custom_field_id_is_refused_before_any_write(emulator, acct, name, make, kind, parameter,
                                                                read, write) -> None:
    op = make(acct, UNKNOWN)
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(op)
    error = caught.value
    assert error.field == parameter.format(UNKNOWN)
    assert str(error).startswith(f"{type(op).__name__}(task_id='t'): field {error.field!r} must be "), str(error)
    assert KNOWN in error.expected and read.replace("/api/3", "") in error.expected
    assert writes(emulator) == []  # nothing written: no POST, PUT or PATCH reached the emulator
    assert methods(emulator) == [read]


@pytest.mark.parametrize(("name", "make", "kind", "parameter", "read", "write"), WRITES, ids=IDS)
def test_a_known_custom_field_id_costs_exactly_one_read(emulator, acct, name, make, kind, parameter,
                                                        read, write) -> None:
    run(make(acct, acct[kind]))
    assert methods(emulator)[0] == read
    assert methods(emulator).count(read) == 1
    assert writes(emulator) == [write.format(**acct)]


#: The same writes without custom field values: (make the operator, the write expected).
PLAIN: list[tuple[Callable[[dict], Any], str]] = [
    (lambda a: ops.ActiveCampaignCreateContactOperator(task_id="t", email="new@example.com", first_name="Ned"),
     "POST /api/3/contacts"),
    (lambda a: ops.ActiveCampaignSyncContactOperator(task_id="t", email="new@example.com"), "POST /api/3/contact/sync"),
    (lambda a: ops.ActiveCampaignUpdateContactOperator(task_id="t", contact_id=a["contact"], first_name="Ned"),
     "PUT /api/3/contacts/{contact}"),
    (lambda a: ops.ActiveCampaignActionOperator(task_id="t", action="contact.sync",
                                                body={"email": "new@example.com"}), "POST /api/3/contact/sync"),
    (lambda a: ops.ActiveCampaignCreateDealOperator(task_id="t", title="Order", value=100, currency="usd",
                                                    contact_id=a["contact"], pipeline_id=1), "POST /api/3/deals"),
    (lambda a: ops.ActiveCampaignUpdateDealOperator(task_id="t", deal_id=a["deal"], title="Bigger order"),
     "PUT /api/3/deals/{deal}"),
    (lambda a: ops.ActiveCampaignCreateAccountOperator(task_id="t", name="Difference Engines"),
     "POST /api/3/accounts"),
    (lambda a: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", email="new@example.com", first_name="Ned"),
     LEGACY),
    (lambda a: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", email="new@example.com",
                                                           field_values={"COLOUR": "red"}), LEGACY),
]


@pytest.mark.parametrize(("make", "write"), PLAIN, ids=[row[1] + f"-{n}" for n, row in enumerate(PLAIN)])
def test_a_write_without_custom_field_ids_reads_no_field_definitions(emulator, acct, make, write) -> None:
    run(make(acct))
    assert methods(emulator) == [write.format(**acct)]


def test_the_definitions_are_read_to_the_last_page_and_once_per_task(emulator, acct) -> None:
    last = [emulator.insert("fields", title=f"Field {n}", type="text")["id"] for n in range(150)][-1]
    emulator.clear_requests()
    run(ops.ActiveCampaignCreateContactOperator(task_id="t", email="new@example.com",
                                                field_values={"COLOUR": "blue", last: "x"}))
    reads = [r for r in emulator.requests if r.method == "GET"]
    assert [r.path for r in reads] == ["/api/3/fields", "/api/3/fields"]  # two pages of 100, one task
    assert writes(emulator) == ["POST /api/3/contacts"]


def test_a_retried_task_reads_the_definitions_again(emulator, acct) -> None:
    for _ in range(2):  # two tries of a task: two operators, two hooks
        run(ops.ActiveCampaignSyncContactOperator(task_id="t", email="new@example.com",
                                                  field_values={acct["colour"]: "red"}))
    assert methods(emulator) == [FIELDS, "POST /api/3/contact/sync"] * 2


NESTED: list[tuple[Callable[[dict, Any], Any], str]] = [
    (lambda a, v: ops.ActiveCampaignCreateContactOperator(task_id="t", email="new@example.com",
                                                          field_values={a["colour"]: v}), "field_values"),
    (lambda a, v: ops.ActiveCampaignUpdateDealOperator(task_id="t", deal_id=a["deal"],
                                                       custom_fields={a["budget"]: v}), "custom_fields"),
    (lambda a, v: ops.ActiveCampaignCreateAccountOperator(
        task_id="t", name="Difference Engines", custom_fields=[{"customFieldId": a["size"], "fieldValue": v}]),
     "custom_fields"),
    (lambda a, v: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", email="new@example.com",
                                                              field_values={a["colour"]: v}), "field_values"),
]


@pytest.mark.parametrize("value", [{"nested": "dict"}, [{"a": 1}], [["x"]]])
@pytest.mark.parametrize(("make", "parameter"), NESTED, ids=["contact", "deal", "account", "legacy contact"])
def test_a_nested_field_value_is_refused_before_any_request(emulator, acct, make, parameter, value) -> None:
    """Refused already before this change (as the DAG is parsed): kept so it stays refused."""
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(make(acct, value))
    assert caught.value.field.startswith(parameter)
    assert emulator.requests == []


def test_a_bulk_import_row_with_an_unknown_field_id_is_failed_and_not_sent(emulator, acct, tmp_path) -> None:
    emulator.bulk_imports.configure(processing_seconds=0.05)
    rows = [{"email": "a@example.com", "fields": {acct["colour"]: "red"}},
            {"email": "b@example.com", "fields": [{"id": UNKNOWN, "value": "x"}]},
            {"email": "c@example.com", f"field:{acct['colour']}": "blue"}]
    result = run(ops.ActiveCampaignBulkImportContactsOperator(
        task_id="t", contacts=rows, report_path=str(tmp_path / "report.jsonl"), poll_interval=0.01))
    assert (result["imported"], result["failed"]) == (2, 1)
    (post,) = [r for r in emulator.requests if r.method == "POST"]
    assert [c["email"] for c in post.json["contacts"]] == ["a@example.com", "c@example.com"]
    assert methods(emulator).count(FIELDS) == 1  # read once, before the first batch
    assert methods(emulator).index(FIELDS) < methods(emulator).index("POST /api/3/import/bulk_import")
    failed = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text().splitlines()][1]
    assert failed["status"] == "failed"
    assert failed["reason"] == ("field \"fields id '999'\" must be the id of one of the account's custom fields "
                                "(none has it in GET /fields), got 999")


def test_a_bulk_import_without_custom_fields_reads_no_field_definitions(emulator, acct, tmp_path) -> None:
    emulator.bulk_imports.configure(processing_seconds=0.05)
    result = run(ops.ActiveCampaignBulkImportContactsOperator(
        task_id="t", contacts=[{"email": "a@example.com"}], report_path=str(tmp_path / "report.jsonl"),
        poll_interval=0.01))
    assert result["imported"] == 1
    assert FIELDS not in methods(emulator)
