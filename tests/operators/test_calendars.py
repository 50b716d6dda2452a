"""Tests of the calendars operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignInputError,
)
from airflow_provider_activecampaign.operators import (
    ActiveCampaignDeleteCalendarFeedOperator,
    ActiveCampaignUpsertCalendarFeedOperator,
)
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    missing,
)


@pytest.fixture
def world(crm_world: dict[str, str]) -> dict[str, str]:
    """The deals account (see the conftest's ``crm_world``)."""
    return crm_world


HAPPY: dict[str, CallCase] = {
    "CAL-01 create calendar feed": (
        lambda w: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", title="All of it", feed_type="all",
                                                           notification=True),
        lambda emu, w, feed: (emu.record("calendars", feed["id"])["type"] == "All"
                              and emu.requests[0].json["calendar"]["notification"] is True),  # spec: boolean
    ),
    "CAL-01 update calendar feed": (
        lambda w: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id=w["calendar"],
                                                           feed_type="Contacts"),
        lambda emu, w, feed: (emu.record("calendars", w["calendar"])["type"] == "Contacts"
                              and emu.record("calendars", w["calendar"])["title"] == "Team deals"
                              and len(emu.records("calendars")) == 1),
    ),
    "CAL-02 delete calendar feed": (
        lambda w: ActiveCampaignDeleteCalendarFeedOperator(task_id="t", calendar_id=w["calendar"]),
        lambda emu, w, result: emu.records("calendars") == [],
    ),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "CAL-01": (lambda: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", title="C", feed_type="Tasks"),
               "feed_type"),
    "CAL-01 create needs title": (lambda: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", feed_type="All"),
                                  "title"),
    "CAL-02": (lambda: ActiveCampaignDeleteCalendarFeedOperator(task_id="t", calendar_id="cal"), "calendar_id"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "CAL-01": missing("Calendar", lambda w: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id=999,
                                                                                     title="x")),
    "CAL-02": missing("Calendar", lambda w: ActiveCampaignDeleteCalendarFeedOperator(task_id="t", calendar_id=999)),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


@pytest.mark.parametrize("rendered", ["None", "", " "])
def test_upsert_with_an_id_rendered_from_a_missing_xcom_is_refused(emulator, world, rendered):
    """A templated id that rendered as "None" (a missing XCom) is an error, not "create a second feed"."""
    op = ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id="{{ params.id }}", title="New")
    op.render_template_fields({"params": {"id": None if rendered == "None" else rendered}})
    assert op.record_id == rendered
    emulator.clear_requests()
    with pytest.raises(ActiveCampaignInputError, match="calendar_id") as caught:
        op.execute(context={})
    assert caught.value.field == "calendar_id"
    assert emulator.requests == []
    assert len(emulator.records("calendars")) == 1
