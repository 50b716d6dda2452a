"""The hooks' ``transport=`` seam: users' tests answer with ``httpx.MockTransport`` instead of the network,
and the hook still limits, retries and reads replies as it does against ActiveCampaign."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from airflow_provider_activecampaign.exceptions import ActiveCampaignNotFoundError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook, Reply

CONNECTION = json.dumps({"conn_type": "activecampaign", "host": "https://acme.api-us1.com", "password": "k-123",
                         "extra": {"requests_per_second": 0, "retries": 2}})


@pytest.fixture(autouse=True)
def _connection(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", CONNECTION)


def answer(request: httpx.Request) -> httpx.Response:
    assert request.headers["Api-Token"] == "k-123"
    if request.method == "POST" and request.url.path == "/api/3/tags":
        return httpx.Response(201, json={"tag": {"id": "9", **json.loads(request.content)["tag"]}})
    if request.url.path == "/api/3/tags/9":
        return httpx.Response(200, json={"tag": {"id": "9", "tag": "vip"}})
    return httpx.Response(404, json={"message": "No Result found for Tag with id 1"})


def test_the_sync_hook_sends_through_the_given_transport_and_returns_status_and_body() -> None:
    with ActiveCampaignHook(transport=httpx.MockTransport(answer), retry_backoff=0.001) as hook:
        created = hook.request_reply("POST", "tags", json={"tag": {"tag": "vip"}})
        assert created == Reply(201, {"tag": {"id": "9", "tag": "vip"}})
        assert hook.request("GET", "tags/9") == {"tag": {"id": "9", "tag": "vip"}}
        with pytest.raises(ActiveCampaignNotFoundError, match="No Result found"):
            hook.request("GET", "tags/1")


def test_the_async_hook_sends_through_the_given_transport() -> None:
    async def run() -> tuple[object, object]:
        async with ActiveCampaignAsyncHook(transport=httpx.MockTransport(answer), retry_backoff=0.001) as hook:
            found = await hook.request("GET", "tags/9")
            sibling = hook.sibling()
            try:
                again = await sibling.request("GET", "tags/9")
            finally:
                await sibling.aclose()
            return found, again

    found, again = asyncio.run(run())
    assert found == again == {"tag": {"id": "9", "tag": "vip"}}
