"""Tests of the tracking operators, over real HTTP against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignInputError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.operators.helpers import (
    FORBIDDEN,
    Case,
    Failure,
    _classes,
    run,
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
    "ActiveCampaignCreateTrackingEventOperator",
    "ActiveCampaignSetEventTrackingOperator",
]


def test_every_operator_of_the_module_is_in_every_table() -> None:
    section = {getattr(ops, name) for name in OPERATORS}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(HAPPY.values()), "BAD_INPUT": {op for op, _, _ in BAD_INPUT} | no_input,
              "API_ERRORS": _classes(API_ERRORS.values())}
    for table, classes in tables.items():
        assert section <= classes, (table, sorted(c.__name__ for c in section - classes))
