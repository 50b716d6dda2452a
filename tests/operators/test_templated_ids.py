"""Ids and bodies of the deal, task and calendar operators are rendered from templates (XCom) before
validation and the request, over real HTTP against the emulator."""

from __future__ import annotations

import pytest

from airflow_provider_activecampaign.operators import (
    ActiveCampaignMoveDealsToStageOperator,
    ActiveCampaignUpdateDealNoteOperator,
    ActiveCampaignUpsertCalendarFeedOperator,
    ActiveCampaignUpsertTaskOperator,
)
from tests.operators.helpers import (
    run,
)


@pytest.fixture
def world(crm_world: dict[str, str]) -> dict[str, str]:
    """The deals account (see the conftest's ``crm_world``)."""
    return crm_world


@pytest.mark.parametrize("case", ["move", "deal note", "upsert task", "calendar feed"])
def test_ids_and_bodies_are_templated(case, emulator, world):
    """Ids come from Jinja/XCom in DAGs: they are rendered before validation and the request."""
    ops = {
        "move": lambda: ActiveCampaignMoveDealsToStageOperator(task_id="t", stage_id="{{ params.a }}",
                                                               target_stage_id="{{ params.b }}"),
        "deal note": lambda: ActiveCampaignUpdateDealNoteOperator(task_id="t", deal_id="{{ params.a }}",
                                                                  note_id="{{ params.b }}", note="{{ params.c }}"),
        "upsert task": lambda: ActiveCampaignUpsertTaskOperator(task_id="t", deal_task_id="{{ params.b }}",
                                                                title="{{ params.c }}"),
        "calendar feed": lambda: ActiveCampaignUpsertCalendarFeedOperator(task_id="t", calendar_id="{{ params.b }}",
                                                                          title="{{ params.c }}"),
    }
    values = {"move": ("1", "2"), "deal note": (world["deal"], world["deal_note"]),
              "upsert task": (None, world["task"]), "calendar feed": (None, world["calendar"])}[case]
    op = ops[case]()
    op.render_template_fields({"params": {"a": values[0], "b": values[1], "c": "Rendered"}})
    run(op)
    changed = {"move": lambda: emulator.record("deals", world["deal"])["stage"] == "2",
               "deal note": lambda: emulator.record("notes", world["deal_note"])["note"] == "Rendered",
               "upsert task": lambda: emulator.record("dealTasks", world["task"])["title"] == "Rendered",
               "calendar feed": lambda: emulator.record("calendars", world["calendar"])["title"] == "Rendered"}
    assert changed[case]()
