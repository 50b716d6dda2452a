"""Tests of the lists operators, over real HTTP against the emulator."""

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
    "ActiveCampaignCreateListOperator",
    "ActiveCampaignListListsOperator",
    "ActiveCampaignUpdateListStatusOperator",
]


def test_every_operator_of_the_module_is_in_every_table() -> None:
    section = {getattr(ops, name) for name in OPERATORS}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(HAPPY.values()), "BAD_INPUT": {op for op, _, _ in BAD_INPUT} | no_input,
              "API_ERRORS": _classes(API_ERRORS.values())}
    for table, classes in tables.items():
        assert section <= classes, (table, sorted(c.__name__ for c in section - classes))
