"""Tests of the tasks operators, over real HTTP against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateTaskTypeOperator,
    ActiveCampaignDeleteTaskOperator,
    ActiveCampaignListTasksOperator,
    ActiveCampaignListTaskTypesOperator,
    ActiveCampaignUpdateTaskTypeOperator,
    ActiveCampaignUpsertTaskOperator,
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
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "TSK-01": (lambda: ActiveCampaignUpsertTaskOperator(task_id="t", owner_id=1, task_type_id=1), "due_date"),
    "TSK-01 owner type": (lambda: ActiveCampaignUpsertTaskOperator(task_id="t", deal_task_id=1, owner_type="user"),
                          "owner_type"),
    "TSK-02": (lambda: ActiveCampaignDeleteTaskOperator(task_id="t", deal_task_id="x"), "deal_task_id"),
    "TSK-03": (lambda: ActiveCampaignListTasksOperator(task_id="t", due_after="next tuesday-ish"),
               "due_after"),
    "TTY-01": (lambda: ActiveCampaignCreateTaskTypeOperator(task_id="t", title="T", status=3), "status"),
    "TTY-02": (lambda: ActiveCampaignUpdateTaskTypeOperator(task_id="t", task_type_id="", title="T"), "task_type_id"),
    "TTY-03": (lambda: ActiveCampaignListTaskTypesOperator(task_id="t", limit=-1), "limit"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
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
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_task_list_for_a_deal_leaves_out_contact_tasks(emulator, world):
    emulator.insert("dealTasks", relid=world["deal"], reltype="Subscriber", dealTasktype="1",
                    duedate="2024-03-02T10:00:00-06:00")  # a contact's task, same relid
    tasks = run(ActiveCampaignListTasksOperator(task_id="t", deal=world["deal"]))
    assert [t["id"] for t in tasks] == [world["task"]]
