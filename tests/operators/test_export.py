"""The incremental export's chapter tables, over HTTP against the emulator: a first export, inputs refused
before any request, the API's refusals. tests/operators/test_incremental_export.py follows runs over time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_activecampaign.operators import ActiveCampaignIncrementalExportOperator
from tests.operators import tables
from tests.operators.helpers import FORBIDDEN, ApiErrorCase, CallCase


@pytest.fixture
def world(world: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The conftest's account, and a folder for the exports and their state."""
    return {**world, "folder": str(tmp_path)}


def export(folder: str = "/nonexistent", **kwargs: Any) -> ActiveCampaignIncrementalExportOperator:
    """An export of ``kwargs["resource"]`` (contacts by default) to ``folder``."""
    kwargs.setdefault("resource", "contact")
    return ActiveCampaignIncrementalExportOperator(task_id="t", output_path=f"{folder}/out.jsonl",
                                                   state_path=f"{folder}/state.json", **kwargs)


def lines(path: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


HAPPY: dict[str, CallCase] = {
    "the first export has every record": (
        lambda w: export(w["folder"]),
        lambda emu, w, r: (sorted(c["email"] for c in lines(r["path"])) == ["ada@example.com", "grace@example.com"]
                           and r["since"] is None
                           and json.loads(Path(w["folder"], "state.json").read_text())["watermark"])),
    "a resource without server date filters": (
        lambda w: export(w["folder"], resource="tag"),
        lambda emu, w, r: [t["tag"] for t in lines(r["path"])] == ["customer"]),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "unknown resource": (lambda: export(resource="planet"), "resource"),
    "a window filter": (lambda: export(filters={"updated_after": "2026-01-01"}), "filters.updated_after"),
    "tombstones not yes or no": (lambda: export(tombstones="yes"), "tombstones"),
    "reconcile_interval": (lambda: export(tombstones=True, reconcile_interval=-1), "reconcile_interval"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "no permission": (lambda w: export(w["folder"]), FORBIDDEN, 403, "You do not have permission"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table
