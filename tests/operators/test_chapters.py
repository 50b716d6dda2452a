"""Every chapter of ``airflow_provider_activecampaign/operators`` has its test module, and that module runs
the shared table tests, the completeness check among them."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from airflow_provider_activecampaign import operators as ops
from tests.operators import tables

#: the operators' base class: every operator builds on it, no DAG uses it alone
NOT_A_CHAPTER = {"base"}

CHAPTERS = sorted({getattr(ops, name).__module__.rpartition(".")[2] for name in ops.__all__
                   if name.endswith("Operator")} - NOT_A_CHAPTER)
SHARED = {f"test_{test.__name__}": test for test in (
    tables.happy_path, tables.bad_input_is_refused_before_any_request, tables.api_error_carries_status_and_message,
    tables.every_operator_of_the_chapter_is_in_every_table)}


def test_the_chapters_are_found() -> None:
    assert {"contacts", "deals", "export", "custom_objects", "ecommerce"} <= set(CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_module_binds_the_shared_table_tests(chapter: str) -> None:
    assert Path(__file__).with_name(f"test_{chapter}.py").exists(), f"tests/operators/test_{chapter}.py"
    module = importlib.import_module(f"tests.operators.test_{chapter}")
    assert {name: getattr(module, name, None) for name in SHARED} == SHARED
    assert all(isinstance(getattr(module, name), dict) and getattr(module, name) for name in tables.TABLES)
