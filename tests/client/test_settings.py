"""Connection settings: the account URL, the key and the limits read from a connection."""

from __future__ import annotations

import json

import pytest

from airflow_provider_activecampaign.client import account_url
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignConfigError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.conftest import CANARY_KEY


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
