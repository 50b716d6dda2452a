"""Tests of the notes operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateNoteOperator,
    ActiveCampaignDeleteNoteOperator,
)
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    by,
    missing,
)


@pytest.fixture
def world(crm_world: dict[str, str]) -> dict[str, str]:
    """The deals account (see the conftest's ``crm_world``)."""
    return crm_world


HAPPY: dict[str, CallCase] = {
    "NOT-01 create note": (
        lambda w: ActiveCampaignCreateNoteOperator(task_id="t", note="Prefers e-mail", object_type="subscriber",
                                                   object_id=w["contact"]),
        lambda emu, w, note: (emu.record("notes", note["id"])["reltype"] == "Subscriber"
                              and emu.record("notes", note["id"])["relid"] == w["contact"]),
    ),
    "NOT-02 delete note": (
        lambda w: ActiveCampaignDeleteNoteOperator(task_id="t", note_id=w["contact_note"]),
        lambda emu, w, result: emu.record("notes", w["contact_note"]) is None,
    ),
    "LEG-07 legacy contact note": (
        lambda w: ops.ActiveCampaignLegacyAddContactNoteOperator(task_id="t", contact_id=w["contact"], note="Called",
                                                                 list_id=1),
        lambda emu, w, r: by(emu, "notes", relid=w["contact"], note="Called", reltype="Subscriber")),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "NOT-01": (lambda: ActiveCampaignCreateNoteOperator(task_id="t", note="n", object_type="Task", object_id=1),
               "object_type"),
    "NOT-02": (lambda: ActiveCampaignDeleteNoteOperator(task_id="t", note_id="abc"), "note_id"),
    "LegacyAddContactNoteOperator-note": (
        lambda: ops.ActiveCampaignLegacyAddContactNoteOperator(task_id="t", contact_id=1, note=None,
                                                               list_id=1), "note"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "NOT-01": missing("Deal", lambda w: ActiveCampaignCreateNoteOperator(task_id="t", note="n", object_type="Deal",
                                                                         object_id=999)),
    "NOT-02": missing("Note", lambda w: ActiveCampaignDeleteNoteOperator(task_id="t", note_id=999)),
    "LEG-07 unknown contact": (
        lambda w: ops.ActiveCampaignLegacyAddContactNoteOperator(task_id="t", contact_id=999, note="n", list_id=1),
        None, 200, "Contact not found"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


