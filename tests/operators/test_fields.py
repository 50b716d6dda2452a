"""Tests of the fields operators, over real HTTP against the emulator."""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign import operators as ops
from tests.operators import tables
from tests.operators.helpers import (
    Case,
    Failure,
    by,
    methods,
    no_permission,
    run,
)

HAPPY: dict[str, Case] = {
    "CON-07 upsert updates the contact's existing value": Case(
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="green"),
        lambda w, r: (r["value"] == "green" and len(by(w.emu, "fieldValues", contact=w.ada)) == 1
                      and f"PUT /api/3/fieldValues/{w.value}" in methods(w.emu))),
    "CON-07 upsert creates a missing value": Case(
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.size,
                                                             value="||M||L||"),
        lambda w, r: by(w.emu, "fieldValues", contact=w.ada, field=w.size, value="||M||L||")
        and "POST /api/3/fieldValues" in methods(w.emu)),
    "CON-07 upsert by field value id": Case(
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="red", field_value_id=w.value),
        lambda w, r: w.emu.record("fieldValues", w.value)["value"] == "red"
        and methods(w.emu) == ["GET /api/3/fields", f"PUT /api/3/fieldValues/{w.value}"]),  # field id checked
    "CON-08 get a field value": Case(
        lambda w: ops.ActiveCampaignGetFieldValueOperator(task_id="t", field_value_id=w.value),
        lambda w, r: r["id"] == w.value and r["value"] == "blue"),
    "CON-09 list a contact's field values": Case(
        lambda w: ops.ActiveCampaignListFieldValuesOperator(task_id="t", contact_id=w.ada),
        lambda w, r: [v["id"] for v in r] == [w.value]
        # a sub-collection has no meta.total: a second page says it ended
        and methods(w.emu) == [f"GET /api/3/contacts/{w.ada}/fieldValues"] * 2),
    "CON-10 update a field value": Case(
        lambda w: ops.ActiveCampaignUpdateFieldValueOperator(task_id="t", field_value_id=w.value, contact_id=w.ada,
                                                             field_id=w.colour, value="teal"),
        lambda w, r: w.emu.record("fieldValues", w.value)["value"] == "teal"),
    "FLD-01 create a custom field": Case(
        lambda w: ops.ActiveCampaignCreateFieldOperator(task_id="t", title="Shoe size", field_type="Number",
                                                        perstag="SHOE_SIZE"),
        lambda w, r: by(w.emu, "fields", title="Shoe size", type="number", perstag="SHOE_SIZE")),
    "FLD-02 create field options": Case(
        lambda w: ops.ActiveCampaignCreateFieldOptionsOperator(
            task_id="t", field_id=w.size, options=["S", {"value": "M", "label": "Medium", "isdefault": True}]),
        lambda w, r: [(o["value"], o["label"], str(o["orderid"])) for o in by(w.emu, "fieldOptions", field=w.size)]
        == [("S", "S", "1"), ("M", "Medium", "2")] and len(r) == 2),
    "FLD-03 list custom fields by perstag": Case(
        lambda w: ops.ActiveCampaignListFieldsOperator(task_id="t", perstag="SIZE"),
        lambda w, r: [f["id"] for f in r] == [w.size]),
}


BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignUpsertFieldValueOperator, {"contact_id": "ada", "field_id": 1, "value": "x"}, "contact_id"),
    (ops.ActiveCampaignUpsertFieldValueOperator, {"contact_id": 1, "field_id": 1, "value": None}, "value"),
    (ops.ActiveCampaignGetFieldValueOperator, {"field_value_id": "0"}, "field_value_id"),
    (ops.ActiveCampaignListFieldValuesOperator, {"contact_id": 1, "field_id": 2}, "filters"),
    (ops.ActiveCampaignUpdateFieldValueOperator, {"field_value_id": 1, "contact_id": 1, "field_id": "x", "value": 1},
     "field_id"),
    (ops.ActiveCampaignCreateFieldOperator, {"title": "T", "field_type": "colour"}, "field_type"),
    (ops.ActiveCampaignCreateFieldOptionsOperator, {"field_id": 1, "options": []}, "options"),
    (ops.ActiveCampaignCreateFieldOptionsOperator, {"field_id": 1, "options": [{"label": "no value"}]},
     "options[0].value"),
    (ops.ActiveCampaignListFieldsOperator, {"limit": -1}, "limit"),
]


API_ERRORS: dict[str, Failure] = {
    "CON-07 unknown field value id": Failure(
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="x", field_value_id=999),
        404, "No Result found for FieldValue with id 999"),
    "CON-08 unknown field value": Failure(
        lambda w: ops.ActiveCampaignGetFieldValueOperator(task_id="t", field_value_id=999), 404, "FieldValue"),
    "CON-09 unknown contact": Failure(
        lambda w: ops.ActiveCampaignListFieldValuesOperator(task_id="t", contact_id=999), 404, "Subscriber"),
    "CON-10 unknown field value": Failure(
        lambda w: ops.ActiveCampaignUpdateFieldValueOperator(task_id="t", field_value_id=999, contact_id=w.ada,
                                                             field_id=w.colour, value="x"), 404, "FieldValue"),
    "FLD-01 duplicate title": Failure(
        lambda w: ops.ActiveCampaignCreateFieldOperator(task_id="t", title="Colour", field_type="text"),
        422, "There is already a field with this title"),
    "FLD-02 unknown field": Failure(
        lambda w: ops.ActiveCampaignCreateFieldOptionsOperator(task_id="t", field_id=999, options=["a"]), 404, "999"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListFieldsOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_reaches_the_exception = tables.api_error_reaches_the_exception


OPERATORS = [
    "ActiveCampaignCreateFieldOperator",
    "ActiveCampaignCreateFieldOptionsOperator",
    "ActiveCampaignGetFieldValueOperator",
    "ActiveCampaignListFieldValuesOperator",
    "ActiveCampaignListFieldsOperator",
    "ActiveCampaignUpdateFieldValueOperator",
    "ActiveCampaignUpsertFieldValueOperator",
]


test_every_operator_of_the_module_is_in_every_table = tables.every_operator_of_the_module_is_in_every_table


def test_list_field_values_filters_by_field_and_value_over_every_page(w) -> None:
    emu = w.emu
    for n in range(220):
        contact = emu.insert("contacts", email=f"c{n}@example.com")
        emu.insert("fieldValues", contact=contact["id"], field=w.colour, value="blue" if n % 2 else "red")
    emu.clear_requests()
    op = ops.ActiveCampaignListFieldValuesOperator(task_id="t", field_id="{{ params.field }}", value="blue")
    op.render_template_fields({"params": {"field": w.colour}})
    result = run(op)
    assert len(result) == 110 + 1  # the odd ones, and Ada's: two pages
    assert {v["value"] for v in result} == {"blue"} and {v["field"] for v in result} == {w.colour}
    assert [q.query["filters[fieldid]"] for q in emu.requests] == [[w.colour]] * len(emu.requests)
    assert [q.query["offset"] for q in emu.requests] == [["0"], ["99"]]
