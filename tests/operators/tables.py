"""The table-driven tests every chapter module runs, written once.

A chapter module (``test_<chapter>.py`` for ``operators/<chapter>.py``) holds its account and its
tables, and binds the four shared tests by name, for instance ``test_happy_path = tables.happy_path``;
pytest collects them there, and ``pytest_generate_tests`` (in this folder's conftest) parametrizes each
with the tables of the module it runs in, one test per row, the row's key as its id.

The tables, each a dict from a row's name to the row:

- ``HAPPY`` (``CallCase``): make the operator from ``world``, then ``check(emulator, world, result)``;
- ``BAD`` (make the operator, the field the input error names): refused before any request;
- ``API_ERRORS`` (``ApiErrorCase``): make the operator, the emulator fault to inject first (or None),
  the HTTP status and ActiveCampaign's words that reach the exception.

``world`` is the account the rows run against: the conftest's small account, unless the module
overrides the fixture (``crm_world`` for the deals chapters, ``w`` for the marketing chapters).

:func:`every_operator_of_the_chapter_is_in_every_table` checks that every operator the chapter's
module defines has a row in each table; an operator that cannot have one is listed in the module's
``NOT_IN_TABLE`` (``{(table, operator name): reason}``).
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
from tests.operators.helpers import refused, run

#: (argument names, rows, ids) of a shared test, from the chapter module it runs in
Rows = Callable[[ModuleType], tuple[Any, list[Any], list[str]]]

#: the tables every chapter module holds
TABLES = ("HAPPY", "BAD", "API_ERRORS")


def _by_key(name: str) -> Rows:
    """A table of named rows: one test a row, the name its id."""
    def rows(module: ModuleType) -> tuple[Any, list[Any], list[str]]:
        cases = getattr(module, name)
        return "case", list(cases.values()), list(cases)
    return rows


def _rows(rows: Rows) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a shared test as parametrized by the rows of the module it runs in (see the conftest hook)."""
    def mark(test: Callable[..., Any]) -> Callable[..., Any]:
        test.table_rows = rows  # type: ignore[attr-defined]
        return test
    return mark


@_rows(_by_key("HAPPY"))
def happy_path(case, emulator, world) -> None:
    make, check = case
    result = run(make(world))
    assert check(emulator, world, result), result
    assert emulator.requests and all(r.status < 400 for r in emulator.requests)
    assert not emulator.server_errors


@_rows(_by_key("BAD"))
def bad_input_is_refused_before_any_request(case, emulator) -> None:
    make, field = case
    error = refused(make, emulator)  # when the DAG is parsed, or when the task runs: no request either way
    assert error.field == field
    assert re.match(r"ActiveCampaign\w+Operator\(task_id='t'\): ", str(error))
    assert repr(field) in str(error)
    assert error.expected in str(error)


@_rows(_by_key("API_ERRORS"))
def api_error_carries_status_and_message(case, emulator, world) -> None:
    make, fault, status, words = case
    if fault:
        emulator.inject_fault(**fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        run(make(world))
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


def chapter_operators(module: ModuleType) -> set[str]:
    """The operators the chapter's module defines (``test_calendars`` -> ``operators/calendars.py``), exported."""
    chapter = module.__name__.rpartition(".")[2].removeprefix("test_")
    return {name for name in ops.__all__ if name.endswith("Operator")
            and getattr(ops, name).__module__.endswith(f".operators.{chapter}")}


def every_operator_of_the_chapter_is_in_every_table(request: pytest.FixtureRequest, world) -> None:
    """Each operator the chapter's module defines has a happy row, a bad-input row and an API-error row,
    or an exemption in ``NOT_IN_TABLE`` that gives its reason (and is still needed)."""
    module = request.module
    operators = chapter_operators(module)
    assert operators, f"{module.__name__} names no chapter of airflow_provider_activecampaign/operators"
    made = {"HAPPY": {type(make(world)).__name__ for make, _ in module.HAPPY.values()},
            "BAD": {_made_class(make) for make, _ in module.BAD.values()},
            "API_ERRORS": {type(case[0](world)).__name__ for case in module.API_ERRORS.values()}}
    exempt: dict[tuple[str, str], str] = getattr(module, "NOT_IN_TABLE", {})
    for (name, operator), reason in exempt.items():
        assert name in TABLES and operator in operators and reason.strip(), (name, operator, reason)
        assert operator not in made[name], f"{operator} has a {name} row now: drop its exemption"
    for name, classes in made.items():
        missing = operators - classes - {operator for table, operator in exempt if table == name}
        assert not missing, (name, sorted(missing))
