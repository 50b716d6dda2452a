"""Tests of the lists operators, over real HTTP against the emulator."""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign import operators as ops
from tests.operators import tables
from tests.operators.helpers import (
    Case,
    Failure,
    by,
    no_permission,
)

HAPPY: dict[str, Case] = {
    "CON-11 unsubscribe from a list": Case(
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.ada, list_id=1, status=2),
        lambda w, r: [c["status"] for c in by(w.emu, "contactLists", contact=w.ada, list="1")] == ["2"]),
    "CON-11 subscribe to a list": Case(
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.bob, list_id="1"),
        lambda w, r: [c["status"] for c in by(w.emu, "contactLists", contact=w.bob, list="1")] == ["1"]),
    "LST-01 create a list (stringid from the name)": Case(
        lambda w: ops.ActiveCampaignCreateListOperator(task_id="t", name="VIP Buyers!", sender_url="https://x.io",
                                                       sender_reminder="You bought"),
        lambda w, r: by(w.emu, "lists", name="VIP Buyers!", stringid="vip-buyers")),
    "LST-02 list lists": Case(
        lambda w: ops.ActiveCampaignListListsOperator(task_id="t", name="Master", order="ASC"),
        lambda w, r: [x["id"] for x in r] == ["1"]),
}


BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignUpdateListStatusOperator, {"contact_id": 1, "list_id": 1, "status": 3}, "status"),
    (ops.ActiveCampaignCreateListOperator, {"name": "L", "sender_url": None, "sender_reminder": "r"}, "sender_url"),
    (ops.ActiveCampaignListListsOperator, {"order": "sideways"}, "order"),
]


API_ERRORS: dict[str, Failure] = {
    "CON-11 unknown list": Failure(
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.ada, list_id=999),
        404, "999"),
    "LST-01 refused": Failure(
        lambda w: ops.ActiveCampaignCreateListOperator(task_id="t", name="L", sender_url="https://x.io",
                                                       sender_reminder="r"),
        422, "List name already in use",
        {"status": 422, "body": '{"errors": [{"title": "List name already in use", "code": "duplicate"}]}'}),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListListsOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_reaches_the_exception = tables.api_error_reaches_the_exception


OPERATORS = [
    "ActiveCampaignCreateListOperator",
    "ActiveCampaignListListsOperator",
    "ActiveCampaignUpdateListStatusOperator",
]


test_every_operator_of_the_module_is_in_every_table = tables.every_operator_of_the_module_is_in_every_table
