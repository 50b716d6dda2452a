"""The hook, specified over real HTTP against the emulator (unit-level edge cases at the end)."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import httpx
import pytest

from airflow_provider_activecampaign.client import ConnectionSettings, Pager, RequestCore, account_url
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignAuthError,
    ActiveCampaignConfigError,
    ActiveCampaignConnectionError,
    ActiveCampaignNotFoundError,
    ActiveCampaignValidationError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook
from tests.conftest import CANARY_KEY, emulator_connection


def make_contacts(emulator, n: int) -> list[str]:
    return [emulator.insert("contacts", email=f"person{i}@example.com")["id"] for i in range(n)]


# --------------------------------------------------------------------------- connection


class TestConnection:
    @pytest.mark.parametrize(
        ("host", "schema", "expected"),
        [
            ("https://acme.api-us1.com", None, "https://acme.api-us1.com"),
            ("https://acme.api-us1.com/api/3/", None, "https://acme.api-us1.com"),
            ("acme", None, "https://acme.api-us1.com"),
            ("acme.api-us4.com", None, "https://acme.api-us4.com"),
            ("acme.api-us4.com", "https", "https://acme.api-us4.com"),
        ],
    )
    def test_host_forms_become_the_account_url(self, host, schema, expected):
        assert account_url(host, schema=schema) == expected

    def test_plain_http_is_refused_unless_allowed(self):
        with pytest.raises(ActiveCampaignConfigError, match="allow_http"):
            account_url("http://127.0.0.1:8765")
        assert account_url("http://127.0.0.1:8765", allow_http=True) == "http://127.0.0.1:8765"

    def test_missing_host_or_key_is_a_clear_error(self, monkeypatch):
        monkeypatch.setenv("AIRFLOW_CONN_AC_NOKEY", json.dumps({"conn_type": "activecampaign", "host": "acme"}))
        with pytest.raises(ActiveCampaignConfigError, match="no API key"):
            _ = ActiveCampaignHook("ac_nokey").core
        monkeypatch.setenv("AIRFLOW_CONN_AC_NOHOST", json.dumps({"conn_type": "activecampaign", "password": "k"}))
        with pytest.raises(ActiveCampaignConfigError, match="no host"):
            _ = ActiveCampaignHook("ac_nohost").core

    def test_extras_are_read_by_name_and_validated(self, monkeypatch):
        conn = {"conn_type": "activecampaign", "host": "acme", "password": "k",
                "extra": {"requests_per_second": "2", "timeout": 5, "retries": 1, "base_url": "https://evil"}}
        monkeypatch.setenv("AIRFLOW_CONN_AC_X", json.dumps(conn))
        settings = ActiveCampaignHook("ac_x").core.settings
        assert (settings.base_url, settings.requests_per_second, settings.timeout, settings.retries) == (
            "https://acme.api-us1.com", 2.0, 5.0, 1)
        conn["extra"] = {"timeout": "soon"}
        monkeypatch.setenv("AIRFLOW_CONN_AC_X", json.dumps(conn))
        with pytest.raises(ActiveCampaignConfigError, match="'timeout' must be a number"):
            _ = ActiveCampaignHook("ac_x").core

    def test_uri_form_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("AIRFLOW_CONN_AC_URI", "activecampaign://:secret@acme.api-us1.com?timeout=7")
        settings = ActiveCampaignHook("ac_uri").core.settings
        assert settings.base_url == "https://acme.api-us1.com"
        assert settings.timeout == 7.0

    def test_key_is_in_no_repr(self, emulator):
        hook = ActiveCampaignHook()
        for text in (repr(hook), repr(hook.core), repr(hook.core.settings)):
            assert CANARY_KEY not in text


# --------------------------------------------------------------------------- requests and errors


class TestRequests:
    def test_v3_request_sends_the_key_header_and_returns_json(self, emulator):
        me = ActiveCampaignHook().request("GET", "/users/me")
        assert me["user"]["id"] == "1"
        assert emulator.requests[-1].path == "/api/3/users/me"

    def test_wrong_key_is_an_auth_error_with_the_apis_message(self, emulator, monkeypatch):
        conn = json.loads(emulator_connection(emulator))
        conn["password"] = "not-the-key"
        monkeypatch.setenv("AIRFLOW_CONN_AC_BAD", json.dumps(conn))
        with pytest.raises(ActiveCampaignAuthError) as err:
            ActiveCampaignHook("ac_bad").request("GET", "contacts")
        assert err.value.status == 403
        assert "GET /api/3/contacts returned HTTP 403: Forbidden" in str(err.value)

    def test_404_message_is_surfaced(self, emulator):
        with pytest.raises(ActiveCampaignNotFoundError) as err:
            ActiveCampaignHook().request("GET", "contacts/999999")
        assert err.value.status == 404
        assert "No Result found" in str(err.value)

    def test_422_titles_and_field_pointer_are_surfaced(self, emulator):
        hook = ActiveCampaignHook()
        hook.request("POST", "contacts", json={"contact": {"email": "dup@example.com"}})
        with pytest.raises(ActiveCampaignValidationError) as err:
            hook.request("POST", "contacts", json={"contact": {"email": "dup@example.com"}})
        assert err.value.status == 422
        assert "(field email)" in str(err.value)
        assert err.value.errors and err.value.errors[0]["source"]["pointer"].endswith("/email")
        assert len(emulator.records("contacts")) == 1

    def test_text_plain_error_bodies_are_quoted(self, emulator):
        emulator.inject_fault(status=404, body="Not Found: no such route", content_type="text/plain")
        with pytest.raises(ActiveCampaignNotFoundError, match="Not Found: no such route"):
            ActiveCampaignHook().request("GET", "contacts")

    def test_legacy_call_puts_the_key_in_the_query_and_reads_result_code(self, emulator):
        hook = ActiveCampaignHook()
        added = hook.legacy("contact_add", data={"email": "legacy@example.com", "first_name": "Leg"})
        assert str(added["result_code"]) == "1"
        assert emulator.requests[-1].path == "/admin/api.php"
        with pytest.raises(ActiveCampaignApiError) as err:
            hook.legacy("contact_view", params={"id": 999999})
        assert err.value.status == 200  # a 200 that says it failed is still a failure

    def test_api_token_header_cannot_be_overridden_by_raw_headers(self, emulator):
        ActiveCampaignHook().request("GET", "users/me", headers={"Api-Token": "other", "X-Trace": "1"})
        assert emulator.requests[-1].status == 200


# --------------------------------------------------------------------------- retries


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

        hook = _mock_hook(mocker, handler)
        assert hook.request("POST", "contacts", json={"contact": {"email": "a@b.co"}}) == {"contact": {"id": "1"}}
        assert len(calls) == 2


# --------------------------------------------------------------------------- rate limit


class TestRateLimit:
    def test_client_side_limiter_keeps_a_well_behaved_dag_free_of_429(self, emulator, monkeypatch):
        emulator.rate_limit = 5
        monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT",
                           emulator_connection(emulator, requests_per_second=5, retries=0))
        hook = ActiveCampaignHook()
        hook.request("GET", "users/me")  # open the pooled connection first: connecting is not what is measured
        time.sleep(1)
        emulator.clear_requests()
        started = time.monotonic()
        for _ in range(8):
            hook.request("GET", "users/me")
        assert time.monotonic() - started >= 7 * 0.2 * 0.95
        assert {r.status for r in emulator.requests} == {200}

    def test_without_the_limiter_the_emulator_answers_429(self, emulator):
        emulator.rate_limit = 5
        statuses = []
        with httpx.Client(base_url=emulator.url, headers={"Api-Token": CANARY_KEY}) as client:
            statuses = [client.get("/api/3/users/me").status_code for _ in range(12)]
        assert 429 in statuses


# --------------------------------------------------------------------------- paging


class TestPaging:
    def test_pages_through_more_than_250_records_exactly_once(self, emulator):
        ids = make_contacts(emulator, 257)
        emulator.clear_requests()
        got = [c["id"] for c in ActiveCampaignHook().paginate("contacts", "contacts")]
        assert got == ids
        assert len(emulator.requests) == 3  # 100 + 100 + 57, stops exactly at the end

    def test_keyset_paging_sees_records_inserted_meanwhile_without_duplicates(self, emulator):
        ids = make_contacts(emulator, 250)
        seen = []
        for n, contact in enumerate(ActiveCampaignHook().paginate("contacts", "contacts", keyset=True)):
            seen.append(contact["id"])
            if n == 50:
                ids += make_contacts(emulator, 30)
        assert seen == ids
        assert emulator.requests[0].query["orders[id]"] == ["ASC"]

    def test_offset_paging_while_records_are_inserted_has_no_duplicates(self, emulator):
        ids = make_contacts(emulator, 230)
        seen = []
        for n, contact in enumerate(ActiveCampaignHook().paginate("contacts", "contacts")):
            seen.append(contact["id"])
            if n == 10:
                make_contacts(emulator, 5)
        assert len(seen) == len(set(seen))
        assert set(ids) <= set(seen)

    def test_limit_caps_the_records_and_the_requests(self, emulator):
        make_contacts(emulator, 150)
        emulator.clear_requests()
        got = list(ActiveCampaignHook().paginate("contacts", "contacts", limit=30))
        assert len(got) == 30
        assert emulator.requests[0].query["limit"] == ["30"]
        assert len(emulator.requests) == 1

    def test_meta_total_as_string_or_number_is_cast(self):
        for total in ("3", 3):
            pager = Pager("things", page_size=2)
            pager.next_params()
            pager.feed({"things": [{"id": "1"}, {"id": "2"}], "meta": {"total": total}})
            assert pager.total == 3
            params = pager.next_params()
            assert params["offset"] == 2
            pager.feed({"things": [{"id": "3"}], "meta": {"total": total}})
            assert pager.next_params() is None

    def test_keyset_total_counts_the_records_already_read(self, emulator):
        """With ``id_greater`` the API's meta.total is what is left, not the collection's size."""
        make_contacts(emulator, 250)
        pager = Pager("contacts", keyset=True)
        hook = ActiveCampaignHook()
        while (params := pager.next_params()) is not None:
            pager.feed(hook.request("GET", "contacts", params=params))
            assert pager.total == 250
        assert pager.count == 250 and pager.pages == 3

    def test_async_hook_pages_the_same_way(self, emulator):
        ids = make_contacts(emulator, 120)

        async def collect():
            async with ActiveCampaignAsyncHook() as hook:
                return [c["id"] async for c in hook.paginate("contacts", "contacts", keyset=True)]

        assert asyncio.run(collect()) == ids


# --------------------------------------------------------------------------- Test button and secrets


class TestConnectionTestAndSecrets:
    def test_test_connection_succeeds(self, emulator):
        ok, message = ActiveCampaignHook().test_connection()
        assert ok, message
        assert "Connected to ActiveCampaign" in message

    def test_test_connection_failure_gives_the_reason_without_the_key(self, emulator, monkeypatch):
        conn = json.loads(emulator_connection(emulator))
        conn["password"] = CANARY_KEY + "-wrong"
        monkeypatch.setenv("AIRFLOW_CONN_AC_BAD", json.dumps(conn))
        ok, message = ActiveCampaignHook("ac_bad").test_connection()
        assert not ok
        assert "403" in message and CANARY_KEY not in message

    def test_an_api_that_echoes_the_key_does_not_leak_it(self, emulator):
        emulator.inject_fault(status=400, body=json.dumps({"message": f"bad token {CANARY_KEY}"}))
        with pytest.raises(ActiveCampaignApiError) as err:
            ActiveCampaignHook().request("GET", "contacts")
        assert CANARY_KEY not in str(err.value)
        assert "bad token ***" in str(err.value)

    def test_legacy_urls_in_httpx_logs_are_redacted(self, emulator, caplog):
        caplog.set_level(logging.INFO, logger="httpx")  # httpx logs every request URL at INFO
        ActiveCampaignHook().legacy("contact_add", data={"email": "log@example.com"})
        httpx_lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
        assert httpx_lines and all("api_key=***" in line for line in httpx_lines if "api.php" in line)

    def test_webhook_tokens_in_httpx_logs_are_redacted(self, emulator, caplog):
        caplog.set_level(logging.INFO, logger="httpx")
        receiver = "https://airflow.example.com/activecampaign/webhooks/default?token=receiver-secret-42"
        ActiveCampaignHook().request("GET", "webhooks", params={"filters[url]": receiver})
        (line,) = [r.getMessage() for r in caplog.records if r.name == "httpx"]
        assert "receiver-secret-42" not in line and "token%3D***" in line

    def test_connection_error_text_has_no_key(self, emulator):
        emulator.inject_fault(drop=True, count=10)
        with pytest.raises(ActiveCampaignConnectionError) as err:
            ActiveCampaignHook(retries=0).legacy("contact_list", params={"ids": "all"})
        assert CANARY_KEY not in str(err.value) and "api_action=contact_list" in str(err.value)


# --------------------------------------------------------------------------- unit-level edge cases


def _mock_hook(mocker, handler) -> ActiveCampaignHook:
    settings = ConnectionSettings(base_url="https://acme.api-us1.com", api_key="k", requests_per_second=0)
    hook = ActiveCampaignHook(retry_backoff=0.001)
    hook.__dict__["core"] = RequestCore(settings, backoff=0.001)
    hook.__dict__["client"] = httpx.Client(transport=httpx.MockTransport(handler), **{
        k: v for k, v in hook.core.client_options().items() if k != "limits"})
    mocker.patch("time.sleep")
    return hook


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (httpx.Response(200, json={"succeeded": 0, "message": "Campaign not found"}), "Campaign not found"),
        (httpx.Response(200, json={"result_code": 0, "result_message": "Nothing"}), "Nothing"),
        (httpx.Response(404, json={"errors": [{"status": 404, "title": "Not Found"}]}), "Not Found"),
        (httpx.Response(422, json={"errors": [{"title": "Bad", "detail": "why"}]}), "Bad: why"),
        (httpx.Response(500, text=""), "Internal Server Error"),
    ],
)
def test_every_documented_failure_shape_becomes_a_readable_error(mocker, reply, message):
    hook = _mock_hook(mocker, lambda request: reply)
    with pytest.raises(ActiveCampaignApiError, match=message):
        hook.request("POST", "campaigns")


def test_retry_after_as_an_http_date_is_honoured(mocker):
    replies = iter([httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
                    httpx.Response(200, json={"ok": True})])
    hook = _mock_hook(mocker, lambda request: next(replies))
    assert hook.request("GET", "x") == {"ok": True}


def test_path_traversal_is_refused():
    core = RequestCore(ConnectionSettings(base_url="https://acme.api-us1.com", api_key="k"))
    with pytest.raises(ActiveCampaignConfigError):
        core.v3("GET", "/contacts/../../admin")
