"""The hook's Test button and the API key kept out of everything visible."""

from __future__ import annotations

import json
import logging

import pytest

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignConnectionError,
)
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.conftest import CANARY_KEY, emulator_connection


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
