"""Tests of the lists operators, over real HTTP against the emulator."""

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
    no_permission,
)


@pytest.fixture
def world(w: SimpleNamespace) -> SimpleNamespace:
    """The marketing account (see the conftest's ``w``)."""
    return w


HAPPY: dict[str, CallCase] = {
    "CON-11 unsubscribe from a list": (
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.ada, list_id=1, status=2),
        lambda emu, w, r: [c["status"] for c in by(emu, "contactLists", contact=w.ada, list="1")] == ["2"]),
    "CON-11 subscribe to a list": (
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.bob, list_id="1"),
        lambda emu, w, r: [c["status"] for c in by(emu, "contactLists", contact=w.bob, list="1")] == ["1"]),
    "LST-01 create a list (stringid from the name)": (
        lambda w: ops.ActiveCampaignCreateListOperator(task_id="t", name="VIP Buyers!", sender_url="https://x.io",
                                                       sender_reminder="You bought"),
        lambda emu, w, r: by(emu, "lists", name="VIP Buyers!", stringid="vip-buyers")),
    "LST-02 list lists": (
        lambda w: ops.ActiveCampaignListListsOperator(task_id="t", name="Master", order="ASC"),
        lambda emu, w, r: [x["id"] for x in r] == ["1"]),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "UpdateListStatusOperator-status": (
        lambda: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=1, list_id=1, status=3), "status"),
    "CreateListOperator-sender_url": (
        lambda: ops.ActiveCampaignCreateListOperator(task_id="t", name="L", sender_url=None,
                                                     sender_reminder="r"), "sender_url"),
    "ListListsOperator-order": (lambda: ops.ActiveCampaignListListsOperator(task_id="t", order="sideways"), "order"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "CON-11 unknown list": (
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.ada, list_id=999),
        None, 404, "999"),
    "LST-01 refused": (
        lambda w: ops.ActiveCampaignCreateListOperator(task_id="t", name="L", sender_url="https://x.io",
                                                       sender_reminder="r"),
        {"status": 422, "body": '{"errors": [{"title": "List name already in use", "code": "duplicate"}]}'},
        422, "List name already in use"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListListsOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


