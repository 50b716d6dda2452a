"""Section B operators (deals, pipelines, stages, tasks, task types, notes, accounts, calendar feeds,
organizations), over real HTTP against the emulator.

Each operator has three rows below: what it does to the account (happy path), one bad input
(refused before any request, naming the operator and the field) and one API error
(ActiveCampaign's words and the HTTP status in the exception).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError, ActiveCampaignInputError
from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateAccountOperator,
    ActiveCampaignCreateDealNoteOperator,
    ActiveCampaignCreateDealOperator,
    ActiveCampaignCreateNoteOperator,
    ActiveCampaignCreatePipelineOperator,
    ActiveCampaignCreateStageOperator,
    ActiveCampaignCreateTaskTypeOperator,
    ActiveCampaignDeleteAccountOperator,
    ActiveCampaignDeleteCalendarFeedOperator,
    ActiveCampaignDeleteDealOperator,
    ActiveCampaignDeleteNoteOperator,
    ActiveCampaignDeletePipelineOperator,
    ActiveCampaignDeleteStageOperator,
    ActiveCampaignDeleteTaskOperator,
    ActiveCampaignGetAccountOperator,
    ActiveCampaignGetDealOperator,
    ActiveCampaignListAccountsOperator,
    ActiveCampaignListDealsOperator,
    ActiveCampaignListOperator,
    ActiveCampaignListOrganizationsOperator,
    ActiveCampaignListPipelinesOperator,
    ActiveCampaignListStagesOperator,
    ActiveCampaignListTasksOperator,
    ActiveCampaignListTaskTypesOperator,
    ActiveCampaignMoveDealsToStageOperator,
    ActiveCampaignUpdateDealNoteOperator,
    ActiveCampaignUpdateDealOperator,
    ActiveCampaignUpdatePipelineOperator,
    ActiveCampaignUpdateStageOperator,
    ActiveCampaignUpdateTaskTypeOperator,
    ActiveCampaignUpsertCalendarFeedOperator,
    ActiveCampaignUpsertTaskOperator,
)
from tests.operator_helpers import ApiErrorCase, forbidden, missing, run

CENTRAL = timezone(timedelta(hours=-6))


@pytest.fixture
def world(emulator) -> dict[str, str]:
    """A small account on top of the emulator's seed (pipeline 1 "Sales" with stages 1-3, task types 1-2):
    a contact, an account, a deal in stage 1 with a note and a task, a contact note, a calendar feed,
    a second pipeline (stages 4-6) and an organization."""
    contact = emulator.insert("contacts", email="ada@example.com", firstName="Ada")
    account = emulator.insert("accounts", name="Analytical Engines")
    deal = emulator.insert("deals", title="Engine order", contact=contact["id"], value="500000", currency="usd",
                           group="1", stage="1")
    deal_note = emulator.insert("notes", note="Called Ada", relid=deal["id"], reltype="Deal")
    contact_note = emulator.insert("notes", note="Met at fair", relid=contact["id"], reltype="Subscriber")
    task = emulator.insert("dealTasks", relid=deal["id"], reltype="Deal", dealTasktype="1", title="Follow up",
                           duedate="2024-03-01T10:00:00-06:00")
    calendar = emulator.insert("calendars", title="Team deals", type="Deals")
    pipeline = emulator.insert("dealGroups", title="Partners", currency="eur")
    organization = emulator.insert("organizations", name="Babbage & Co")
    emulator.clear_requests()
    return {"contact": contact["id"], "account": account["id"], "deal": deal["id"], "deal_note": deal_note["id"],
            "contact_note": contact_note["id"], "task": task["id"], "calendar": calendar["id"],
            "pipeline": pipeline["id"], "other_stage": emulator.records("dealStages")[-1]["id"],
            "organization": organization["id"]}




# --------------------------------------------------------------------------- happy paths

Case = tuple[Callable[[dict[str, str]], Any], Callable[[Any, dict[str, str], Any], None]]

HAPPY: dict[str, Case] = {
    "DEA-01 create deal": (
        lambda w: ActiveCampaignCreateDealOperator(
            task_id="t", title="Big order", value=45678, currency="EUR", contact_id=w["contact"], pipeline_id=1,
            percent=40, status="won", custom_fields={"1": "Gold"}),
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
    "PIP-01 create pipeline": (
        lambda w: ActiveCampaignCreatePipelineOperator(task_id="t", title="Renewals", currency="GBP",
                                                       all_users=False, auto_assign=2),
        lambda emu, w, pipeline: (emu.record("dealGroups", pipeline["id"])["currency"] == "gbp"
                                  and emu.record("dealGroups", pipeline["id"])["allusers"] == "0"
                                  and emu.record("dealGroups", pipeline["id"])["autoassign"] == "2"),
    ),
    "PIP-02 update pipeline": (
        lambda w: ActiveCampaignUpdatePipelineOperator(task_id="t", pipeline_id=w["pipeline"], title="Resellers"),
        lambda emu, w, pipeline: emu.record("dealGroups", w["pipeline"])["title"] == "Resellers",
    ),
    "PIP-03 delete pipeline": (
        lambda w: ActiveCampaignDeletePipelineOperator(task_id="t", pipeline_id=w["pipeline"]),
        lambda emu, w, result: emu.record("dealGroups", w["pipeline"]) is None,
    ),
    "PIP-04 list pipelines": (
        lambda w: ActiveCampaignListPipelinesOperator(task_id="t", order_by="title", order="DESC"),
        lambda emu, w, pipelines: [p["title"] for p in pipelines] == ["Sales", "Partners"],
    ),
    "STG-01 create stage": (
        lambda w: ActiveCampaignCreateStageOperator(task_id="t", title="Won back", pipeline_id=w["pipeline"],
                                                    color="aa00ff", width=300),
        lambda emu, w, stage: (emu.record("dealStages", stage["id"])["group"] == w["pipeline"]
                               and emu.record("dealStages", stage["id"])["color"] == "aa00ff"),
    ),
    "STG-02 update stage": (
        lambda w: ActiveCampaignUpdateStageOperator(task_id="t", stage_id=2, title="Talking"),
        lambda emu, w, stage: emu.record("dealStages", 2)["title"] == "Talking",
    ),
    "STG-03 delete stage": (
        lambda w: ActiveCampaignDeleteStageOperator(task_id="t", stage_id=w["other_stage"]),
        lambda emu, w, result: emu.record("dealStages", w["other_stage"]) is None,
    ),
    "STG-04 list stages": (
        lambda w: ActiveCampaignListStagesOperator(task_id="t", pipeline=1),
        lambda emu, w, stages: [s["id"] for s in stages] == ["1", "2", "3"],
    ),
    "TSK-01 create task": (
        lambda w: ActiveCampaignUpsertTaskOperator(
            task_id="t", owner_type="Deal", owner_id=w["deal"], task_type_id=2, title="Send contract",
            due_date=datetime(2024, 4, 1, 9, 30, tzinfo=CENTRAL), note="PDF"),
        lambda emu, w, task: (emu.record("dealTasks", task["id"])["title"] == "Send contract"
                              and emu.record("dealTasks", task["id"])["reltype"] == "Deal"
                              and datetime.fromisoformat(emu.record("dealTasks", task["id"])["duedate"])
                              == datetime(2024, 4, 1, 9, 30, tzinfo=CENTRAL)),
    ),
    "TSK-01 update task": (
        lambda w: ActiveCampaignUpsertTaskOperator(task_id="t", deal_task_id=w["task"], status=1),
        lambda emu, w, task: (emu.record("dealTasks", w["task"])["status"] == 1 and len(emu.records("dealTasks")) == 1
                              and emu.requests[0].method == "PUT"),
    ),
    "TSK-02 delete task": (
        lambda w: ActiveCampaignDeleteTaskOperator(task_id="t", deal_task_id=w["task"]),
        lambda emu, w, result: emu.records("dealTasks") == [],
    ),
    "TSK-03 list tasks": (
        lambda w: ActiveCampaignListTasksOperator(task_id="t", deal=w["deal"], status=0),
        lambda emu, w, tasks: [t["id"] for t in tasks] == [w["task"]],
    ),
    "TTY-01 create task type": (
        lambda w: ActiveCampaignCreateTaskTypeOperator(task_id="t", title="Skype"),
        lambda emu, w, kind: emu.record("dealTasktypes", kind["id"])["title"] == "Skype",
    ),
    "TTY-02 update task type": (
        lambda w: ActiveCampaignUpdateTaskTypeOperator(task_id="t", task_type_id=2, status=1),
        lambda emu, w, kind: emu.record("dealTasktypes", 2)["status"] == "1",
    ),
    "TTY-03 list task types": (
        lambda w: ActiveCampaignListTaskTypesOperator(task_id="t"),
        lambda emu, w, kinds: [k["title"] for k in kinds] == ["Call", "Email"],
    ),
    "NOT-01 create note": (
        lambda w: ActiveCampaignCreateNoteOperator(task_id="t", note="Prefers e-mail", object_type="subscriber",
                                                   object_id=w["contact"]),
        lambda emu, w, note: (emu.record("notes", note["id"])["reltype"] == "Subscriber"
                              and emu.record("notes", note["id"])["relid"] == w["contact"]),
    ),
    "NOT-02 delete note": (
        lambda w: ActiveCampaignDeleteNoteOperator(task_id="t", note_id=w["contact_note"]),
        lambda emu, w, result: emu.record("notes", w["contact_note"]) is None,
    ),
    "ACC-01 create account": (
        lambda w: ActiveCampaignCreateAccountOperator(task_id="t", name="Difference Ltd",
                                                      account_url="https://difference.example"),
        lambda emu, w, account: emu.record("accounts", account["id"])["accountUrl"] == "https://difference.example",
    ),
    "ACC-02 get account": (
        lambda w: ActiveCampaignGetAccountOperator(task_id="t", account_id=w["account"]),
        lambda emu, w, account: account["name"] == "Analytical Engines",
    ),
    "ACC-03 delete account": (
        lambda w: ActiveCampaignDeleteAccountOperator(task_id="t", account_id=w["account"]),
        lambda emu, w, result: emu.record("accounts", w["account"]) is None,
    ),
    "ACC-04 list accounts": (
        lambda w: ActiveCampaignListAccountsOperator(task_id="t", search="engine", count_deals=True),
        lambda emu, w, accounts: [a["name"] for a in accounts] == ["Analytical Engines"] and "dealCount" in accounts[0],
    ),
    "CAL-01 create calendar feed": (
        lambda w: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", title="All of it", feed_type="all",
                                                           notification=True),
        lambda emu, w, feed: (emu.record("calendars", feed["id"])["type"] == "All"
                              and emu.record("calendars", feed["id"])["notification"] == "1"),
    ),
    "CAL-01 update calendar feed": (
        lambda w: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id=w["calendar"],
                                                           feed_type="Contacts"),
        lambda emu, w, feed: (emu.record("calendars", w["calendar"])["type"] == "Contacts"
                              and emu.record("calendars", w["calendar"])["title"] == "Team deals"
                              and len(emu.records("calendars")) == 1),
    ),
    "CAL-02 delete calendar feed": (
        lambda w: ActiveCampaignDeleteCalendarFeedOperator(task_id="t", calendar_id=w["calendar"]),
        lambda emu, w, result: emu.records("calendars") == [],
    ),
    "ORG-01 list organizations": (
        lambda w: ActiveCampaignListOrganizationsOperator(task_id="t", name="babbage"),
        lambda emu, w, orgs: [o["id"] for o in orgs] == [w["organization"]],
    ),
}


@pytest.mark.parametrize("case", HAPPY, ids=list(HAPPY))
def test_happy_path(case, emulator, world):
    make, check = HAPPY[case]
    result = run(make(world))
    assert check(emulator, world, result), result
    assert all(r.status < 400 for r in emulator.requests)


# --------------------------------------------------------------------------- bad input: refused before sending

BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "DEA-01": (lambda: ActiveCampaignCreateDealOperator(task_id="t", title="x", value=100, currency="dollars",
                                                        contact_id=1, pipeline_id=1), "currency"),
    "DEA-01 cents": (lambda: ActiveCampaignCreateDealOperator(task_id="t", title="x", value=12.5, currency="usd",
                                                              contact_id=1, pipeline_id=1), "value"),
    "DEA-01 contact or account": (lambda: ActiveCampaignCreateDealOperator(
        task_id="t", title="x", value=1, currency="usd", pipeline_id=1), "contact or account"),
    "DEA-02": (lambda: ActiveCampaignUpdateDealOperator(task_id="t", deal_id=1, percent=120), "percent"),
    "DEA-03": (lambda: ActiveCampaignGetDealOperator(task_id="t", deal_id="abc"), "id"),
    "DEA-04": (lambda: ActiveCampaignDeleteDealOperator(task_id="t", deal_id=0), "id"),
    "DEA-05": (lambda: ActiveCampaignMoveDealsToStageOperator(task_id="t", stage_id=2, target_stage_id="2"),
               "target_stage_id"),
    "DEA-06": (lambda: ActiveCampaignListDealsOperator(task_id="t", status="pending"), "filters.status"),
    "DEA-07": (lambda: ActiveCampaignCreateDealNoteOperator(task_id="t", deal_id=1, note="  "), "note"),
    "DEA-08": (lambda: ActiveCampaignUpdateDealNoteOperator(task_id="t", deal_id=1, note_id="first", note="x"),
               "note_id"),
    "PIP-01": (lambda: ActiveCampaignCreatePipelineOperator(task_id="t", title="P", currency="xx"), "currency"),
    "PIP-02": (lambda: ActiveCampaignUpdatePipelineOperator(task_id="t", pipeline_id=1, auto_assign=5),
               "autoassign"),
    "PIP-03": (lambda: ActiveCampaignDeletePipelineOperator(task_id="t", pipeline_id="-1"), "id"),
    "PIP-04": (lambda: ActiveCampaignListPipelinesOperator(task_id="t", order_by="cdate"), "orders.cdate"),
    "STG-01": (lambda: ActiveCampaignCreateStageOperator(task_id="t", title="S", pipeline_id=1, color="#fff"),
               "color"),
    "STG-02": (lambda: ActiveCampaignUpdateStageOperator(task_id="t", stage_id=1, width=0), "width"),
    "STG-03": (lambda: ActiveCampaignDeleteStageOperator(task_id="t", stage_id="1.5"), "id"),
    "STG-04": (lambda: ActiveCampaignListStagesOperator(task_id="t", pipeline="sales"), "filters.pipeline"),
    "TSK-01": (lambda: ActiveCampaignUpsertTaskOperator(task_id="t", owner_id=1, task_type_id=1), "duedate"),
    "TSK-01 owner type": (lambda: ActiveCampaignUpsertTaskOperator(task_id="t", deal_task_id=1, owner_type="user"),
                          "ownerType"),
    "TSK-02": (lambda: ActiveCampaignDeleteTaskOperator(task_id="t", deal_task_id="x"), "id"),
    "TSK-03": (lambda: ActiveCampaignListTasksOperator(task_id="t", due_after="next tuesday-ish"),
               "filters.due_after"),
    "TTY-01": (lambda: ActiveCampaignCreateTaskTypeOperator(task_id="t", title="T", status=3), "status"),
    "TTY-02": (lambda: ActiveCampaignUpdateTaskTypeOperator(task_id="t", task_type_id="", title="T"), "id"),
    "TTY-03": (lambda: ActiveCampaignListTaskTypesOperator(task_id="t", limit=-1), "limit"),
    "NOT-01": (lambda: ActiveCampaignCreateNoteOperator(task_id="t", note="n", object_type="Task", object_id=1),
               "reltype"),
    "NOT-02": (lambda: ActiveCampaignDeleteNoteOperator(task_id="t", note_id="abc"), "id"),
    "ACC-01": (lambda: ActiveCampaignCreateAccountOperator(task_id="t", name=""), "name"),
    "ACC-02": (lambda: ActiveCampaignGetAccountOperator(task_id="t", account_id="acme"), "id"),
    "ACC-03": (lambda: ActiveCampaignDeleteAccountOperator(task_id="t", account_id=None), "id"),
    "ACC-04": (lambda: ActiveCampaignListAccountsOperator(task_id="t", count_deals="maybe"), "filters.count_deals"),
    "CAL-01": (lambda: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", title="C", feed_type="Tasks"), "type"),
    "CAL-01 create needs title": (lambda: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", feed_type="All"),
                                  "title"),
    "CAL-02": (lambda: ActiveCampaignDeleteCalendarFeedOperator(task_id="t", calendar_id="cal"), "id"),
    "ORG-01": (lambda: ActiveCampaignListOrganizationsOperator(task_id="t", limit=-3), "limit"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_is_refused_before_any_request(case, emulator):
    make, field = BAD[case]
    op = make()
    emulator.clear_requests()
    with pytest.raises(ActiveCampaignInputError) as caught:
        op.execute(context={})
    assert caught.value.field == field
    assert f"{type(op).__name__}(task_id='t')" in str(caught.value)
    assert repr(field) in str(caught.value)
    assert emulator.requests == []


# --------------------------------------------------------------------------- API errors







#: operator -> (operator, fault to inject or None, HTTP status, ActiveCampaign's words)
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
               None, 404, "No Result found for Note with id"),  # the contact's note is not the deal's
    "PIP-01": forbidden("dealGroups", lambda w: ActiveCampaignCreatePipelineOperator(task_id="t", title="P",
                                                                                     currency="usd")),
    "PIP-02": missing("DealGroup", lambda w: ActiveCampaignUpdatePipelineOperator(task_id="t", pipeline_id=999,
                                                                                  title="P")),
    "PIP-03": missing("DealGroup", lambda w: ActiveCampaignDeletePipelineOperator(task_id="t", pipeline_id=999)),
    "PIP-04": forbidden("dealGroups", lambda w: ActiveCampaignListPipelinesOperator(task_id="t")),
    "STG-01": missing("DealGroup", lambda w: ActiveCampaignCreateStageOperator(task_id="t", title="S",
                                                                               pipeline_id=999)),
    "STG-02": missing("DealStage", lambda w: ActiveCampaignUpdateStageOperator(task_id="t", stage_id=999, title="S")),
    "STG-03": missing("DealStage", lambda w: ActiveCampaignDeleteStageOperator(task_id="t", stage_id=999)),
    "STG-04": forbidden("dealStages", lambda w: ActiveCampaignListStagesOperator(task_id="t")),
    "TSK-01 create": missing("Deal", lambda w: ActiveCampaignUpsertTaskOperator(
        task_id="t", owner_id=999, task_type_id=1, due_date="2024-05-01")),
    "TSK-01 update": missing("DealTask", lambda w: ActiveCampaignUpsertTaskOperator(task_id="t", deal_task_id=999,
                                                                                    title="x")),
    "TSK-02": missing("DealTask", lambda w: ActiveCampaignDeleteTaskOperator(task_id="t", deal_task_id=999)),
    "TSK-03": forbidden("dealTasks", lambda w: ActiveCampaignListTasksOperator(task_id="t")),
    "TTY-01": (lambda w: ActiveCampaignCreateTaskTypeOperator(task_id="t", title="Call"),
               {"status": 422, "path": "dealTasktypes", "body": json.dumps(
                   {"errors": [{"title": "Title must be unique", "source": {"pointer": "/data/attributes/title"}}]})},
               422, "Title must be unique (field title)"),
    "TTY-02": missing("DealTasktype", lambda w: ActiveCampaignUpdateTaskTypeOperator(task_id="t", task_type_id=999,
                                                                                     title="x")),
    "TTY-03": forbidden("dealTasktypes", lambda w: ActiveCampaignListTaskTypesOperator(task_id="t")),
    "NOT-01": missing("Deal", lambda w: ActiveCampaignCreateNoteOperator(task_id="t", note="n", object_type="Deal",
                                                                         object_id=999)),
    "NOT-02": missing("Note", lambda w: ActiveCampaignDeleteNoteOperator(task_id="t", note_id=999)),
    "ACC-01": (lambda w: ActiveCampaignCreateAccountOperator(task_id="t", name="Analytical Engines"),
               None, 422, 'An account named "Analytical Engines" already exists'),
    "ACC-02": missing("CustomerAccount", lambda w: ActiveCampaignGetAccountOperator(task_id="t", account_id=999)),
    "ACC-03": missing("CustomerAccount", lambda w: ActiveCampaignDeleteAccountOperator(task_id="t", account_id=999)),
    "ACC-04": forbidden("accounts", lambda w: ActiveCampaignListAccountsOperator(task_id="t")),
    "CAL-01": missing("Calendar", lambda w: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id=999,
                                                                                     title="x")),
    "CAL-02": missing("Calendar", lambda w: ActiveCampaignDeleteCalendarFeedOperator(task_id="t", calendar_id=999)),
    "ORG-01": forbidden("organizations", lambda w: ActiveCampaignListOrganizationsOperator(task_id="t")),
}


@pytest.mark.parametrize("case", API_ERRORS, ids=list(API_ERRORS))
def test_api_error_carries_status_and_message(case, emulator, world):
    make, fault, status, words = API_ERRORS[case]
    if fault:
        emulator.inject_fault(**fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        make(world).execute(context={})
    assert caught.value.status == status
    assert f"HTTP {status}" in str(caught.value)
    assert words in str(caught.value)


# --------------------------------------------------------------------------- DEA-06: listing deals


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
    assert [r.query["offset"] for r in emulator.requests] == [["0"], ["100"], ["200"]]


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
    op = ActiveCampaignListOperator(task_id="t", resource="deal", filters={"colour": "red"})
    with pytest.raises(ActiveCampaignInputError) as caught:
        op.execute(context={})
    assert caught.value.field == "filters.colour"
    for name in ("pipeline", "stage", "owner", "status", "task_type", "created_after", "updated_before"):
        assert name in str(caught.value)
    assert emulator.requests == []


# --------------------------------------------------------------------------- odd ones out


def test_get_deal_with_custom_fields(emulator, world):
    emulator.insert("dealCustomFieldMeta", fieldLabel="Tier", fieldType="dropdown")
    run(ActiveCampaignUpdateDealOperator(task_id="t", deal_id=world["deal"], custom_fields={1: "Gold"}))
    deal = run(ActiveCampaignGetDealOperator(task_id="t", deal_id=world["deal"], include_custom_fields=True))
    assert deal["id"] == world["deal"]
    assert [(f["fieldLabel"], f["fieldType"], f["fieldValue"]) for f in deal["customFields"]] == [
        ("Tier", "dropdown", "Gold")]


def test_list_organizations_falls_back_to_accounts(emulator, world):
    """Accounts made after organizations were deprecated answer 404 for /organizations."""
    emulator.inject_fault(status=404, method="GET", path="organizations", body='{"message": "Not Found"}')
    accounts = run(ActiveCampaignListOrganizationsOperator(task_id="t", name="analytical"))
    assert [a["id"] for a in accounts] == [world["account"]]
    assert [(r.path, r.status) for r in emulator.requests] == [("/api/3/organizations", 404),
                                                               ("/api/3/accounts", 200)]
    assert emulator.requests[1].query["search"] == ["analytical"]


def test_task_list_for_a_deal_leaves_out_contact_tasks(emulator, world):
    emulator.insert("dealTasks", relid=world["deal"], reltype="Subscriber", dealTasktype="1",
                    duedate="2024-03-02T10:00:00-06:00")  # a contact's task, same relid
    tasks = run(ActiveCampaignListTasksOperator(task_id="t", deal=world["deal"]))
    assert [t["id"] for t in tasks] == [world["task"]]


@pytest.mark.parametrize("case", ["move", "deal note", "upsert task", "calendar feed"])
def test_ids_and_bodies_are_templated(case, emulator, world):
    """Ids come from Jinja/XCom in DAGs: they are rendered before validation and the request."""
    ops = {
        "move": lambda: ActiveCampaignMoveDealsToStageOperator(task_id="t", stage_id="{{ params.a }}",
                                                               target_stage_id="{{ params.b }}"),
        "deal note": lambda: ActiveCampaignUpdateDealNoteOperator(task_id="t", deal_id="{{ params.a }}",
                                                                  note_id="{{ params.b }}", note="{{ params.c }}"),
        "upsert task": lambda: ActiveCampaignUpsertTaskOperator(task_id="t", deal_task_id="{{ params.b }}",
                                                                title="{{ params.c }}"),
        "calendar feed": lambda: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id="{{ params.b }}",
                                                                          title="{{ params.c }}"),
    }
    values = {"move": ("1", "2"), "deal note": (world["deal"], world["deal_note"]),
              "upsert task": (None, world["task"]), "calendar feed": (None, world["calendar"])}[case]
    op = ops[case]()
    op.render_template_fields({"params": {"a": values[0], "b": values[1], "c": "Rendered"}})
    run(op)
    changed = {"move": lambda: emulator.record("deals", world["deal"])["stage"] == "2",
               "deal note": lambda: emulator.record("notes", world["deal_note"])["note"] == "Rendered",
               "upsert task": lambda: emulator.record("dealTasks", world["task"])["title"] == "Rendered",
               "calendar feed": lambda: emulator.record("calendars", world["calendar"])["title"] == "Rendered"}
    assert changed[case]()


def test_upsert_with_an_empty_xcom_id_creates(emulator, world):
    """A templated id that rendered from an empty XCom ("None") creates a record."""
    feed = run(ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id="None", title="New", feed_type="All"))
    assert emulator.record("calendars", feed["id"])["title"] == "New"
    assert len(emulator.records("calendars")) == 2
