"""Tests of the webhooks operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from tests.operators import tables
from tests.operators.helpers import (
    HOOK_URL,
    ApiErrorCase,
    CallCase,
    by,
    no_permission,
    run,
)


@pytest.fixture
def world(w: SimpleNamespace) -> SimpleNamespace:
    """The marketing account (see the conftest's ``w``)."""
    return w


HAPPY: dict[str, CallCase] = {
    "create a webhook": (
        lambda w: ops.ActiveCampaignCreateWebhookOperator(task_id="t", name="Subs", url=HOOK_URL,
                                                          events=["subscribe", "Unsubscribe"]),
        lambda emu, w, r: (lambda h: h["events"] == ["subscribe", "unsubscribe"]
                           and sorted(h["sources"]) == ["admin", "api", "public", "system"])(
                 by(emu, "webhooks", name="Subs")[0])),
    "get a webhook": (
        lambda w: ops.ActiveCampaignGetWebhookOperator(task_id="t", webhook_id=w.webhook),
        lambda emu, w, r: r["name"] == "Deals"),
    "update a webhook": (
        lambda w: ops.ActiveCampaignUpdateWebhookOperator(task_id="t", webhook_id=w.webhook,
                                                          events=["deal_add", "deal_update"]),
        lambda emu, w, r: emu.record("webhooks", w.webhook)["events"] == ["deal_add", "deal_update"]),
    "delete a webhook": (
        lambda w: ops.ActiveCampaignDeleteWebhookOperator(task_id="t", webhook_id=w.webhook),
        lambda emu, w, r: emu.records("webhooks") == []),
    "list webhooks": (
        lambda w: ops.ActiveCampaignListWebhooksOperator(task_id="t", url=HOOK_URL),
        lambda emu, w, r: [h["id"] for h in r] == [w.webhook]),
    "list webhook events": (
        lambda w: ops.ActiveCampaignListWebhookEventsOperator(task_id="t"),
        lambda emu, w, r: "deal_add" in r and "subscribe" in r),
    "W-06 ensure creates a missing webhook": (
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Airflow subs", url=HOOK_URL + "/subs",
                                                          events=["subscribe"], sources=["public"]),
        lambda emu, w, r: len(emu.records("webhooks")) == 2 and by(emu, "webhooks", name="Airflow subs")),
    "W-06 ensure leaves an up-to-date webhook alone": (
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Deals", url=HOOK_URL,
                                                          events=["deal_add"], sources=["api"]),
        lambda emu, w, r: r["id"] == w.webhook and [q.method for q in emu.requests] == ["GET", "GET"]),
    "W-06 ensure updates a changed webhook, never a second one": (
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Deals", url=HOOK_URL + "/v2",
                                                          events=["deal_update", "deal_add"]),
        lambda emu, w, r: (lambda hooks: len(hooks) == 1 and hooks[0]["url"] == HOOK_URL + "/v2"
                           and sorted(hooks[0]["events"]) == ["deal_add", "deal_update"]
                           and len(hooks[0]["sources"]) == 4)(emu.records("webhooks"))),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "CreateWebhookOperator-events": (
        lambda: ops.ActiveCampaignCreateWebhookOperator(task_id="t", name="H", url=HOOK_URL,
                                                        events=["deal_add", "dael_upd"]), "events"),
    "GetWebhookOperator-webhook_id": (
        lambda: ops.ActiveCampaignGetWebhookOperator(task_id="t", webhook_id="abc"), "webhook_id"),
    "UpdateWebhookOperator-sources": (
        lambda: ops.ActiveCampaignUpdateWebhookOperator(task_id="t", webhook_id=1, sources=["cron"]), "sources"),
    "DeleteWebhookOperator-webhook_id": (
        lambda: ops.ActiveCampaignDeleteWebhookOperator(task_id="t", webhook_id=0), "webhook_id"),
    "ListWebhooksOperator-list_id": (
        lambda: ops.ActiveCampaignListWebhooksOperator(task_id="t", list_id="first"), "list_id"),
    "EnsureWebhookOperator-name": (
        lambda: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Airflow: deals", url=HOOK_URL,
                                                        events=["deal_add"]), "name"),
    "EnsureWebhookOperator-url": (
        lambda: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="A", url="ftp://x",
                                                        events=["deal_add"]), "url"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "create webhook refused": (
        lambda w: ops.ActiveCampaignCreateWebhookOperator(task_id="t", name="H", url=HOOK_URL, events=["open"]),
        {"status": 422, "body": '{"errors": [{"title": "URL must use port 443"}]}'}, 422, "URL must use port 443"),
    "get unknown webhook": (
        lambda w: ops.ActiveCampaignGetWebhookOperator(task_id="t", webhook_id=999),
        None, 404, "Webhook"),
    "update unknown webhook": (
        lambda w: ops.ActiveCampaignUpdateWebhookOperator(task_id="t", webhook_id=999, name="N"),
        None, 404, "Webhook"),
    "delete unknown webhook": (
        lambda w: ops.ActiveCampaignDeleteWebhookOperator(task_id="t", webhook_id=999),
        None, 404, "Webhook"),
    "W-06 ensure: create refused": (
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="New one", url=HOOK_URL + "/new",
                                                          events=["open"]),
        {"status": 422, "method": "POST", "body": '{"errors": [{"title": "URL must use port 443"}]}'},
        422, "URL must use port 443"),
}


NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListWebhooksOperator,
    ops.ActiveCampaignListWebhookEventsOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
#: (table, operator) -> why the operator has no row there
NOT_IN_TABLE = {("BAD", "ActiveCampaignListWebhookEventsOperator"): "it takes no arguments: nothing to get wrong"}
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_ensure_webhook_is_idempotent(w) -> None:
    make = lambda: ops.ActiveCampaignEnsureWebhookOperator(  # noqa: E731
        task_id="t", name="Airflow contacts", url=HOOK_URL + "/contacts", events=["subscribe", "update"])
    first, second = run(make()), run(make())
    assert first["id"] == second["id"]
    assert len(by(w.emu, "webhooks", name="Airflow contacts")) == 1
    assert [q.method for q in w.emu.requests].count("POST") == 1


def test_ensure_webhook_never_takes_over_another_webhook_with_the_same_url(w) -> None:
    """Another DAG's set-up task, another name, the same receiver URL: an error naming both, nothing changed."""
    from airflow_provider_activecampaign.exceptions import ActiveCampaignError

    before = [dict(h) for h in w.emu.records("webhooks")]
    op = ops.ActiveCampaignEnsureWebhookOperator(task_id="other_setup", name="Other DAG", url=HOOK_URL,
                                                 events=["subscribe"])
    with pytest.raises(ActiveCampaignError) as raised:
        run(op)
    message = str(raised.value)
    assert "'Other DAG'" in message and "'Deals'" in message and "other_setup" in message
    assert [dict(h) for h in w.emu.records("webhooks")] == before
    assert {q.method for q in w.emu.requests} == {"GET"}


def test_ensure_webhook_matches_by_name_and_moves_its_own_webhook_to_a_new_url(w) -> None:
    op = ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Deals", url=HOOK_URL + "/moved",
                                                 events=["deal_add"], sources=["api"])
    assert run(op)["id"] == w.webhook
    assert [h["url"] for h in w.emu.records("webhooks")] == [HOOK_URL + "/moved"]
