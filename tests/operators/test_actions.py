"""The generic action operator: any catalogue call beyond create/get/update/delete/list, checked before it is sent."""

from __future__ import annotations

import pytest

from airflow_provider_activecampaign.catalogue import ACTIONS
from airflow_provider_activecampaign.operators import ActiveCampaignActionOperator
from tests.operators.helpers import refused, run


def test_an_action_reads_the_reply_key_the_catalogue_names(emulator) -> None:
    me = run(ActiveCampaignActionOperator(task_id="me", action="user.me"))
    assert me["id"] and "username" in me
    events = run(ActiveCampaignActionOperator(task_id="events", action="webhook.events"))
    assert "deal_add" in events


def test_an_action_body_is_checked_and_wrapped_in_its_envelope(emulator) -> None:
    contact = run(ActiveCampaignActionOperator(task_id="sync", action="contact.sync",
                                               body={"email": " ada@example.com ", "firstName": "Ada"}))
    assert contact["email"] == "ada@example.com" and contact["firstName"] == "Ada"
    posted = [r for r in emulator.requests if r.method == "POST"]
    assert posted[-1].json == {"contact": {"email": "ada@example.com", "firstName": "Ada"}}


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"action": "deal.teleport"}, "action"),
    ({"action": "dealStage.moveDeals", "path_params": {"id": "x"}, "body": {"stage": 2}}, "path_params.id"),
    ({"action": "dealStage.moveDeals", "path_params": {"id": 1, "other": 2}, "body": {"stage": 2}},
     "path_params.other"),
    ({"action": "dealStage.moveDeals", "path_params": {"id": 1}, "body": {"stage": "two"}}, "body.stage"),
    ({"action": "dealStage.moveDeals", "path_params": {"id": 1}, "body": {"stage": 2, "owner": 1}}, "body.owner"),
    ({"action": "contact.bulkImportInfo"}, "query.batch_id"),
    ({"action": "contact.bulkImportInfo", "query": {"batch": "1"}}, "query.batch"),
])
def test_bad_input_is_refused_before_any_request(emulator, kwargs: dict, field: str) -> None:
    error = refused(lambda: ActiveCampaignActionOperator(task_id="bad", **kwargs), emulator)
    assert error.field == field
    assert "ActiveCampaignActionOperator(task_id='bad')" in str(error)


def test_every_action_names_its_chapter_resource() -> None:
    from airflow_provider_activecampaign.catalogue import RESOURCES

    owners = {name.split(".")[0] for name in ACTIONS}
    assert owners - set(RESOURCES) <= {"eventTracking", "siteTracking"}  # account settings, not resources
