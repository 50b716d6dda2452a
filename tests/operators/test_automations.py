"""Tests of the automations operators, over real HTTP against the emulator."""

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


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_reaches_the_exception = tables.api_error_reaches_the_exception


OPERATORS = [
    "ActiveCampaignAddContactToAutomationOperator",
    "ActiveCampaignGetContactAutomationOperator",
    "ActiveCampaignLegacyManageAutomationOperator",
    "ActiveCampaignListAutomationsOperator",
    "ActiveCampaignListContactAutomationsOperator",
    "ActiveCampaignRemoveContactFromAutomationOperator",
]


test_every_operator_of_the_module_is_in_every_table = tables.every_operator_of_the_module_is_in_every_table
