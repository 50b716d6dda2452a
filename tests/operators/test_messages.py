"""Tests of the messages operators, over real HTTP against the emulator."""

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
    "MSG-01 create a message": Case(
        lambda w: ops.ActiveCampaignCreateMessageOperator(task_id="t", from_name="Shop", from_email="s@example.com",
                                                          reply_to="r@example.com", subject="News",
                                                          html="<p>Hi</p>"),
        lambda w, r: by(w.emu, "messages", subject="News", html="<p>Hi</p>", fromemail="s@example.com")),
    "MSG-02 update a message": Case(
        lambda w: ops.ActiveCampaignUpdateMessageOperator(task_id="t", message_id=w.message, subject="Bye"),
        lambda w, r: w.emu.record("messages", w.message)["subject"] == "Bye"),
    "MSG-03 delete a message": Case(
        lambda w: ops.ActiveCampaignDeleteMessageOperator(task_id="t", message_id=w.message),
        lambda w, r: w.emu.record("messages", w.message) is None),
    "MSG-04 list messages": Case(
        lambda w: ops.ActiveCampaignListMessagesOperator(task_id="t"),
        lambda w, r: [m["id"] for m in r] == [w.message]),
}


BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignCreateMessageOperator, {"from_name": "S", "from_email": "nope", "reply_to": "r@example.com"},
     "from_email"),
    (ops.ActiveCampaignUpdateMessageOperator, {"message_id": 1, "reply_to": "nope"}, "reply_to"),
    (ops.ActiveCampaignDeleteMessageOperator, {"message_id": "1.5"}, "message_id"),
    (ops.ActiveCampaignListMessagesOperator, {"limit": "many"}, "limit"),
]


API_ERRORS: dict[str, Failure] = {
    "MSG-01 refused": Failure(
        lambda w: ops.ActiveCampaignCreateMessageOperator(task_id="t", from_name="S", from_email="s@example.com",
                                                          reply_to="r@example.com"),
        422, "Subject is required",
        {"status": 422, "body": '{"errors": [{"title": "Subject is required", "source": {"pointer": "/subject"}}]}'}),
    "MSG-02 unknown message": Failure(
        lambda w: ops.ActiveCampaignUpdateMessageOperator(task_id="t", message_id=999, subject="S"),
        404, "No Result found for Message with id 999"),
    "MSG-03 unknown message": Failure(
        lambda w: ops.ActiveCampaignDeleteMessageOperator(task_id="t", message_id=999), 404, "Message"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListMessagesOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_reaches_the_exception = tables.api_error_reaches_the_exception


OPERATORS = [
    "ActiveCampaignCreateMessageOperator",
    "ActiveCampaignDeleteMessageOperator",
    "ActiveCampaignListMessagesOperator",
    "ActiveCampaignUpdateMessageOperator",
]


test_every_operator_of_the_module_is_in_every_table = tables.every_operator_of_the_module_is_in_every_table
