"""The table-driven tests every chapter module runs, written once.

A chapter module (``test_accounts.py``, ``test_tags.py``, ...) holds only its tables and binds the tests it
wants by name, for instance ``test_happy_path = tables.happy_path``; pytest collects them there, and
``pytest_generate_tests`` (in this folder's conftest) parametrizes each with the tables of the module it runs
in, one test per row, the row's key (or its operator and field) as the id. A test bound under a
``test_legacy_*`` name reads the module's ``LEGACY_*`` tables instead (``LEGACY_HAPPY``, ...).

Two families, one per table style (each with the check that every operator of the chapter has a row in
every table: :func:`every_operator_of_the_module_is_in_every_table`,
:func:`call_every_operator_of_the_chapter_is_in_every_table`):

- over the fixture ``w`` (``Case``/``Failure`` rows): ``HAPPY``, ``BAD_INPUT`` triples, ``API_ERRORS``
  and ``OPERATORS``: :func:`happy_path`, :func:`bad_input_is_refused_before_any_request`,
  :func:`api_error_reaches_the_exception`, :func:`every_operator_of_the_module_is_in_every_table`;
- over the fixtures ``emulator`` and ``world`` (tuple rows): ``HAPPY`` (``CallCase``), ``BAD`` and
  ``API_ERRORS`` (``ApiErrorCase``): :func:`call_happy_path`, :func:`call_bad_input_is_refused_before_any_request`,
  :func:`call_api_error_carries_status_and_message`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError, ActiveCampaignInputError
from tests.conftest import CANARY_KEY
from tests.operators.helpers import Case, Failure, _classes, refused, run

#: (argument names, rows, ids) of a shared test, from the chapter module and the name it is bound to there
Rows = Callable[[ModuleType, str], tuple[Any, list[Any], list[str]]]


def table(module: ModuleType, test_name: str, name: str) -> Any:
    """The chapter module's table ``name``; for a test bound as ``test_legacy_*``, its ``LEGACY_<name>``."""
    prefix = "LEGACY_" if test_name.startswith("test_legacy_") else ""
    return getattr(module, prefix + name)


def _by_key(name: str) -> Rows:
    """A table of named rows: one test a row, the name its id."""
    def rows(module: ModuleType, test_name: str) -> tuple[Any, list[Any], list[str]]:
        cases = table(module, test_name, name)
        return "case", list(cases.values()), list(cases)
    return rows


def _bad_input(module: ModuleType, test_name: str) -> tuple[Any, list[Any], list[str]]:
    """``BAD_INPUT``: (operator, kwargs, field) triples, the operator and the field their id."""
    bad = table(module, test_name, "BAD_INPUT")
    return ("operator", "kwargs", "field"), bad, [f"{op.__name__.removeprefix('ActiveCampaign')}-{f}"
                                                  for op, _, f in bad]


def _rows(rows: Rows) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a shared test as parametrized by the rows of the module it runs in (see the conftest hook)."""
    def mark(test: Callable[..., Any]) -> Callable[..., Any]:
        test.table_rows = rows  # type: ignore[attr-defined]
        return test
    return mark


# -- over the fixture ``w``: Case / Failure rows --

@_rows(_by_key("HAPPY"))
def happy_path(w, case: Case) -> None:
    result = run(case.make(w))
    assert case.check(w, result), result
    assert not w.emu.server_errors


@_rows(_bad_input)
def bad_input_is_refused_before_any_request(w, operator: type, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(operator(task_id="bad_input", **kwargs))
    assert caught.value.field == field
    assert f"{operator.__name__}(task_id='bad_input')" in str(caught.value)
    assert caught.value.expected in str(caught.value)
    assert w.emu.requests == []


@_rows(_by_key("API_ERRORS"))
def api_error_reaches_the_exception(w, case: Failure) -> None:
    w.emu.insert("eventTrackingEvents", name="Signed up")
    if case.fault:
        w.emu.inject_fault(**case.fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        run(case.make(w))
    assert caught.value.status == case.status
    assert case.words in str(caught.value)
    assert f"HTTP {case.status}" in str(caught.value)


def every_operator_of_the_module_is_in_every_table(request: pytest.FixtureRequest) -> None:
    def read(name: str) -> Any:
        return table(request.module, request.node.originalname, name)
    section = {getattr(ops, name) for name in read("OPERATORS")}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(read("HAPPY").values()),
              "BAD_INPUT": {op for op, _, _ in read("BAD_INPUT")} | no_input,
              "API_ERRORS": _classes(read("API_ERRORS").values())}
    for name, classes in tables.items():
        assert section <= classes, (name, sorted(c.__name__ for c in section - classes))


# -- over the fixtures ``emulator`` and ``world``: tuple rows --

@_rows(_by_key("HAPPY"))
def call_happy_path(case, emulator, world) -> None:
    make, check = case
    result = run(make(world))
    assert check(emulator, world, result), result
    assert emulator.requests and all(r.status < 400 for r in emulator.requests)


@_rows(_by_key("BAD"))
def call_bad_input_is_refused_before_any_request(case, emulator) -> None:
    make, field = case
    error = refused(make, emulator)  # when the DAG is parsed, or when the task runs: no request either way
    assert error.field == field
    assert re.match(r"ActiveCampaign\w+Operator\(task_id='t'\): ", str(error))
    assert repr(field) in str(error)


@_rows(_by_key("API_ERRORS"))
def call_api_error_carries_status_and_message(case, emulator, world) -> None:
    make, fault, status, words = case
    if fault:
        emulator.inject_fault(**fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        make(world).execute(context={})
    assert caught.value.status == status
    assert f"HTTP {status}" in str(caught.value)
    assert words in str(caught.value)
    assert CANARY_KEY not in str(caught.value) and CANARY_KEY not in repr(caught.value.args)


def _made_class(make: Callable[[], Any]) -> str:
    """The class a ``BAD`` row builds: constructed, or named by the input error it raises when the DAG is parsed."""
    try:
        return type(make()).__name__
    except ActiveCampaignInputError as error:
        return str(error.where or "").partition("(")[0]


def chapter_operators(module: ModuleType, legacy: bool = False) -> set[str]:
    """The operators the chapter's module defines (``test_calendars`` -> ``operators/calendars.py``), exported."""
    chapter = module.__name__.rpartition(".")[2].removeprefix("test_")
    return {name for name in ops.__all__ if name.endswith("Operator")
            and getattr(ops, name).__module__.endswith(f".operators.{chapter}")
            and ("Legacy" in name) == legacy}


def call_every_operator_of_the_chapter_is_in_every_table(request: pytest.FixtureRequest, world) -> None:
    """Each operator the chapter's module defines has a happy row, a bad-input row and an API-error row."""
    module = request.module
    tables = {"HAPPY": {type(make(world)).__name__ for make, _ in module.HAPPY.values()},
              "BAD": {_made_class(make) for make, _ in module.BAD.values()},
              "API_ERRORS": {type(case[0](world)).__name__ for case in module.API_ERRORS.values()}}
    exempt = set(getattr(module, "NOT_IN_EVERY_TABLE", {}))
    for name, classes in tables.items():
        missing = chapter_operators(module) - classes - exempt
        assert not missing, (name, sorted(missing))
