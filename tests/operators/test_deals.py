"""Tests of the deals operators, over real HTTP against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignInputError,
)
from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateDealNoteOperator,
    ActiveCampaignCreateDealOperator,
    ActiveCampaignDeleteDealOperator,
    ActiveCampaignGetDealOperator,
    ActiveCampaignListDealsOperator,
    ActiveCampaignListOperator,
    ActiveCampaignMoveDealsToStageOperator,
    ActiveCampaignUpdateDealNoteOperator,
    ActiveCampaignUpdateDealOperator,
)
from tests.operators import tables
from tests.operators.helpers import (
    CENTRAL,
    ApiErrorCase,
    CallCase,
    forbidden,
    missing,
    run,
)


@pytest.fixture
def world(crm_world: dict[str, str]) -> dict[str, str]:
    """The deals account (see the conftest's ``crm_world``)."""
    return crm_world


HAPPY: dict[str, CallCase] = {
    "DEA-01 create deal": (
        lambda w: ActiveCampaignCreateDealOperator(
            task_id="t", title="Big order", value=45678, currency="EUR", contact_id=w["contact"], pipeline_id=1,
            percent=40, status="won", custom_fields={w["deal_field"]: "Gold"}),
        lambda emu, w, deal: (
            emu.record("deals", deal["id"])["title"] == "Big order"
            and emu.record("deals", deal["id"])["value"] == "45678"
            and emu.record("deals", deal["id"])["currency"] == "eur"
            and emu.record("deals", deal["id"])["stage"] == "1"  # the pipeline's first stage
            and emu.record("deals", deal["id"])["status"] == "1"
            and emu.records("dealCustomFieldData")[0]["fieldValue"] == "Gold"),
    ),
    "DEA-02 update deal": (
        lambda w: ActiveCampaignUpdateDealOperator(task_id="t", deal_id=w["deal"], title="Engine order II",
                                                   status=2),
        lambda emu, w, deal: (emu.record("deals", w["deal"])["title"] == "Engine order II"
                              and emu.record("deals", w["deal"])["status"] == "2"
                              and emu.record("deals", w["deal"])["value"] == "500000"),
    ),
    "DEA-03 get deal": (
        lambda w: ActiveCampaignGetDealOperator(task_id="t", deal_id=w["deal"]),
        lambda emu, w, deal: deal["id"] == w["deal"] and deal["title"] == "Engine order" and "customFields" not in deal,
    ),
    "DEA-04 delete deal": (
        lambda w: ActiveCampaignDeleteDealOperator(task_id="t", deal_id=w["deal"]),
        lambda emu, w, result: emu.record("deals", w["deal"]) is None and result == {"deleted": w["deal"],
                                                                                     "resource": "deal"},
    ),
    "DEA-05 move deals to stage": (
        lambda w: ActiveCampaignMoveDealsToStageOperator(task_id="t", stage_id=1, target_stage_id="3"),
        lambda emu, w, result: (emu.record("deals", w["deal"])["stage"] == "3" and result["moved"] == 1
                                and result["deals"][0]["id"] == w["deal"]),
    ),
    "DEA-06 list deals": (
        lambda w: ActiveCampaignListDealsOperator(task_id="t", pipeline=1, status="open"),
        lambda emu, w, deals: [d["id"] for d in deals] == [w["deal"]],
    ),
    "DEA-07 create deal note": (
        lambda w: ActiveCampaignCreateDealNoteOperator(task_id="t", deal_id=w["deal"], note="Sent the quote"),
        lambda emu, w, note: (emu.record("notes", note["id"])["note"] == "Sent the quote"
                              and emu.record("notes", note["id"])["relid"] == w["deal"]
                              and emu.record("notes", note["id"])["reltype"] == "Deal"),
    ),
    "DEA-08 update deal note": (
        lambda w: ActiveCampaignUpdateDealNoteOperator(task_id="t", deal_id=w["deal"], note_id=w["deal_note"],
                                                       note="Called Ada twice"),
        lambda emu, w, note: emu.record("notes", w["deal_note"])["note"] == "Called Ada twice",
    ),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "DEA-01": (lambda: ActiveCampaignCreateDealOperator(task_id="t", title="x", value=100, currency="dollars",
                                                        contact_id=1, pipeline_id=1), "currency"),
    "DEA-01 cents": (lambda: ActiveCampaignCreateDealOperator(task_id="t", title="x", value=12.5, currency="usd",
                                                              contact_id=1, pipeline_id=1), "value"),
    "DEA-01 contact or account": (lambda: ActiveCampaignCreateDealOperator(
        task_id="t", title="x", value=1, currency="usd", pipeline_id=1), "contact_id or account_id"),
    "DEA-02": (lambda: ActiveCampaignUpdateDealOperator(task_id="t", deal_id=1, percent=120), "percent"),
    "DEA-03": (lambda: ActiveCampaignGetDealOperator(task_id="t", deal_id="abc"), "deal_id"),
    "DEA-04": (lambda: ActiveCampaignDeleteDealOperator(task_id="t", deal_id=0), "deal_id"),
    "DEA-05": (lambda: ActiveCampaignMoveDealsToStageOperator(task_id="t", stage_id=2, target_stage_id="2"),
               "target_stage_id"),
    "DEA-06": (lambda: ActiveCampaignListDealsOperator(task_id="t", status="pending"), "status"),
    "DEA-07": (lambda: ActiveCampaignCreateDealNoteOperator(task_id="t", deal_id=1, note="  "), "note"),
    "DEA-08": (lambda: ActiveCampaignUpdateDealNoteOperator(task_id="t", deal_id=1, note_id="first", note="x"),
               "note_id"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "DEA-01": missing("Subscriber", lambda w: ActiveCampaignCreateDealOperator(
        task_id="t", title="x", value=1, currency="usd", contact_id=999, pipeline_id=1)),
    "DEA-02": missing("Deal", lambda w: ActiveCampaignUpdateDealOperator(task_id="t", deal_id=999, title="x")),
    "DEA-03": missing("Deal", lambda w: ActiveCampaignGetDealOperator(task_id="t", deal_id=999)),
    "DEA-04": missing("Deal", lambda w: ActiveCampaignDeleteDealOperator(task_id="t", deal_id=999)),
    "DEA-05": (lambda w: ActiveCampaignMoveDealsToStageOperator(task_id="t", stage_id=1,
                                                                target_stage_id=w["other_stage"]),
               None, 422, "Target stage does not belong to same pipeline"),
    "DEA-06": forbidden("deals", lambda w: ActiveCampaignListDealsOperator(task_id="t")),
    "DEA-07": missing("Deal", lambda w: ActiveCampaignCreateDealNoteOperator(task_id="t", deal_id=999, note="n")),
    "DEA-08": (lambda w: ActiveCampaignUpdateDealNoteOperator(task_id="t", deal_id=w["deal"],
                                                              note_id=w["contact_note"], note="n"),
               None, 404, "No Result found for Note with id"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def _deals(emulator, n: int, **fields: Any) -> list[dict[str, Any]]:
    contact = emulator.insert("contacts", email=f"buyer{len(emulator.records('contacts'))}@example.com")
    return [emulator.insert("deals", title=f"Deal {i}", contact=contact["id"], value=str(1000 + (i * 7919) % 5000),
                            currency="usd", group="1", stage=str(1 + i % 3), **fields) for i in range(n)]


def test_list_deals_reads_every_page(emulator):
    made = _deals(emulator, 260)
    emulator.clear_requests()
    deals = run(ActiveCampaignListDealsOperator(task_id="t"))
    assert len(deals) == 260
    assert sorted(int(d["id"]) for d in deals) == sorted(int(d["id"]) for d in made)
    assert [r.query["offset"] for r in emulator.requests] == [["0"], ["99"], ["198"]]  # one record re-read a page


@pytest.mark.parametrize(("filters", "expected"), [
    ({"stage": 2}, lambda d: d["stage"] == "2"),
    ({"pipeline": 1, "stage": "3"}, lambda d: d["stage"] == "3"),
    ({"status": "lost"}, lambda d: d["status"] == "2"),
    ({"status": 0}, lambda d: d["status"] == "0"),
], ids=["stage", "pipeline+stage", "status by name", "status by number"])
def test_list_deals_filters(emulator, filters, expected):
    made = _deals(emulator, 30)
    for deal in made[::4]:
        emulator.modify("deals", deal["id"], status="2")
    deals = run(ActiveCampaignListDealsOperator(task_id="t", **filters))
    wanted = [d["id"] for d in emulator.records("deals") if expected(d)]
    assert wanted and [d["id"] for d in deals] == wanted


def test_list_deals_by_pipeline(emulator):
    partners = emulator.insert("dealGroups", title="Partners", currency="usd")
    stage = next(s for s in emulator.records("dealStages") if s["group"] == partners["id"])
    _deals(emulator, 5)
    theirs = emulator.insert("deals", title="Partner deal", contact="1", value="10", currency="usd",
                             group=partners["id"], stage=stage["id"])
    deals = run(ActiveCampaignListDealsOperator(task_id="t", pipeline=partners["id"]))
    assert [d["id"] for d in deals] == [theirs["id"]]


def test_list_deals_created_window(emulator):
    contact = emulator.insert("contacts", email="w@example.com")
    days = [datetime(2024, 5, day, 12, 0, tzinfo=CENTRAL) for day in (1, 2, 3, 4)]
    made = [emulator.insert("deals", title=f"D{i}", contact=contact["id"], value="1", currency="usd", group="1",
                            stage="1", cdate=when.isoformat(), mdate=when.isoformat()) for i, when in enumerate(days)]
    emulator.clear_requests()
    deals = run(ActiveCampaignListDealsOperator(task_id="t", created_after=days[1],
                                                created_before="2024-05-04T12:00:00-06:00"))
    assert [d["id"] for d in deals] == [made[1]["id"], made[2]["id"]]  # after: inclusive; before: exclusive
    assert emulator.requests[0].query["filters[created_after]"] == [days[1].isoformat()]


def test_list_deals_ordered_by_value_desc(emulator):
    _deals(emulator, 40)
    deals = run(ActiveCampaignListDealsOperator(task_id="t", order_by="value", order="desc"))
    values = [int(d["value"]) for d in deals]
    assert len(values) == 40 and values == sorted(values, reverse=True)


def test_list_deals_limit_stops_early(emulator):
    _deals(emulator, 150)
    emulator.clear_requests()
    deals = run(ActiveCampaignListDealsOperator(task_id="t", limit=7))
    assert len(deals) == 7
    assert len(emulator.requests) == 1 and emulator.requests[0].query["limit"] == ["7"]


def test_list_deals_to_json_lines(emulator, tmp_path):
    _deals(emulator, 120)
    target = tmp_path / "out" / "deals.jsonl"
    result = run(ActiveCampaignListDealsOperator(task_id="t", stage=1, output_path=str(target)))
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert result == {"path": str(target), "count": 40}
    assert [d["id"] for d in lines] == [d["id"] for d in emulator.records("deals") if d["stage"] == "1"]


def test_unknown_deal_filter_is_refused_with_the_valid_names(emulator):
    with pytest.raises(ActiveCampaignInputError) as caught:  # when the DAG is parsed
        ActiveCampaignListOperator(task_id="t", resource="deal", filters={"colour": "red"})
    assert caught.value.field == "filters.colour"
    for name in ("pipeline", "stage", "owner", "status", "task_type", "created_after", "updated_before"):
        assert name in str(caught.value)
    assert emulator.requests == []


def test_get_deal_with_custom_fields(emulator, world):
    run(ActiveCampaignUpdateDealOperator(task_id="t", deal_id=world["deal"],
                                         custom_fields={world["deal_field"]: "Gold"}))  # the world's "Tier"
    deal = run(ActiveCampaignGetDealOperator(task_id="t", deal_id=world["deal"], include_custom_fields=True))
    assert deal["id"] == world["deal"]
    assert [(f["fieldLabel"], f["fieldType"], f["fieldValue"]) for f in deal["customFields"]] == [
        ("Tier", "dropdown", "Gold")]
