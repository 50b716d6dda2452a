"""Tests of the campaigns operators, over real HTTP against the emulator."""

from __future__ import annotations

from typing import Any

import pendulum
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
    run,
)

HAPPY: dict[str, Case] = {
    "LEG-08 legacy create a draft campaign": Case(
        lambda w: ops.ActiveCampaignLegacyCreateCampaignOperator(
            task_id="t", name="Autumn", list_ids=[1], message_id=w.message, send_date="2030-01-02T03:04:05+01:00"),
        lambda w, r: (lambda c: c["status"] == "0" and c["type"] == "single"
                      and pendulum.parse(c["sdate"]) == pendulum.datetime(2030, 1, 2, 2, 4, 5)  # that instant
                      and w.emu.requests[0].form["sdate"] == ["2030-01-01 20:04:05"])(  # in Chicago time
            w.emu.record("campaigns", r["id"]))),
    "LEG-09 legacy list campaigns by name": Case(
        lambda w: ops.ActiveCampaignLegacyListCampaignsOperator(task_id="t", name="Spring", campaign_type="single"),
        lambda w, r: [c["id"] for c in r] == [w.campaign]),
    "CMP-01 get a campaign": Case(
        lambda w: ops.ActiveCampaignGetCampaignOperator(task_id="t", campaign_id=w.campaign),
        lambda w, r: r["name"] == "Spring sale"),
    "CMP-02 delete a campaign (legacy)": Case(
        lambda w: ops.ActiveCampaignDeleteCampaignOperator(task_id="t", campaign_id=w.campaign),
        lambda w, r: w.emu.record("campaigns", w.campaign) is None and r["deleted"] == w.campaign),
    "CMP-03 list campaigns": Case(
        lambda w: ops.ActiveCampaignListCampaignsOperator(task_id="t", order_by="sdate", order="desc"),
        lambda w, r: [c["id"] for c in r] == [w.campaign]),
}


BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignLegacyCreateCampaignOperator, {"name": "N", "list_ids": [1], "message_id": 1,
                                                      "campaign_type": "weekly"}, "campaign_type"),
    (ops.ActiveCampaignLegacyCreateCampaignOperator, {"name": "N", "list_ids": [1]}, "message_id or message_split"),
    (ops.ActiveCampaignLegacyListCampaignsOperator, {"created_since": "last tuesday"}, "created_since"),
    (ops.ActiveCampaignGetCampaignOperator, {"campaign_id": "latest"}, "campaign_id"),
    (ops.ActiveCampaignDeleteCampaignOperator, {"campaign_id": None}, "campaign_id"),
    (ops.ActiveCampaignListCampaignsOperator, {"order_by": "name"}, "order_by"),
]


API_ERRORS: dict[str, Failure] = {
    "LEG-08 unknown message": Failure(
        lambda w: ops.ActiveCampaignLegacyCreateCampaignOperator(task_id="t", name="N", list_ids=1, message_id=999),
        200, "Message 999 does not exist"),
    "CMP-01 unknown campaign": Failure(
        lambda w: ops.ActiveCampaignGetCampaignOperator(task_id="t", campaign_id=999),
        404, "No Result found for Campaign with id 999"),
    "CMP-02 unknown campaign": Failure(
        lambda w: ops.ActiveCampaignDeleteCampaignOperator(task_id="t", campaign_id=999), 200, "Campaign not found"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignLegacyListCampaignsOperator,
    ops.ActiveCampaignListCampaignsOperator,
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
    "ActiveCampaignDeleteCampaignOperator",
    "ActiveCampaignGetCampaignOperator",
    "ActiveCampaignLegacyCreateCampaignOperator",
    "ActiveCampaignLegacyListCampaignsOperator",
    "ActiveCampaignListCampaignsOperator",
]


def test_every_operator_of_the_module_is_in_every_table() -> None:
    section = {getattr(ops, name) for name in OPERATORS}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(HAPPY.values()), "BAD_INPUT": {op for op, _, _ in BAD_INPUT} | no_input,
              "API_ERRORS": _classes(API_ERRORS.values())}
    for table, classes in tables.items():
        assert section <= classes, (table, sorted(c.__name__ for c in section - classes))
