"""Tests of the users operators, over real HTTP against the emulator."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
)
from airflow_provider_activecampaign.operators import (
    ActiveCampaignGetCurrentUserOperator,
    ActiveCampaignGetUserOperator,
    ActiveCampaignListGroupsOperator,
    ActiveCampaignListUsersOperator,
)
from tests.conftest import CANARY_KEY
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    forbidden,
    missing,
    refused,
    run,
)

HAPPY: dict[str, CallCase] = {
    "CON-14 get current user": (
        lambda w: ActiveCampaignGetCurrentUserOperator(task_id="t"),
        lambda emu, w, user: (user["id"], user["username"]) == ("1", "admin")
                             and emu.requests[0].path == "/api/3/users/me",
    ),
    "USR-01 get user": (
        lambda w: ActiveCampaignGetUserOperator(task_id="t", user_id=w["user"]),
        lambda emu, w, user: (user["id"], user["email"]) == (w["user"], "bob@example.com"),
    ),
    "USR-02 list users": (
        lambda w: ActiveCampaignListUsersOperator(task_id="t"),
        lambda emu, w, users: [u["username"] for u in users] == ["admin", "bob"],
    ),
    "USR-03 list groups": (
        lambda w: ActiveCampaignListGroupsOperator(task_id="t"),
        lambda emu, w, groups: [g["title"] for g in groups] == ["Admins", "Sales team"],
    ),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "USR-01": (lambda: ActiveCampaignGetUserOperator(task_id="t", user_id="me"), "user_id"),
    "USR-02": (lambda: ActiveCampaignListUsersOperator(task_id="t", limit="many"), "limit"),
    "USR-03": (lambda: ActiveCampaignListGroupsOperator(task_id="t", limit=-5), "limit"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "CON-14": forbidden("users/me", lambda w: ActiveCampaignGetCurrentUserOperator(task_id="t")),
    "USR-01": missing("User", lambda w: ActiveCampaignGetUserOperator(task_id="t", user_id=999)),
    "USR-02": forbidden("users", lambda w: ActiveCampaignListUsersOperator(task_id="t")),
    "USR-03": forbidden("groups", lambda w: ActiveCampaignListGroupsOperator(task_id="t")),
}


@pytest.mark.parametrize("case", HAPPY, ids=list(HAPPY))
def test_happy_path(case, emulator, world):
    make, check = HAPPY[case]
    result = run(make(world))
    assert check(emulator, world, result), result
    assert emulator.requests and all(r.status < 400 for r in emulator.requests)


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_is_refused_before_any_request(case, emulator):
    make, field = BAD[case]
    error = refused(make, emulator)  # when the DAG is parsed, or when the task runs: no request either way
    assert error.field == field
    assert re.match(r"ActiveCampaign\w+Operator\(task_id='t'\): ", str(error))
    assert repr(field) in str(error)


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
    assert CANARY_KEY not in str(caught.value) and CANARY_KEY not in repr(caught.value.args)


def test_list_users_limit_and_output_path(emulator, world, tmp_path):
    for i in range(3):
        emulator.insert("users", username=f"u{i}", email=f"u{i}@example.com")
    assert [u["username"] for u in run(ActiveCampaignListUsersOperator(task_id="t", limit=2))] == ["admin", "bob"]
    target = tmp_path / "users.jsonl"
    result = run(ActiveCampaignListGroupsOperator(task_id="t", output_path=str(target)))
    assert result == {"path": str(target), "count": 2}
    assert [json.loads(line)["title"] for line in target.read_text().splitlines()] == ["Admins", "Sales team"]
