"""Tests of the notes operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateNoteOperator,
    ActiveCampaignDeleteNoteOperator,
)
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    Case,
    Failure,
    by,
    missing,
)

WORLD = "crm_world"  # the tests' ``world`` is the deals account (see conftest)


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
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "NOT-01": (lambda: ActiveCampaignCreateNoteOperator(task_id="t", note="n", object_type="Task", object_id=1),
               "object_type"),
    "NOT-02": (lambda: ActiveCampaignDeleteNoteOperator(task_id="t", note_id="abc"), "note_id"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "NOT-01": missing("Deal", lambda w: ActiveCampaignCreateNoteOperator(task_id="t", note="n", object_type="Deal",
                                                                         object_id=999)),
    "NOT-02": missing("Note", lambda w: ActiveCampaignDeleteNoteOperator(task_id="t", note_id=999)),
}


test_happy_path = tables.call_happy_path
test_bad_input_is_refused_before_any_request = tables.call_bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.call_api_error_carries_status_and_message


LEGACY_HAPPY: dict[str, Case] = {
    "LEG-07 legacy contact note": Case(
        lambda w: ops.ActiveCampaignLegacyAddContactNoteOperator(task_id="t", contact_id=w.ada, note="Called",
                                                                 list_id=1),
        lambda w, r: by(w.emu, "notes", relid=w.ada, note="Called", reltype="Subscriber")),
}


LEGACY_BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignLegacyAddContactNoteOperator, {"contact_id": 1, "note": None, "list_id": 1}, "note"),
]


LEGACY_API_ERRORS: dict[str, Failure] = {
    "LEG-07 unknown contact": Failure(
        lambda w: ops.ActiveCampaignLegacyAddContactNoteOperator(task_id="t", contact_id=999, note="n", list_id=1),
        200, "Contact not found"),
}


test_legacy_happy_path = tables.happy_path
test_legacy_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_legacy_api_error_reaches_the_exception = tables.api_error_reaches_the_exception


LEGACY_OPERATORS = [
    "ActiveCampaignLegacyAddContactNoteOperator",
]


test_legacy_every_operator_of_the_module_is_in_every_table = tables.every_operator_of_the_module_is_in_every_table
test_every_operator_of_the_chapter_is_in_every_table = tables.call_every_operator_of_the_chapter_is_in_every_table
