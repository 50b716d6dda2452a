"""The generic operators on a record's sub-collection (``parent=``, ``parent_id=``), over the emulator."""

from __future__ import annotations

import pytest

from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.operators import ActiveCampaignListOperator
from tests.operators.helpers import refused, run


def test_a_contacts_deals_are_listed_under_the_contact(emulator) -> None:
    ada = emulator.insert("contacts", email="ada@example.com")
    bob = emulator.insert("contacts", email="bob@example.com")
    emulator.insert("deals", title="Ada's", contact=ada["id"], value=1, currency="usd", group="1", stage="1")
    emulator.insert("deals", title="Bob's", contact=bob["id"], value=1, currency="usd", group="1", stage="1")
    deals = run(ActiveCampaignListOperator(task_id="t", resource="deal", parent="contact", parent_id=ada["id"]))
    assert [d["title"] for d in deals] == ["Ada's"]
    assert emulator.requests[-1].path.endswith(f"/contacts/{ada['id']}/deals")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"resource": "deal", "parent": "contact"}, "parent_id"),
    ({"resource": "deal", "parent": "contact", "parent_id": "x"}, "parent_id"),
    ({"resource": "calendar", "parent": "contact", "parent_id": 1}, "parent"),
    ({"resource": "deal", "parent": "contact", "parent_id": 1, "filters": {"title": "x"}}, "filters"),
    ({"resource": "customObjectRecord"}, "parent_id"),
])
def test_a_sub_collection_needs_its_parent(emulator, kwargs: dict, field: str) -> None:
    error = refused(lambda: ActiveCampaignListOperator(task_id="t", **kwargs), emulator)
    assert isinstance(error, ActiveCampaignInputError) and error.field == field
