"""Tests of the messages operators, over real HTTP against the emulator."""

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
    "MSG-01 create a message": (
        lambda w: ops.ActiveCampaignCreateMessageOperator(task_id="t", from_name="Shop", from_email="s@example.com",
                                                          reply_to="r@example.com", subject="News",
                                                          html="<p>Hi</p>"),
        lambda emu, w, r: by(emu, "messages", subject="News", html="<p>Hi</p>", fromemail="s@example.com")),
    "MSG-02 update a message": (
        lambda w: ops.ActiveCampaignUpdateMessageOperator(task_id="t", message_id=w.message, subject="Bye"),
        lambda emu, w, r: emu.record("messages", w.message)["subject"] == "Bye"),
    "MSG-03 delete a message": (
        lambda w: ops.ActiveCampaignDeleteMessageOperator(task_id="t", message_id=w.message),
        lambda emu, w, r: emu.record("messages", w.message) is None),
    "MSG-04 list messages": (
        lambda w: ops.ActiveCampaignListMessagesOperator(task_id="t"),
        lambda emu, w, r: [m["id"] for m in r] == [w.message]),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "CreateMessageOperator-from_email": (
        lambda: ops.ActiveCampaignCreateMessageOperator(task_id="t", from_name="S", from_email="nope",
                                                        reply_to="r@example.com"), "from_email"),
    "UpdateMessageOperator-reply_to": (
        lambda: ops.ActiveCampaignUpdateMessageOperator(task_id="t", message_id=1, reply_to="nope"), "reply_to"),
    "DeleteMessageOperator-message_id": (
        lambda: ops.ActiveCampaignDeleteMessageOperator(task_id="t", message_id="1.5"), "message_id"),
    "ListMessagesOperator-limit": (lambda: ops.ActiveCampaignListMessagesOperator(task_id="t", limit="many"), "limit"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "MSG-01 refused": (
        lambda w: ops.ActiveCampaignCreateMessageOperator(task_id="t", from_name="S", from_email="s@example.com",
                                                          reply_to="r@example.com"),
        {"status": 422, "body": '{"errors": [{"title": "Subject is required", "source": {"pointer": "/subject"}}]}'},
        422, "Subject is required"),
    "MSG-02 unknown message": (
        lambda w: ops.ActiveCampaignUpdateMessageOperator(task_id="t", message_id=999, subject="S"),
        None, 404, "No Result found for Message with id 999"),
    "MSG-03 unknown message": (
        lambda w: ops.ActiveCampaignDeleteMessageOperator(task_id="t", message_id=999),
        None, 404, "Message"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListMessagesOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


