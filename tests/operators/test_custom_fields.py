"""Custom fields on contact and deal create/update, by field id or personalization tag (looked up
to the field's id before the write), over real HTTP against the emulator."""

from __future__ import annotations

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from tests.operators.helpers import by, methods, run


def values_of(emu, contact: str) -> dict[str, str]:
    return {v["field"]: v["value"] for v in by(emu, "fieldValues", contact=contact)}


@pytest.mark.parametrize("keys", [("COLOUR", "SIZE"), ("%colour%", "%SIZE%"), ("colour", "id")])
def test_create_contact_with_custom_fields_by_tag_or_id(w, keys) -> None:
    colour, size = keys
    size = w.size if size == "id" else size
    contact = run(ops.ActiveCampaignCreateContactOperator(task_id="t", email="grace@example.com",
                                                          field_values={colour: "red", size: "M"}))
    assert values_of(w.emu, contact["id"]) == {w.colour: "red", w.size: "M"}
    sent = w.emu.requests[-1].json["contact"]["fieldValues"]
    assert sent == [{"field": w.colour, "value": "red"}, {"field": w.size, "value": "M"}]
    # tags and ids alike: the account's fields are read once (every page), unfiltered, before the write
    assert methods(w.emu) == ["GET /api/3/fields", "POST /api/3/contacts"]
    assert "filters[perstag]" not in w.emu.requests[0].query


def test_update_and_sync_contact_custom_fields_by_tag(w) -> None:
    run(ops.ActiveCampaignUpdateContactOperator(task_id="u", contact_id=w.ada, field_values={"COLOUR": "green"}))
    assert values_of(w.emu, w.ada)[w.colour] == "green"
    run(ops.ActiveCampaignSyncContactOperator(task_id="s", email="ada@example.com",
                                              field_values=[{"field": "%SIZE%", "value": "L"}]))
    assert values_of(w.emu, w.ada) == {w.colour: "green", w.size: "L"}


def test_generic_contact_create_takes_tags_too(w) -> None:
    contact = run(ops.ActiveCampaignCreateOperator(task_id="t", resource="contact",
                                                   body={"email": "x@example.com", "fieldValues": {"COLOUR": "blue"}}))
    assert values_of(w.emu, contact["id"]) == {w.colour: "blue"}


def test_templated_custom_field_values_are_rendered_first(w) -> None:
    op = ops.ActiveCampaignUpdateContactOperator(task_id="t", contact_id="{{ params.id }}",
                                                 field_values={"COLOUR": "{{ params.colour }}"})
    op.render_template_fields({"params": {"id": w.ada, "colour": "teal"}})
    run(op)
    assert values_of(w.emu, w.ada)[w.colour] == "teal"


def test_an_unknown_tag_is_refused_before_any_write(w) -> None:
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(ops.ActiveCampaignCreateContactOperator(task_id="t", email="x@example.com",
                                                    field_values={"FAVOURITE_FOOD": "cake"}))
    assert caught.value.field == "field_values.FAVOURITE_FOOD"
    assert "a personalization tag of exactly one custom field (no field has it" in str(caught.value)
    assert methods(w.emu) == ["GET /api/3/fields"]
    assert not by(w.emu, "contacts", email="x@example.com")


@pytest.fixture
def deal_fields(emulator, crm_world):
    budget = emulator.insert("dealCustomFieldMeta", fieldLabel="Budget", fieldType="currency",
                             personalization="%BUDGET%")
    region = emulator.insert("dealCustomFieldMeta", fieldLabel="Region", fieldType="text", personalization="REGION")
    emulator.clear_requests()
    return {**crm_world, "budget": budget["id"], "region": region["id"]}


def deal_values(emu, deal: str) -> dict[str, str]:
    return {str(v["customFieldId"]): v["fieldValue"] for v in by(emu, "dealCustomFieldData", dealId=deal)}


def test_create_deal_with_custom_fields_by_tag_and_id(emulator, deal_fields) -> None:
    deal = run(ops.ActiveCampaignCreateDealOperator(
        task_id="t", title="Order", value=100, currency="usd", contact_id=deal_fields["contact"], pipeline_id=1,
        custom_fields={"budget": "5000", deal_fields["region"]: "EMEA"}))
    assert deal_values(emulator, deal["id"]) == {deal_fields["budget"]: "5000", deal_fields["region"]: "EMEA"}
    sent = emulator.requests[-1].json["deal"]["fields"]
    assert sent == [{"customFieldId": int(deal_fields["budget"]), "fieldValue": "5000"},
                    {"customFieldId": int(deal_fields["region"]), "fieldValue": "EMEA"}]
    assert methods(emulator)[0] == "GET /api/3/dealCustomFieldMeta"


def test_update_deal_custom_fields_by_tag_keeps_extra_keys(emulator, deal_fields) -> None:
    run(ops.ActiveCampaignUpdateDealOperator(
        task_id="t", deal_id=deal_fields["deal"],
        custom_fields=[{"customFieldId": "%BUDGET%", "fieldValue": 7500, "fieldCurrency": "eur"}]))
    (value,) = by(emulator, "dealCustomFieldData", dealId=deal_fields["deal"])
    assert (str(value["customFieldId"]), value["fieldValue"], value["fieldCurrency"]) == (
        deal_fields["budget"], 7500, "eur")


def test_a_tag_two_deal_fields_share_is_refused(emulator, deal_fields) -> None:
    emulator.insert("dealCustomFieldMeta", fieldLabel="Budget 2", fieldType="text", personalization="BUDGET")
    emulator.clear_requests()
    with pytest.raises(ActiveCampaignInputError, match=r"exactly one custom field \(2 fields have it"):
        run(ops.ActiveCampaignUpdateDealOperator(task_id="t", deal_id=deal_fields["deal"],
                                                 custom_fields={"BUDGET": "1"}))
    assert [m for m in methods(emulator) if not m.startswith("GET")] == []
