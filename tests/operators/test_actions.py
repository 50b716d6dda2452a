"""The generic action operator: any catalogue call beyond create/get/update/delete/list, checked before it is sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airflow_provider_activecampaign.catalogue import ACTIONS
from airflow_provider_activecampaign.operators import ActiveCampaignActionOperator
from tests.operators import tables
from tests.operators.helpers import FORBIDDEN, ApiErrorCase, CallCase, by


def action(**kwargs: Any) -> ActiveCampaignActionOperator:
    return ActiveCampaignActionOperator(task_id="t", **kwargs)


HAPPY: dict[str, CallCase] = {
    "the reply key the catalogue names": (
        lambda w: action(action="user.me"),
        lambda emu, w, me: me["id"] and "username" in me),
    "a reply that is a list": (
        lambda w: action(action="webhook.events"),
        lambda emu, w, events: "deal_add" in events),
    "a body checked and wrapped in its envelope": (
        lambda w: action(action="contact.sync", body={"email": " ada@example.com ", "firstName": "Augusta"}),
        lambda emu, w, contact: (contact["email"] == "ada@example.com" and contact["firstName"] == "Augusta"
                                 and contact["id"] == w["ada"]
                                 and [r.json for r in emu.requests if r.method == "POST"]
                                 == [{"contact": {"email": "ada@example.com", "firstName": "Augusta"}}])),
    "path parameters and a body": (
        lambda w: action(action="dealStage.moveDeals", path_params={"id": 1}, body={"stage": 2}),
        lambda emu, w, r: [q.path for q in emu.requests] == ["/api/3/dealStages/1/deals"]),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "unknown action": (lambda: action(action="deal.teleport"), "action"),
    "path id not an id": (
        lambda: action(action="dealStage.moveDeals", path_params={"id": "x"}, body={"stage": 2}), "path_params.id"),
    "unknown placeholder": (
        lambda: action(action="dealStage.moveDeals", path_params={"id": 1, "other": 2}, body={"stage": 2}),
        "path_params.other"),
    "body field not an id": (
        lambda: action(action="dealStage.moveDeals", path_params={"id": 1}, body={"stage": "two"}), "body.stage"),
    "unknown body field": (
        lambda: action(action="dealStage.moveDeals", path_params={"id": 1}, body={"stage": 2, "owner": 1}),
        "body.owner"),
    "required query parameter missing": (lambda: action(action="contact.bulkImportInfo"), "query.batch_id"),
    "unknown query parameter": (
        lambda: action(action="contact.bulkImportInfo", query={"batch": "1"}), "query.batch"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "unknown stage": (
        lambda w: action(action="dealStage.moveDeals", path_params={"id": 999}, body={"stage": 1}),
        None, 404, "No Result found for DealStage with id 999"),
    "no permission": (lambda w: action(action="user.me"), FORBIDDEN, 403, "You do not have permission"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_a_synced_contact_is_the_one_with_that_e_mail(emulator, world) -> None:
    action(action="contact.sync", body={"email": "grace@example.com", "lastName": "Murray"}).execute(context={})
    assert [c["lastName"] for c in by(emulator, "contacts", email="grace@example.com")] == ["Murray"]


def test_every_action_names_its_chapter_resource() -> None:
    from airflow_provider_activecampaign.catalogue import RESOURCES

    owners = {name.split(".")[0] for name in ACTIONS}
    assert owners - set(RESOURCES) <= {"eventTracking", "siteTracking"}  # account settings, not resources
