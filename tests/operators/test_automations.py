"""Tests of the automations operators, over real HTTP against the emulator."""

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
    "LEG-05 legacy add to an automation": (
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="add", automation_id=2,
                                                                   contact_email="ada@example.com"),
        lambda emu, w, r: by(emu, "contactAutomations", contact=w.ada, automation="2")),
    "LEG-05 legacy remove from an automation": (
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="REMOVE", automation_id=1,
                                                                   contact_email="ada@example.com"),
        lambda emu, w, r: not by(emu, "contactAutomations", contact=w.ada)),
    "AUT-01 list automations": (
        lambda w: ops.ActiveCampaignListAutomationsOperator(task_id="t", limit=1),
        lambda emu, w, r: [a["name"] for a in r] == ["Welcome series"]),
    "AUT-02 add a contact to an automation": (
        lambda w: ops.ActiveCampaignAddContactToAutomationOperator(task_id="t", contact_id=w.bob, automation_id=2),
        lambda emu, w, r: by(emu, "contactAutomations", contact=w.bob, automation="2") and r["automation"] == "2"),
    "AUT-03 get a contact's automation": (
        lambda w: ops.ActiveCampaignGetContactAutomationOperator(task_id="t", contact_automation_id=w.entry),
        lambda emu, w, r: r["contact"] == w.ada and r["automation"] == "1"),
    "AUT-04 remove a contact from an automation": (
        lambda w: ops.ActiveCampaignRemoveContactFromAutomationOperator(task_id="t", contact_automation_id=w.entry),
        lambda emu, w, r: emu.record("contactAutomations", w.entry) is None),
    "AUT-05 list a contact's automations": (
        lambda w: ops.ActiveCampaignListContactAutomationsOperator(task_id="t", contact_id=w.ada),
        lambda emu, w, r: [e["id"] for e in r] == [w.entry]),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "LegacyManageAutomationOperator-action": (
        lambda: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="pause", automation_id=1,
                                                                 contact_email="a@example.com"), "action"),
    "ListAutomationsOperator-limit": (
        lambda: ops.ActiveCampaignListAutomationsOperator(task_id="t", limit=-5), "limit"),
    "AddContactToAutomationOperator-automation_id": (
        lambda: ops.ActiveCampaignAddContactToAutomationOperator(task_id="t", contact_id=1,
                                                                 automation_id=None), "automation_id"),
    "GetContactAutomationOperator-contact_automation_id": (
        lambda: ops.ActiveCampaignGetContactAutomationOperator(task_id="t",
                                                               contact_automation_id=""), "contact_automation_id"),
    "RemoveContactFromAutomationOperator-contact_automation_id": (
        lambda: ops.ActiveCampaignRemoveContactFromAutomationOperator(task_id="t", contact_automation_id="x"),
        "contact_automation_id"),
    "ListContactAutomationsOperator-contact_id": (
        lambda: ops.ActiveCampaignListContactAutomationsOperator(task_id="t", contact_id=None), "contact_id"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "LEG-05 unknown automation": (
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="add", automation_id=999,
                                                                   contact_email="ada@example.com"),
        None, 200, "Automation not found"),
    "AUT-02 unknown automation": (
        lambda w: ops.ActiveCampaignAddContactToAutomationOperator(task_id="t", contact_id=w.ada, automation_id=999),
        None, 403, "Could not create SubscriberSeries"),
    "AUT-03 unknown entry": (
        lambda w: ops.ActiveCampaignGetContactAutomationOperator(task_id="t", contact_automation_id=999),
        None, 404, "No Result found for SubscriberSeries with id 999"),
    "AUT-04 unknown entry": (
        lambda w: ops.ActiveCampaignRemoveContactFromAutomationOperator(task_id="t", contact_automation_id=999),
        None, 404, "SubscriberSeries"),
    "AUT-05 unknown contact": (
        lambda w: ops.ActiveCampaignListContactAutomationsOperator(task_id="t", contact_id=999),
        None, 404, "No Result found for Subscriber with id 999"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListAutomationsOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


