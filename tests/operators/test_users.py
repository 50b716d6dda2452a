"""Tests of the users operators, over real HTTP against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from airflow_provider_activecampaign.operators import (
    ActiveCampaignGetCurrentUserOperator,
    ActiveCampaignGetUserOperator,
    ActiveCampaignListGroupsOperator,
    ActiveCampaignListUsersOperator,
)
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    forbidden,
    missing,
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


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
#: (table, operator) -> why the operator has no row there
NOT_IN_TABLE = {("BAD", "ActiveCampaignGetCurrentUserOperator"): "it takes no arguments: nothing to get wrong"}
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_list_users_limit_and_output_path(emulator, world, tmp_path):
    for i in range(3):
        emulator.insert("users", username=f"u{i}", email=f"u{i}@example.com")
    assert [u["username"] for u in run(ActiveCampaignListUsersOperator(task_id="t", limit=2))] == ["admin", "bob"]
    target = tmp_path / "users.jsonl"
    result = run(ActiveCampaignListGroupsOperator(task_id="t", output_path=str(target)))
    assert result == {"path": str(target), "count": 2}
    assert [json.loads(line)["title"] for line in target.read_text().splitlines()] == ["Admins", "Sales team"]
