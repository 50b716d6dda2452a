"""Webhook deliveries: form posts for registered events and sources, failures recorded."""

from __future__ import annotations

import re
import time

import httpx

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.emulator.helpers import has

# --------------------------------------------------------------------------- webhooks


def test_webhooks_deliver_form_posts_for_their_events_and_sources(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client, receiver: tuple[str, list[dict]]) -> None:
    url, received = receiver
    emu = activecampaign_emulator
    bad = api.post("/webhooks", json={"webhook": {"name": "x", "url": url, "events": ["nope"], "sources": ["api"]}})
    assert bad.status_code == 422
    assert api.post("/webhooks", json={"webhook": {"name": "x", "url": url, "events": ["deal_add"],
                                                    "sources": []}}).status_code == 422
    hook = api.post("/webhooks", json={"webhook": {"name": "deals", "url": url, "events": ["deal_add", "subscribe"],
                                                    "sources": ["api"]}})
    assert hook.status_code == 201 and hook.json()["webhook"]["listid"] == "0"

    contact = api.post("/contacts", json={"contact": {"email": "hook@example.com"}}).json()["contact"]["id"]
    api.post("/deals", json={"deal": {"title": "Hooked", "value": 1250, "currency": "usd", "contact": contact,
                                      "stage": 1}})
    emu.insert("deals", title="From the UI", value=1, contact=contact, stage=1)  # source admin: not subscribed
    api.post("/contactLists", json={"contactList": {"contact": contact, "list": 1, "status": 1}})
    assert emu.wait_for_deliveries(2)
    time.sleep(0.1)
    assert [d["type"] for d in emu.deliveries] == ["deal_add", "subscribe"]
    assert all(d["status"] == 200 for d in emu.deliveries)
    deal_add, subscribe = (r["form"] for r in received)
    assert received[0]["content_type"] == "application/x-www-form-urlencoded"
    assert has({k: v[0] for k, v in deal_add.items()}, {
        "type": "deal_add", "initiated_from": "api", "deal[id]": "1", "deal[title]": "Hooked", "deal[value]": "12.50",
        "contact[id]": contact, "contact[email]": "hook@example.com"})
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00", deal_add["date_time"][0])
    assert (subscribe["type"], subscribe["list"], subscribe["contact[email]"]) == (
        ["subscribe"], ["1"], ["hook@example.com"])


def test_webhook_failures_are_recorded_not_retried(activecampaign_emulator: ActiveCampaignEmulator) -> None:
    emu = activecampaign_emulator
    emu.insert("webhooks", name="dead", url="http://127.0.0.1:9/hook", events=["update"], sources=["admin"])
    emu.insert("contacts", email="u@example.com")
    emu.modify("contacts", 1, firstName="U")
    assert emu.wait_for_deliveries(1)
    assert emu.deliveries[0]["type"] == "update" and "error" in emu.deliveries[0]
    assert not emu.wait_for_deliveries(2, timeout=0.2), "no retry"
