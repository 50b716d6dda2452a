"""Tests of the pipelines operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreatePipelineOperator,
    ActiveCampaignCreateStageOperator,
    ActiveCampaignDeletePipelineOperator,
    ActiveCampaignDeleteStageOperator,
    ActiveCampaignListPipelinesOperator,
    ActiveCampaignListStagesOperator,
    ActiveCampaignUpdatePipelineOperator,
    ActiveCampaignUpdateStageOperator,
)
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    forbidden,
    missing,
)


@pytest.fixture
def world(crm_world: dict[str, str]) -> dict[str, str]:
    """The deals account (see the conftest's ``crm_world``)."""
    return crm_world


HAPPY: dict[str, CallCase] = {
    "PIP-01 create pipeline": (
        lambda w: ActiveCampaignCreatePipelineOperator(task_id="t", title="Renewals", currency="GBP",
                                                       all_users=False, auto_assign=2),
        lambda emu, w, pipeline: (emu.record("dealGroups", pipeline["id"])["currency"] == "gbp"
                                  and emu.record("dealGroups", pipeline["id"])["allusers"] == "0"
                                  and emu.record("dealGroups", pipeline["id"])["autoassign"] == "2"),
    ),
    "PIP-02 update pipeline": (
        lambda w: ActiveCampaignUpdatePipelineOperator(task_id="t", pipeline_id=w["pipeline"], title="Resellers"),
        lambda emu, w, pipeline: emu.record("dealGroups", w["pipeline"])["title"] == "Resellers",
    ),
    "PIP-03 delete pipeline": (
        lambda w: ActiveCampaignDeletePipelineOperator(task_id="t", pipeline_id=w["pipeline"]),
        lambda emu, w, result: emu.record("dealGroups", w["pipeline"]) is None,
    ),
    "PIP-04 list pipelines": (
        lambda w: ActiveCampaignListPipelinesOperator(task_id="t", order_by="title", order="DESC"),
        lambda emu, w, pipelines: [p["title"] for p in pipelines] == ["Sales", "Partners"],
    ),
    "STG-01 create stage": (
        lambda w: ActiveCampaignCreateStageOperator(task_id="t", title="Won back", pipeline_id=w["pipeline"],
                                                    color="aa00ff", width=300),
        lambda emu, w, stage: (emu.record("dealStages", stage["id"])["group"] == w["pipeline"]
                               and emu.record("dealStages", stage["id"])["color"] == "aa00ff"),
    ),
    "STG-02 update stage": (
        lambda w: ActiveCampaignUpdateStageOperator(task_id="t", stage_id=2, title="Talking"),
        lambda emu, w, stage: emu.record("dealStages", 2)["title"] == "Talking",
    ),
    "STG-03 delete stage": (
        lambda w: ActiveCampaignDeleteStageOperator(task_id="t", stage_id=w["other_stage"]),
        lambda emu, w, result: emu.record("dealStages", w["other_stage"]) is None,
    ),
    "STG-04 list stages": (
        lambda w: ActiveCampaignListStagesOperator(task_id="t", pipeline=1),
        lambda emu, w, stages: [s["id"] for s in stages] == ["1", "2", "3"],
    ),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "PIP-01": (lambda: ActiveCampaignCreatePipelineOperator(task_id="t", title="P", currency="xx"), "currency"),
    "PIP-02": (lambda: ActiveCampaignUpdatePipelineOperator(task_id="t", pipeline_id=1, auto_assign=5),
               "auto_assign"),
    "PIP-03": (lambda: ActiveCampaignDeletePipelineOperator(task_id="t", pipeline_id="-1"), "pipeline_id"),
    "PIP-04": (lambda: ActiveCampaignListPipelinesOperator(task_id="t", order_by="cdate"), "order_by"),
    "STG-01": (lambda: ActiveCampaignCreateStageOperator(task_id="t", title="S", pipeline_id=1, color="#fff"),
               "color"),
    "STG-02": (lambda: ActiveCampaignUpdateStageOperator(task_id="t", stage_id=1, width=0), "width"),
    "STG-03": (lambda: ActiveCampaignDeleteStageOperator(task_id="t", stage_id="1.5"), "stage_id"),
    "STG-04": (lambda: ActiveCampaignListStagesOperator(task_id="t", pipeline="sales"), "pipeline"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "PIP-01": forbidden("dealGroups", lambda w: ActiveCampaignCreatePipelineOperator(task_id="t", title="P",
                                                                                     currency="usd")),
    "PIP-02": missing("DealGroup", lambda w: ActiveCampaignUpdatePipelineOperator(task_id="t", pipeline_id=999,
                                                                                  title="P")),
    "PIP-03": missing("DealGroup", lambda w: ActiveCampaignDeletePipelineOperator(task_id="t", pipeline_id=999)),
    "PIP-04": forbidden("dealGroups", lambda w: ActiveCampaignListPipelinesOperator(task_id="t")),
    "STG-01": missing("DealGroup", lambda w: ActiveCampaignCreateStageOperator(task_id="t", title="S",
                                                                               pipeline_id=999)),
    "STG-02": missing("DealStage", lambda w: ActiveCampaignUpdateStageOperator(task_id="t", stage_id=999, title="S")),
    "STG-03": missing("DealStage", lambda w: ActiveCampaignDeleteStageOperator(task_id="t", stage_id=999)),
    "STG-04": forbidden("dealStages", lambda w: ActiveCampaignListStagesOperator(task_id="t")),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


