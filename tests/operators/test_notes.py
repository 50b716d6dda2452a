"""Tests of the notes operators, over real HTTP against the emulator."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignInputError,
)
from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateNoteOperator,
    ActiveCampaignDeleteNoteOperator,
)
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    Case,
    Failure,
    _classes,
    by,
    missing,
    refused,
    run,
)


@pytest.fixture
def world(crm_world) -> dict[str, str]:
    """The deals account (see conftest)."""
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


@pytest.mark.parametrize("case", HAPPY, ids=list(HAPPY))
def test_happy_path(case, emulator, world):
    make, check = HAPPY[case]
    result = run(make(world))
    assert check(emulator, world, result), result
    assert all(r.status < 400 for r in emulator.requests)


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_is_refused_before_any_request(case, emulator):
    make, field = BAD[case]
    error = refused(make, emulator)  # when the DAG is parsed, or when the task runs: no request either way
    assert error.field == field
    assert re.match(r"ActiveCampaign\w+Operator\(task_id='t'\): ", str(error))
    assert repr(field) in str(error)


@pytest.mark.parametrize("case", API_ERRORS, ids=list(API_ERRORS))
def test_api_error_carries_status_and_message(case, emulator, world):
    make, fault, status, words = API_ERRORS[case]
    if fault:
        emulator.inject_fault(**fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        make(world).execute(context={})
    assert caught.value.status == status
    assert f"HTTP {status}" in str(caught.value)
    assert words in str(caught.value)


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


@pytest.mark.parametrize("case", LEGACY_HAPPY.values(), ids=LEGACY_HAPPY.keys())
def test_legacy_happy_path(w, case: Case) -> None:
    result = run(case.make(w))
    assert case.check(w, result), result
    assert not w.emu.server_errors


@pytest.mark.parametrize(("operator", "kwargs", "field"), LEGACY_BAD_INPUT,
                         ids=[f"{op.__name__.removeprefix('ActiveCampaign')}-{f}" for op, _, f in LEGACY_BAD_INPUT])
def test_legacy_bad_input_is_refused_before_any_request(w, operator: type, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(operator(task_id="bad_input", **kwargs))
    assert caught.value.field == field
    assert f"{operator.__name__}(task_id='bad_input')" in str(caught.value)
    assert caught.value.expected in str(caught.value)
    assert w.emu.requests == []


@pytest.mark.parametrize("case", LEGACY_API_ERRORS.values(), ids=LEGACY_API_ERRORS.keys())
def test_legacy_api_error_reaches_the_exception(w, case: Failure) -> None:
    w.emu.insert("eventTrackingEvents", name="Signed up")
    if case.fault:
        w.emu.inject_fault(**case.fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        run(case.make(w))
    assert caught.value.status == case.status
    assert case.words in str(caught.value)
    assert f"HTTP {case.status}" in str(caught.value)


LEGACY_OPERATORS = [
    "ActiveCampaignLegacyAddContactNoteOperator",
]


def test_legacy_every_operator_of_the_module_is_in_every_table() -> None:
    section = {getattr(ops, name) for name in LEGACY_OPERATORS}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(LEGACY_HAPPY.values()),
              "BAD_INPUT": {op for op, _, _ in LEGACY_BAD_INPUT} | no_input,
              "API_ERRORS": _classes(LEGACY_API_ERRORS.values())}
    for table, classes in tables.items():
        assert section <= classes, (table, sorted(c.__name__ for c in section - classes))
