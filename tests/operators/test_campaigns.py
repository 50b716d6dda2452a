"""Tests of the campaigns operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pendulum
import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignConfigError,
)
from tests.conftest import emulator_connection
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    no_permission,
    run,
)


@pytest.fixture
def world(w: SimpleNamespace) -> SimpleNamespace:
    """The marketing account (see the conftest's ``w``)."""
    return w


HAPPY: dict[str, CallCase] = {
    "LEG-08 legacy create a draft campaign": (
        lambda w: ops.ActiveCampaignLegacyCreateCampaignOperator(
            task_id="t", name="Autumn", list_ids=[1], message_id=w.message, send_date="2030-01-02T03:04:05+01:00"),
        lambda emu, w, r: (lambda c: c["status"] == "0" and c["type"] == "single"
                           and pendulum.parse(c["sdate"]) == pendulum.datetime(2030, 1, 2, 2, 4, 5)  # that instant
                           and emu.requests[0].form["sdate"] == ["2030-01-01 20:04:05"])(  # in Chicago time
                 emu.record("campaigns", r["id"]))),
    "LEG-09 legacy list campaigns by name": (
        lambda w: ops.ActiveCampaignLegacyListCampaignsOperator(task_id="t", name="Spring", campaign_type="single"),
        lambda emu, w, r: [c["id"] for c in r] == [w.campaign]),
    "CMP-01 get a campaign": (
        lambda w: ops.ActiveCampaignGetCampaignOperator(task_id="t", campaign_id=w.campaign),
        lambda emu, w, r: r["name"] == "Spring sale"),
    "CMP-02 delete a campaign (legacy)": (
        lambda w: ops.ActiveCampaignDeleteCampaignOperator(task_id="t", campaign_id=w.campaign),
        lambda emu, w, r: emu.record("campaigns", w.campaign) is None and r["deleted"] == w.campaign),
    "CMP-03 list campaigns": (
        lambda w: ops.ActiveCampaignListCampaignsOperator(task_id="t", order_by="sdate", order="desc"),
        lambda emu, w, r: [c["id"] for c in r] == [w.campaign]),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "LegacyCreateCampaignOperator-campaign_type": (
        lambda: ops.ActiveCampaignLegacyCreateCampaignOperator(task_id="t", name="N", list_ids=[1], message_id=1,
                                                               campaign_type="weekly"), "campaign_type"),
    "LegacyCreateCampaignOperator-message_id or message_split": (
        lambda: ops.ActiveCampaignLegacyCreateCampaignOperator(task_id="t", name="N",
                                                               list_ids=[1]), "message_id or message_split"),
    "LegacyListCampaignsOperator-created_since": (
        lambda: ops.ActiveCampaignLegacyListCampaignsOperator(task_id="t",
                                                              created_since="last tuesday"), "created_since"),
    "GetCampaignOperator-campaign_id": (
        lambda: ops.ActiveCampaignGetCampaignOperator(task_id="t", campaign_id="latest"), "campaign_id"),
    "DeleteCampaignOperator-campaign_id": (
        lambda: ops.ActiveCampaignDeleteCampaignOperator(task_id="t", campaign_id=None), "campaign_id"),
    "ListCampaignsOperator-order_by": (
        lambda: ops.ActiveCampaignListCampaignsOperator(task_id="t", order_by="name"), "order_by"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "LEG-08 unknown message": (
        lambda w: ops.ActiveCampaignLegacyCreateCampaignOperator(task_id="t", name="N", list_ids=1, message_id=999),
        None, 200, "Message 999 does not exist"),
    "CMP-01 unknown campaign": (
        lambda w: ops.ActiveCampaignGetCampaignOperator(task_id="t", campaign_id=999),
        None, 404, "No Result found for Campaign with id 999"),
    "CMP-02 unknown campaign": (
        lambda w: ops.ActiveCampaignDeleteCampaignOperator(task_id="t", campaign_id=999),
        None, 200, "Campaign not found"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignLegacyListCampaignsOperator,
    ops.ActiveCampaignListCampaignsOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


# -- legacy date/times: sent in the account's zone, which is how the legacy API reads them --

@pytest.mark.parametrize("send_date", [
    "2030-06-01T15:00:00Z",
    "2030-06-01T17:00:00+02:00",
    "2030-06-01 15:00:00",  # no offset: UTC, like every time the provider takes
    pendulum.datetime(2030, 6, 1, 15, tz="UTC"),
    pendulum.datetime(2030, 6, 1, 11, tz="America/New_York"),
])
def test_a_campaign_given_in_utc_is_scheduled_at_that_instant(w, send_date) -> None:
    """The defect: the UTC clock time went out without an offset and was read in the account's
    zone (America/Chicago), scheduling the campaign 5-6 hours late."""
    campaign = run(ops.ActiveCampaignLegacyCreateCampaignOperator(
        task_id="t", name="Summer", list_ids=[1], message_id=w.message, send_date=send_date))
    assert w.emu.requests[0].form["sdate"] == ["2030-06-01 10:00:00"]  # CDT, UTC-5 in June
    stored = w.emu.record("campaigns", str(campaign["id"]))["sdate"]
    assert pendulum.parse(stored) == pendulum.datetime(2030, 6, 1, 15, tz="UTC")


def test_a_day_alone_is_midnight_in_the_account_zone(w) -> None:
    run(ops.ActiveCampaignLegacyCreateCampaignOperator(task_id="t", name="Winter", list_ids=[1],
                                                      message_id=w.message, send_date="2030-01-15"))
    assert w.emu.requests[0].form["sdate"] == ["2030-01-15 00:00:00"]


def test_the_connection_timezone_extra_names_the_account_zone(w, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_AC_PARIS", emulator_connection(w.emu, timezone="Europe/Paris"))
    run(ops.ActiveCampaignLegacyCreateCampaignOperator(
        task_id="t", name="Été", list_ids=[1], message_id=w.message, send_date="2030-06-01T15:00:00Z",
        activecampaign_conn_id="ac_paris"))
    assert w.emu.requests[0].form["sdate"] == ["2030-06-01 17:00:00"]  # CEST, UTC+2


def test_campaign_list_windows_are_sent_in_the_account_zone(w) -> None:
    run(ops.ActiveCampaignLegacyListCampaignsOperator(task_id="t", created_since="2030-01-15T12:00:00Z"))
    assert w.emu.requests[0].query["filters[cdate_since_datetime]"] == ["2030-01-15 06:00:00"]  # CST, UTC-6


def test_an_unknown_timezone_extra_is_refused_naming_it(w, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_AC_MARS", emulator_connection(w.emu, timezone="Mars/Olympus_Mons"))
    op = ops.ActiveCampaignLegacyCreateCampaignOperator(task_id="t", name="X", list_ids=[1], message_id=w.message,
                                                        activecampaign_conn_id="ac_mars")
    with pytest.raises(ActiveCampaignConfigError, match="extra 'timezone' must be an IANA time zone") as caught:
        op.execute(context={})
    assert "'ac_mars'" in str(caught.value) and "Mars/Olympus_Mons" in str(caught.value)
    assert w.emu.requests == []
