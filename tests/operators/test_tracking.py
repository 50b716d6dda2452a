"""Tests of the tracking operators, over real HTTP against the emulator."""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.operators import tables
from tests.operators.helpers import (
    FORBIDDEN,
    Case,
    Failure,
)

HAPPY: dict[str, Case] = {
    "EVT-01 create a tracking event": Case(
        lambda w: ops.ActiveCampaignCreateTrackingEventOperator(task_id="t", name="Viewed Pricing 2"),
        lambda w, r: [e["name"] for e in w.emu.records("eventTrackingEvents")] == ["Viewed Pricing 2"]),
    "EVT-02 enable event tracking": Case(
        lambda w: ops.ActiveCampaignSetEventTrackingOperator(task_id="t", enabled="true"),
        lambda w, r: r == {"enabled": True}
        and ActiveCampaignHook().request("GET", "eventTracking") == {"eventTracking": {"enabled": True}}),
}


BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignCreateTrackingEventOperator, {"name": "signed-up!"}, "name"),
    (ops.ActiveCampaignSetEventTrackingOperator, {"enabled": "maybe"}, "enabled"),
]


API_ERRORS: dict[str, Failure] = {
    "EVT-01 duplicate event": Failure(
        lambda w: ops.ActiveCampaignCreateTrackingEventOperator(task_id="t", name="Signed up"),
        422, "An event with this name already exists", None),
    "EVT-02 no permission": Failure(
        lambda w: ops.ActiveCampaignSetEventTrackingOperator(task_id="t", enabled=False), 403,
        "You do not have permission", FORBIDDEN),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_reaches_the_exception = tables.api_error_reaches_the_exception


OPERATORS = [
    "ActiveCampaignCreateTrackingEventOperator",
    "ActiveCampaignSetEventTrackingOperator",
]


test_every_operator_of_the_module_is_in_every_table = tables.every_operator_of_the_module_is_in_every_table
