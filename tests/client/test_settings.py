"""Connection settings: the account URL, the key and the limits read from a connection."""

from __future__ import annotations

import json

import pytest
from airflow.models import Connection

from airflow_provider_activecampaign.client import ConnectionSettings, account_url
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignConfigError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.conftest import CANARY_KEY, emulator_connection


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


class TestApiKey:
    """The key is stripped and checked before anything is sent; errors never show it."""

    def test_a_key_pasted_with_a_trailing_newline_works_and_never_leaks(self, emulator, monkeypatch, caplog):
        conn = json.loads(emulator_connection(emulator))
        conn["password"] = CANARY_KEY + "\n"
        monkeypatch.setenv("AIRFLOW_CONN_AC_NEWLINE", json.dumps(conn))
        assert ActiveCampaignHook("ac_newline").request("GET", "users/me")["user"]["id"] == "1"

    @pytest.mark.parametrize("key", ["", "   ", "\n", "abc def-0123456789", "clé-0123456789abcdef", "abc\x00def0123"])
    def test_a_blank_or_malformed_key_is_refused_before_any_request(self, emulator, monkeypatch, key):
        conn = json.loads(emulator_connection(emulator))
        conn["password"] = key
        monkeypatch.setenv("AIRFLOW_CONN_AC_BADKEY", json.dumps(conn))
        with pytest.raises(ActiveCampaignConfigError, match="ac_badkey") as caught:
            ActiveCampaignHook("ac_badkey").request("GET", "users/me")
        assert emulator.requests == []
        if key.strip():
            assert key.strip() not in str(caught.value)

    def test_a_negative_rate_is_refused_instead_of_turning_the_limiter_off(self):
        with pytest.raises(ActiveCampaignConfigError, match="requests_per_second"):
            ConnectionSettings(base_url="https://acme.api-us1.com", api_key="k" * 10, requests_per_second=-1)

    def test_a_bare_account_name_is_named_as_expanded_in_errors(self):
        conn = Connection(conn_id="ac", conn_type="activecampaign", host="acme", password="k" * 10)
        settings = ConnectionSettings.from_connection(conn)
        assert settings.base_url == "https://acme.api-us1.com"
        assert settings.target == "acme.api-us1.com (connection 'ac', expanded from the account name 'acme')"
