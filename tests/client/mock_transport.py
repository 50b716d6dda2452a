"""A hook whose HTTP goes to an in-process handler (httpx.MockTransport): unit-level edge cases only."""

from __future__ import annotations

import httpx

from airflow_provider_activecampaign.client import ConnectionSettings, RequestCore
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook


def mock_hook(mocker, handler) -> ActiveCampaignHook:
    settings = ConnectionSettings(base_url="https://acme.api-us1.com", api_key="k", requests_per_second=0)
    hook = ActiveCampaignHook(retry_backoff=0.001)
    hook.__dict__["core"] = RequestCore(settings, backoff=0.001)
    hook.__dict__["client"] = httpx.Client(transport=httpx.MockTransport(handler), **{
        k: v for k, v in hook.core.client_options().items() if k != "limits"})
    mocker.patch("time.sleep")
    return hook

