"""Rendered arguments go out in the form the API takes, over real HTTP against the emulator:
booleans as true/false (v3) or 1/0 (legacy), whole numbers as numbers, dates as ISO 8601, custom
fields as the API's list; and a value the catalogue refuses never reaches it."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from airflow_provider_activecampaign import operators as ops
from tests.operators.helpers import run


def rendered(op, **params):
    """``op`` with its templates rendered from ``params`` (as a task does before executing)."""
    op.render_template_fields({"params": params})
    return op


@pytest.mark.parametrize(("text", "enabled"), [
    ("false", False), ("False", False), ("0", False), ("no", False), ("off", False),
    ("true", True), ("1", True), ("yes", True), ("ON", True),
])
def test_set_event_tracking_reads_a_rendered_boolean(emulator, text, enabled):
    """The defect: enabled="false" turned tracking on (a string was passed through as truthy)."""
    emulator.insert("eventTrackingEvents", name="warm up")  # any state; the PUT decides
    op = rendered(ops.ActiveCampaignSetEventTrackingOperator(task_id="t", enabled="{{ params.v }}"), v=text)
    assert run(op) == {"enabled": enabled}
    assert emulator.requests[-1].json == {"eventTracking": {"enabled": enabled}}


def test_set_event_tracking_false_literal_turns_it_off(emulator):
    run(ops.ActiveCampaignSetEventTrackingOperator(task_id="on", enabled=True))
    assert run(ops.ActiveCampaignSetEventTrackingOperator(task_id="off", enabled="false")) == {"enabled": False}
    assert emulator.requests[-1].json == {"eventTracking": {"enabled": False}}


def test_field_options_isdefault_is_always_0_or_1(emulator):
    """The defect: isdefault went out as null (not given) or as the text "false"."""
    field = emulator.insert("fields", title="Size", type="dropdown")
    emulator.clear_requests()
    run(ops.ActiveCampaignCreateFieldOptionsOperator(task_id="t", field_id=field["id"], options=[
        "S", {"value": "M", "isdefault": "false"}, {"value": "L", "isdefault": True}, {"value": "XL", "isdefault": "1"},
    ]))
    sent = emulator.requests[0].json["fieldOptions"]
    assert [(o["value"], o["isdefault"]) for o in sent] == [("S", 0), ("M", 0), ("L", 1), ("XL", 1)]


def test_templated_deal_value_and_percent_go_out_as_numbers(emulator, crm_world):
    """The defect: a templated deal value stayed a string where the API's schema says integer."""
    op = rendered(ops.ActiveCampaignCreateDealOperator(
        task_id="t", title="Order", value="{{ params.value }}", currency=" USD ", contact_id="{{ params.contact }}",
        pipeline_id="1", percent="{{ params.percent }}", status="{{ params.status }}"),
        value="45678", contact=crm_world["contact"], percent="10", status="won")
    deal = run(op)
    assert emulator.requests[0].json["deal"] == {
        "title": "Order", "value": 45678, "currency": "usd", "contact": crm_world["contact"], "group": "1",
        "percent": 10, "status": 1}
    assert emulator.record("deals", deal["id"])["value"] == "45678"


def test_legacy_campaign_flags_go_out_as_1_or_0(emulator, w):
    """The defect: legacy calls sent true/false where the legacy API takes 1/0."""
    op = rendered(ops.ActiveCampaignLegacyCreateCampaignOperator(
        task_id="t", name="Autumn", list_ids=[1], message_id=w.message, public="{{ params.public }}",
        track_reads="no", track_replies=True, tweet="false", facebook="on"), public="false")
    run(op)
    form = emulator.requests[0].form
    assert {key: form[key] for key in ("public", "trackreads", "trackreplies", "tweet", "facebook")} == {
        "public": ["0"], "trackreads": ["0"], "trackreplies": ["1"], "tweet": ["0"], "facebook": ["1"]}


def test_raw_legacy_call_sends_booleans_as_1_or_0(emulator, w):
    run(ops.ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_view",
                                                query={"id": w.ada, "full": True}))
    assert emulator.requests[0].query["full"] == ["1"]


def test_pipeline_flags_and_list_booleans(emulator):
    pipeline = run(ops.ActiveCampaignCreatePipelineOperator(task_id="p", title="Renewals", currency="eur",
                                                            all_groups="true", all_users="0"))
    assert emulator.requests[0].json["dealGroup"] == {"title": "Renewals", "currency": "eur", "allgroups": 1,
                                                      "allusers": 0}
    assert pipeline["title"] == "Renewals"
    emulator.clear_requests()
    run(ops.ActiveCampaignCreateListOperator(task_id="l", name="News Letter", sender_url="https://example.com",
                                             sender_reminder="You signed up", send_last_broadcast="no"))
    assert emulator.requests[0].json["list"]["send_last_broadcast"] is False
    assert emulator.requests[0].json["list"]["stringid"] == "news-letter"


def test_templated_list_name_derives_its_stringid_once_rendered(emulator):
    op = rendered(ops.ActiveCampaignCreateListOperator(task_id="l", name="{{ params.name }}",
                                                       sender_url="https://example.com", sender_reminder="Hi"),
                  name="Spring Sale 2030")
    run(op)
    assert emulator.requests[0].json["list"]["stringid"] == "spring-sale-2030"


@pytest.mark.parametrize(("due", "sent"), [
    ("2030-01-02", "2030-01-02"),
    (date(2030, 1, 2), "2030-01-02"),
    ("2030-01-02T10:00:00Z", "2030-01-02T10:00:00+00:00"),
    ("2030-01-02 10:00", "2030-01-02T10:00:00+00:00"),  # without an offset: UTC
    (datetime(2030, 1, 2, 10, 0, tzinfo=timezone.utc), "2030-01-02T10:00:00+00:00"),
    ("2030-01-02T04:00:00-06:00", "2030-01-02T04:00:00-06:00"),
])
def test_task_due_date_goes_out_as_iso_8601(emulator, crm_world, due, sent):
    run(ops.ActiveCampaignUpsertTaskOperator(task_id="t", owner_id=crm_world["deal"], task_type_id=1, due_date=due,
                                             title="Call"))
    assert emulator.requests[0].json["dealTask"]["duedate"] == sent


def test_ids_and_filters_are_converted(emulator, w):
    """" 7 " and 7 are the same id; a rendered status "1" is the number the filter takes."""
    op = rendered(ops.ActiveCampaignListContactsOperator(task_id="t", status="{{ params.status }}",
                                                         list_id=" 1 "), status="1")
    contacts = run(op)
    assert [c["id"] for c in contacts] == [w.ada]
    assert emulator.requests[0].query["status"] == ["1"]
    assert emulator.requests[0].query["listid"] == ["1"]


def test_an_upsert_with_a_real_id_updates_and_none_creates(emulator, crm_world):
    """Only None means "create"; an id (even rendered with spaces) updates that record."""
    op = rendered(ops.ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id="{{ params.id }}",
                                                               title="Renamed"), id=f" {crm_world['calendar']} ")
    run(op)
    assert emulator.record("calendars", crm_world["calendar"])["title"] == "Renamed"
    assert [r.method for r in emulator.requests] == ["PUT"]
    emulator.clear_requests()
    run(ops.ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id=None, title="New", feed_type="All"))
    assert [r.method for r in emulator.requests] == ["POST"]
