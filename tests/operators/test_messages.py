"""Tests of the messages operators, over real HTTP against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignInputError,
)
from tests.operators.helpers import (
    FORBIDDEN,
    Case,
    Failure,
    _classes,
    by,
    run,
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


API_ERRORS.update({
    f"{operator.__name__.removeprefix('ActiveCampaign')} no permission": Failure(
        lambda w, operator=operator: operator(task_id="t"), 403, "You do not have permission", FORBIDDEN)
    for operator in NO_PERMISSION
})


@pytest.mark.parametrize("case", HAPPY.values(), ids=HAPPY.keys())
def test_happy_path(w, case: Case) -> None:
    result = run(case.make(w))
    assert case.check(w, result), result
    assert not w.emu.server_errors


@pytest.mark.parametrize(("operator", "kwargs", "field"), BAD_INPUT,
                         ids=[f"{op.__name__.removeprefix('ActiveCampaign')}-{f}" for op, _, f in BAD_INPUT])
def test_bad_input_is_refused_before_any_request(w, operator: type, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(operator(task_id="bad_input", **kwargs))
    assert caught.value.field == field
    assert f"{operator.__name__}(task_id='bad_input')" in str(caught.value)
    assert caught.value.expected in str(caught.value)
    assert w.emu.requests == []


@pytest.mark.parametrize("case", API_ERRORS.values(), ids=API_ERRORS.keys())
def test_api_error_reaches_the_exception(w, case: Failure) -> None:
    w.emu.insert("eventTrackingEvents", name="Signed up")
    if case.fault:
        w.emu.inject_fault(**case.fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        run(case.make(w))
    assert caught.value.status == case.status
    assert case.words in str(caught.value)
    assert f"HTTP {case.status}" in str(caught.value)


OPERATORS = [
    "ActiveCampaignCreateMessageOperator",
    "ActiveCampaignDeleteMessageOperator",
    "ActiveCampaignListMessagesOperator",
    "ActiveCampaignUpdateMessageOperator",
]


def test_every_operator_of_the_module_is_in_every_table() -> None:
    section = {getattr(ops, name) for name in OPERATORS}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(HAPPY.values()), "BAD_INPUT": {op for op, _, _ in BAD_INPUT} | no_input,
              "API_ERRORS": _classes(API_ERRORS.values())}
    for table, classes in tables.items():
        assert section <= classes, (table, sorted(c.__name__ for c in section - classes))
