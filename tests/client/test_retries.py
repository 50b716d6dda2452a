"""Retries: which failures are retried, how long to wait, and which never are."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignAuthError,
    ActiveCampaignConnectionError,
    ActiveCampaignError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.client.mock_transport import mock_hook
from tests.conftest import emulator_connection


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


class TestWhatIsNeverRetried:
    """Permanent failures fail at once, with the host and connection named; a 403 is tried twice at most."""

    def test_a_403_is_retried_once_then_blames_the_key(self, emulator):
        emulator.inject_fault(status=403, count=5, path="/api/3/users/me", body='{"message": "Forbidden"}')
        with pytest.raises(ActiveCampaignAuthError, match="API key is the likely cause"):
            ActiveCampaignHook(retry_backoff=0.01).request("GET", "users/me")
        assert [r.status for r in emulator.requests] == [403, 403]

    def test_an_intermittent_403_is_survived(self, emulator):
        emulator.inject_fault(status=403, path="/api/3/users/me", body='{"message": "Forbidden"}')
        assert ActiveCampaignHook(retry_backoff=0.01).request("GET", "users/me")["user"]["id"] == "1"

    def test_a_401_is_not_retried(self, emulator):
        emulator.inject_fault(status=401, count=5, path="/api/3/users/me", body='{"message": "Unauthorized"}')
        with pytest.raises(ActiveCampaignAuthError):
            ActiveCampaignHook(retry_backoff=0.01).request("GET", "users/me")
        assert len(emulator.requests) == 1

    def test_tls_to_a_plain_http_server_fails_at_once_naming_tls(self, emulator, monkeypatch):
        conn = json.loads(emulator_connection(emulator))
        conn["host"] = emulator.url.replace("http://", "https://")
        monkeypatch.setenv("AIRFLOW_CONN_AC_TLS", json.dumps(conn))
        started = time.monotonic()
        with pytest.raises(ActiveCampaignConnectionError, match="TLS") as caught:
            ActiveCampaignHook("ac_tls", retry_backoff=0.5).request("GET", "users/me")
        assert time.monotonic() - started < 2  # no retries
        assert "connection 'ac_tls'" in str(caught.value)

    def test_a_dns_failure_is_not_retried(self, mocker):
        calls = []

        def handler(request):
            calls.append(request)
            raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

        with pytest.raises(ActiveCampaignConnectionError, match="does not resolve"):
            mock_hook(mocker, handler).request("GET", "users/me")
        assert len(calls) == 1

    @pytest.mark.parametrize("failure", [httpx.InvalidURL("bad"), UnicodeEncodeError("ascii", "é", 0, 1, "no")])
    def test_errors_outside_httpx_transport_become_provider_errors(self, mocker, failure):
        def handler(request):
            raise failure

        with pytest.raises(ActiveCampaignError):
            mock_hook(mocker, handler).request("GET", "users/me")

    def test_a_server_that_never_answers_fails_within_the_timeout(self, emulator):
        emulator.inject_fault(path="/api/3/contacts", delay=30, count=10)
        started = time.monotonic()
        with pytest.raises(ActiveCampaignConnectionError):
            ActiveCampaignHook(timeout=1.5, retry_backoff=0.01, retries=5).request("GET", "contacts")
        assert time.monotonic() - started < 4  # one deadline, not 6 attempts of 1.5 s
