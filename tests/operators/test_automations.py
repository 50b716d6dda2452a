"""Tests of the automations operators, over real HTTP against the emulator."""

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
    "LEG-05 legacy add to an automation": Case(
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="add", automation_id=2,
                                                                   contact_email="ada@example.com"),
        lambda w, r: by(w.emu, "contactAutomations", contact=w.ada, automation="2")),
    "LEG-05 legacy remove from an automation": Case(
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="REMOVE", automation_id=1,
                                                                   contact_email="ada@example.com"),
        lambda w, r: not by(w.emu, "contactAutomations", contact=w.ada)),
    "AUT-01 list automations": Case(
        lambda w: ops.ActiveCampaignListAutomationsOperator(task_id="t", limit=1),
        lambda w, r: [a["name"] for a in r] == ["Welcome series"]),
    "AUT-02 add a contact to an automation": Case(
        lambda w: ops.ActiveCampaignAddContactToAutomationOperator(task_id="t", contact_id=w.bob, automation_id=2),
        lambda w, r: by(w.emu, "contactAutomations", contact=w.bob, automation="2") and r["automation"] == "2"),
    "AUT-03 get a contact's automation": Case(
        lambda w: ops.ActiveCampaignGetContactAutomationOperator(task_id="t", contact_automation_id=w.entry),
        lambda w, r: r["contact"] == w.ada and r["automation"] == "1"),
    "AUT-04 remove a contact from an automation": Case(
        lambda w: ops.ActiveCampaignRemoveContactFromAutomationOperator(task_id="t", contact_automation_id=w.entry),
        lambda w, r: w.emu.record("contactAutomations", w.entry) is None),
    "AUT-05 list a contact's automations": Case(
        lambda w: ops.ActiveCampaignListContactAutomationsOperator(task_id="t", contact_id=w.ada),
        lambda w, r: [e["id"] for e in r] == [w.entry]),
}


BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignLegacyManageAutomationOperator,
     {"action": "pause", "automation_id": 1, "contact_email": "a@example.com"}, "action"),
    (ops.ActiveCampaignListAutomationsOperator, {"limit": -5}, "limit"),
    (ops.ActiveCampaignAddContactToAutomationOperator, {"contact_id": 1, "automation_id": None}, "automation_id"),
    (ops.ActiveCampaignGetContactAutomationOperator, {"contact_automation_id": ""}, "contact_automation_id"),
    (ops.ActiveCampaignRemoveContactFromAutomationOperator, {"contact_automation_id": "x"}, "contact_automation_id"),
    (ops.ActiveCampaignListContactAutomationsOperator, {"contact_id": None}, "contact_id"),
]


API_ERRORS: dict[str, Failure] = {
    "LEG-05 unknown automation": Failure(
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="add", automation_id=999,
                                                                   contact_email="ada@example.com"),
        200, "Automation not found"),
    "AUT-02 unknown automation": Failure(
        lambda w: ops.ActiveCampaignAddContactToAutomationOperator(task_id="t", contact_id=w.ada, automation_id=999),
        403, "Could not create SubscriberSeries"),
    "AUT-03 unknown entry": Failure(
        lambda w: ops.ActiveCampaignGetContactAutomationOperator(task_id="t", contact_automation_id=999),
        404, "No Result found for SubscriberSeries with id 999"),
    "AUT-04 unknown entry": Failure(
        lambda w: ops.ActiveCampaignRemoveContactFromAutomationOperator(task_id="t", contact_automation_id=999),
        404, "SubscriberSeries"),
    "AUT-05 unknown contact": Failure(
        lambda w: ops.ActiveCampaignListContactAutomationsOperator(task_id="t", contact_id=999),
        404, "No Result found for Subscriber with id 999"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListAutomationsOperator,
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
    "ActiveCampaignAddContactToAutomationOperator",
    "ActiveCampaignGetContactAutomationOperator",
    "ActiveCampaignLegacyManageAutomationOperator",
    "ActiveCampaignListAutomationsOperator",
    "ActiveCampaignListContactAutomationsOperator",
    "ActiveCampaignRemoveContactFromAutomationOperator",
]


def test_every_operator_of_the_module_is_in_every_table() -> None:
    section = {getattr(ops, name) for name in OPERATORS}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(HAPPY.values()), "BAD_INPUT": {op for op, _, _ in BAD_INPUT} | no_input,
              "API_ERRORS": _classes(API_ERRORS.values())}
    for table, classes in tables.items():
        assert section <= classes, (table, sorted(c.__name__ for c in section - classes))
