"""Retries: which failures are retried, how long to wait, and which never are."""

from __future__ import annotations

import time

import httpx
import pytest

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignConnectionError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.client.mock_transport import mock_hook


class TestRetries:
    def test_429_waits_for_retry_after_then_succeeds(self, emulator):
        emulator.inject_fault(status=429, retry_after=1, path="/api/3/users/me")
        started = time.monotonic()
        assert ActiveCampaignHook().request("GET", "users/me")["user"]["id"] == "1"
        assert time.monotonic() - started >= 1.0
        assert [r.status for r in emulator.requests] == [429, 200]

    def test_5xx_is_retried_with_backoff_then_succeeds(self, emulator):
        emulator.inject_fault(status=503, count=2, path="/api/3/contacts")
        assert ActiveCampaignHook(retry_backoff=0.01).request("GET", "contacts")["contacts"] == []
        assert [r.status for r in emulator.requests] == [503, 503, 200]

    def test_retries_give_up_with_the_last_error(self, emulator):
        emulator.inject_fault(status=502, count=10, path="/api/3/contacts", body='{"message": "bad gateway"}')
        with pytest.raises(ActiveCampaignApiError, match="HTTP 502: bad gateway"):
            ActiveCampaignHook(retry_backoff=0.01, retries=2).request("GET", "contacts")
        assert len(emulator.requests) == 3

    def test_post_is_not_repeated_after_a_read_timeout(self, emulator):
        emulator.inject_fault(method="POST", path="/api/3/contacts", delay=2.0, after_processing=True)
        hook = ActiveCampaignHook(timeout=0.5, retry_backoff=0.01)
        with pytest.raises(ActiveCampaignConnectionError, match="may have been processed"):
            hook.request("POST", "contacts", json={"contact": {"email": "once@example.com"}})
        assert [c["email"] for c in emulator.records("contacts")] == ["once@example.com"]
        assert [r.method for r in emulator.requests] == ["POST"]

    def test_post_is_not_repeated_after_a_5xx(self, emulator):
        emulator.inject_fault(status=500, method="POST", path="/api/3/deals")
        with pytest.raises(ActiveCampaignApiError, match="HTTP 500"):
            ActiveCampaignHook(retry_backoff=0.01).request("POST", "deals", json={"deal": {"title": "x"}})
        assert len(emulator.requests) == 1

    def test_post_is_retried_after_429_because_it_was_not_processed(self, emulator):
        emulator.inject_fault(status=429, retry_after=0, method="POST", path="/api/3/contacts")
        ActiveCampaignHook().request("POST", "contacts", json={"contact": {"email": "after429@example.com"}})
        assert [r.status for r in emulator.requests] == [429, 201]
        assert len(emulator.records("contacts")) == 1

    def test_dropped_connection_on_get_is_retried(self, emulator):
        emulator.inject_fault(drop=True, path="/api/3/users/me")
        assert ActiveCampaignHook(retry_backoff=0.01).request("GET", "users/me")["user"]["id"] == "1"

    def test_post_is_retried_when_the_connection_was_refused(self, mocker):
        """Unit level: a refused connection means nothing reached the server."""
        calls = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request)
            if len(calls) == 1:
                raise httpx.ConnectError("Connection refused", request=request)
            return httpx.Response(201, json={"contact": {"id": "1"}})

        hook = mock_hook(mocker, handler)
        assert hook.request("POST", "contacts", json={"contact": {"email": "a@b.co"}}) == {"contact": {"id": "1"}}
        assert len(calls) == 2
