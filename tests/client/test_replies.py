"""Reading replies: records, ActiveCampaign's error shapes and the path guard (over HTTP, then unit edge cases)."""

from __future__ import annotations

import json

import httpx
import pytest

from airflow_provider_activecampaign.client import ConnectionSettings, RequestCore
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignAuthError,
    ActiveCampaignConfigError,
    ActiveCampaignNotFoundError,
    ActiveCampaignReplyError,
    ActiveCampaignValidationError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.client.mock_transport import mock_hook
from tests.conftest import emulator_connection


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
    hook = mock_hook(mocker, lambda request: reply)
    with pytest.raises(ActiveCampaignApiError, match=message):
        hook.request("POST", "campaigns")


def test_retry_after_as_an_http_date_is_honoured(mocker):
    replies = iter([httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
                    httpx.Response(200, json={"ok": True})])
    hook = mock_hook(mocker, lambda request: next(replies))
    assert hook.request("GET", "x") == {"ok": True}


def test_path_traversal_is_refused():
    core = RequestCore(ConnectionSettings(base_url="https://acme.api-us1.com", api_key="k"))
    with pytest.raises(ActiveCampaignConfigError):
        core.v3("GET", "/contacts/../../admin")



# --------------------------------------------------------------------------- replies that are not what the API promises


class TestBrokenReplies:
    """A 2xx that is not JSON, or lacks its envelope, is an error; reads retry it, writes never repeat."""

    HTML = "<html><body>502 Bad Gateway from a proxy</body></html>"

    def test_a_read_whose_200_is_not_json_is_retried_then_succeeds(self, emulator):
        emulator.inject_fault(status=200, body=self.HTML, content_type="text/html", path="/api/3/contacts")
        assert ActiveCampaignHook(retry_backoff=0.01).request("GET", "contacts")["contacts"] == []
        assert [r.status for r in emulator.requests] == [200, 200]

    def test_a_read_that_stays_broken_names_method_path_status_and_an_excerpt(self, emulator):
        emulator.inject_fault(status=200, body=self.HTML, content_type="text/html", path="/api/3/contacts", count=9)
        with pytest.raises(ActiveCampaignReplyError) as caught:
            ActiveCampaignHook(retry_backoff=0.01, retries=2).request("GET", "contacts")
        text = str(caught.value)
        assert "GET /api/3/contacts returned HTTP 200" in text and "not JSON" in text and "Bad Gateway" in text
        assert len(emulator.requests) == 3

    def test_a_write_whose_200_is_not_json_is_not_repeated_and_says_it_may_have_happened(self, emulator):
        emulator.inject_fault(status=201, body="<html>ok?</html>", content_type="text/html", method="POST",
                              path="/api/3/contacts", after_processing=True)
        with pytest.raises(ActiveCampaignReplyError, match="may have been processed") as caught:
            ActiveCampaignHook(retry_backoff=0.01).request("POST", "contacts", json={"contact": {"email": "a@b.co"}})
        assert caught.value.may_have_been_processed
        assert len(emulator.requests) == 1
        assert [c["email"] for c in emulator.records("contacts")].count("a@b.co") == 1

    def test_a_truncated_json_page_is_retried_while_paging(self, emulator):
        for i in range(3):
            emulator.insert("contacts", email=f"p{i}@example.com")
        emulator.inject_fault(status=200, body='{"contacts": [{"id": "1"', path="/api/3/contacts")
        assert len(list(ActiveCampaignHook(retry_backoff=0.01).paginate("contacts", "contacts"))) == 3

    def test_a_page_without_its_list_is_an_error_not_an_empty_result(self, emulator):
        emulator.inject_fault(status=200, body='{"meta": {"total": "5"}}', path="/api/3/contacts", count=9)
        with pytest.raises(ActiveCampaignReplyError, match="has no 'contacts'"):
            list(ActiveCampaignHook(retry_backoff=0.01, retries=1).paginate("contacts", "contacts"))

    def test_a_5xx_after_a_post_says_it_may_have_been_processed(self, emulator):
        emulator.inject_fault(status=502, method="POST", path="/api/3/contacts", after_processing=True)
        with pytest.raises(ActiveCampaignApiError, match="may have been processed") as caught:
            ActiveCampaignHook(retry_backoff=0.01).request("POST", "contacts", json={"contact": {"email": "b@b.co"}})
        assert caught.value.may_have_been_processed and len(emulator.requests) == 1

    def test_errors_name_the_host_tried_and_the_connection(self, emulator):
        with pytest.raises(ActiveCampaignNotFoundError) as caught:
            ActiveCampaignHook().request("GET", "contacts/999")
        assert emulator.url.split("//")[1] in str(caught.value)
        assert "connection 'activecampaign_default'" in str(caught.value)
