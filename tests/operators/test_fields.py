"""Tests of the fields operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    by,
    methods,
    no_permission,
    run,
)


@pytest.fixture
def world(w: SimpleNamespace) -> SimpleNamespace:
    """The marketing account (see the conftest's ``w``)."""
    return w


HAPPY: dict[str, CallCase] = {
    "CON-07 upsert updates the contact's existing value": (
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="green"),
        lambda emu, w, r: (r["value"] == "green" and len(by(emu, "fieldValues", contact=w.ada)) == 1
                           and f"PUT /api/3/fieldValues/{w.value}" in methods(emu))),
    "CON-07 upsert creates a missing value": (
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.size,
                                                             value="||M||L||"),
        lambda emu, w, r: by(emu, "fieldValues", contact=w.ada, field=w.size, value="||M||L||")
        and "POST /api/3/fieldValues" in methods(emu)),
    "CON-07 upsert by field value id": (
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="red", field_value_id=w.value),
        lambda emu, w, r: emu.record("fieldValues", w.value)["value"] == "red"
        and methods(emu) == ["GET /api/3/fields", f"PUT /api/3/fieldValues/{w.value}"]),
    "CON-08 get a field value": (
        lambda w: ops.ActiveCampaignGetFieldValueOperator(task_id="t", field_value_id=w.value),
        lambda emu, w, r: r["id"] == w.value and r["value"] == "blue"),
    "CON-09 list a contact's field values": (
        lambda w: ops.ActiveCampaignListFieldValuesOperator(task_id="t", contact_id=w.ada),
        lambda emu, w, r: [v["id"] for v in r] == [w.value]
        # a sub-collection has no meta.total: a second page says it ended
        and methods(emu) == [f"GET /api/3/contacts/{w.ada}/fieldValues"] * 2),
    "CON-10 update a field value": (
        lambda w: ops.ActiveCampaignUpdateFieldValueOperator(task_id="t", field_value_id=w.value, contact_id=w.ada,
                                                             field_id=w.colour, value="teal"),
        lambda emu, w, r: emu.record("fieldValues", w.value)["value"] == "teal"),
    "FLD-01 create a custom field": (
        lambda w: ops.ActiveCampaignCreateFieldOperator(task_id="t", title="Shoe size", field_type="Number",
                                                        perstag="SHOE_SIZE"),
        lambda emu, w, r: by(emu, "fields", title="Shoe size", type="number", perstag="SHOE_SIZE")),
    "FLD-02 create field options": (
        lambda w: ops.ActiveCampaignCreateFieldOptionsOperator(
            task_id="t", field_id=w.size, options=["S", {"value": "M", "label": "Medium", "isdefault": True}]),
        lambda emu, w, r: [(o["value"], o["label"], str(o["orderid"])) for o in by(emu, "fieldOptions", field=w.size)]
        == [("S", "S", "1"), ("M", "Medium", "2")] and len(r) == 2),
    "FLD-03 list custom fields by perstag": (
        lambda w: ops.ActiveCampaignListFieldsOperator(task_id="t", perstag="SIZE"),
        lambda emu, w, r: [f["id"] for f in r] == [w.size]),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "UpsertFieldValueOperator-contact_id": (
        lambda: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id="ada", field_id=1,
                                                           value="x"), "contact_id"),
    "UpsertFieldValueOperator-value": (
        lambda: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=1, field_id=1, value=None), "value"),
    "GetFieldValueOperator-field_value_id": (
        lambda: ops.ActiveCampaignGetFieldValueOperator(task_id="t", field_value_id="0"), "field_value_id"),
    "ListFieldValuesOperator-filters": (
        lambda: ops.ActiveCampaignListFieldValuesOperator(task_id="t", contact_id=1, field_id=2), "filters"),
    "UpdateFieldValueOperator-field_id": (
        lambda: ops.ActiveCampaignUpdateFieldValueOperator(task_id="t", field_value_id=1, contact_id=1, field_id="x",
                                                           value=1), "field_id"),
    "CreateFieldOperator-field_type": (
        lambda: ops.ActiveCampaignCreateFieldOperator(task_id="t", title="T", field_type="colour"), "field_type"),
    "CreateFieldOptionsOperator-options": (
        lambda: ops.ActiveCampaignCreateFieldOptionsOperator(task_id="t", field_id=1, options=[]), "options"),
    "CreateFieldOptionsOperator-options[0].value": (
        lambda: ops.ActiveCampaignCreateFieldOptionsOperator(task_id="t", field_id=1,
                                                             options=[{"label": "no value"}]), "options[0].value"),
    "ListFieldsOperator-limit": (lambda: ops.ActiveCampaignListFieldsOperator(task_id="t", limit=-1), "limit"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "CON-07 unknown field value id": (
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="x", field_value_id=999),
        None, 404, "No Result found for FieldValue with id 999"),
    "CON-08 unknown field value": (
        lambda w: ops.ActiveCampaignGetFieldValueOperator(task_id="t", field_value_id=999),
        None, 404, "FieldValue"),
    "CON-09 unknown contact": (
        lambda w: ops.ActiveCampaignListFieldValuesOperator(task_id="t", contact_id=999),
        None, 404, "Subscriber"),
    "CON-10 unknown field value": (
        lambda w: ops.ActiveCampaignUpdateFieldValueOperator(task_id="t", field_value_id=999, contact_id=w.ada,
                                                             field_id=w.colour, value="x"),
        None, 404, "FieldValue"),
    "FLD-01 duplicate title": (
        lambda w: ops.ActiveCampaignCreateFieldOperator(task_id="t", title="Colour", field_type="text"),
        None, 422, "There is already a field with this title"),
    "FLD-02 unknown field": (
        lambda w: ops.ActiveCampaignCreateFieldOptionsOperator(task_id="t", field_id=999, options=["a"]),
        None, 404, "999"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListFieldsOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


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
