"""Every listable catalogue resource is an export stream (nested ones with their parent's id)."""

from __future__ import annotations

import pytest

from airflow_provider_activecampaign.catalogue import LIST, RESOURCES
from airflow_provider_activecampaign.operators.export import ActiveCampaignIncrementalExportOperator

LISTABLE = sorted(name for name, spec in RESOURCES.items() if LIST in spec.operations)


def test_there_are_many_streams() -> None:
    assert len(LISTABLE) >= 55


@pytest.mark.parametrize("name", LISTABLE)
def test_each_listable_resource_makes_an_export(name: str) -> None:
    spec = RESOURCES[name]
    parent_id = "7" if spec.parent else None
    op = ActiveCampaignIncrementalExportOperator(task_id="export", resource=name, output_path="/tmp/x.jsonl",
                                                 state_path="/tmp/x.json", parent_id=parent_id)
    assert op.spec() is spec
    path = spec.collection_path(parent_id)
    assert "{" not in path and (parent_id is None or "/7/" in f"{path}/")
