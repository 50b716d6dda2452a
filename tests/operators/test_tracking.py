"""Tests of the tracking operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.operators import tables
from tests.operators.helpers import (
    FORBIDDEN,
    ApiErrorCase,
    CallCase,
)


@pytest.fixture
def world(w: SimpleNamespace) -> SimpleNamespace:
    """The marketing account (see the conftest's ``w``), with a tracking event "Signed up"."""
    w.emu.insert("eventTrackingEvents", name="Signed up")
    w.emu.clear_requests()
    return w


HAPPY: dict[str, CallCase] = {
    "EVT-01 create a tracking event": (
        lambda w: ops.ActiveCampaignCreateTrackingEventOperator(task_id="t", name="Viewed Pricing 2"),
        lambda emu, w, r: [event["name"] for event in emu.records("eventTrackingEvents")]
        == ["Signed up", "Viewed Pricing 2"]),
    "EVT-02 enable event tracking": (
        lambda w: ops.ActiveCampaignSetEventTrackingOperator(task_id="t", enabled="true"),
        lambda emu, w, r: r == {"enabled": True}
        and ActiveCampaignHook().request("GET", "eventTracking") == {"eventTracking": {"enabled": True}}),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "CreateTrackingEventOperator-name": (
        lambda: ops.ActiveCampaignCreateTrackingEventOperator(task_id="t", name="signed-up!"), "name"),
    "SetEventTrackingOperator-enabled": (
        lambda: ops.ActiveCampaignSetEventTrackingOperator(task_id="t", enabled="maybe"), "enabled"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "EVT-01 duplicate event": (
        lambda w: ops.ActiveCampaignCreateTrackingEventOperator(task_id="t", name="Signed up"),
        None, 422, "An event with this name already exists"),
    "EVT-02 no permission": (
        lambda w: ops.ActiveCampaignSetEventTrackingOperator(task_id="t", enabled=False),
        FORBIDDEN, 403, "You do not have permission"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


