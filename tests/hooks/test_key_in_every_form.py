"""A key with characters that get escaped, pasted with a trailing newline, never shows in any form.

Everything a user can see is collected — log records of every logger at DEBUG, exception
text and reprs, trigger events, the connection test's message — across the legacy API (the key
in the query string), v3 errors, errors raised by httpx itself and the trigger, and searched
for every form of the key (as is, JSON- and Python-escaped, URL-encoded).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket

import pytest

from airflow_provider_activecampaign.client.redaction import secret_forms
from airflow_provider_activecampaign.exceptions import ActiveCampaignError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from airflow_provider_activecampaign.triggers.activecampaign import ActiveCampaignWatchTrigger

KEY = "canary/ke+y=0123456789&abcdef"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(monkeypatch):
    with ActiveCampaignEmulator(api_key=KEY) as emu:
        conn = json.loads(emu.connection_json())
        conn["password"] = KEY + "\n"
        conn["extra"].update({"requests_per_second": 0, "retries": 1})
        monkeypatch.setenv("AIRFLOW_CONN_AC_ESCAPED", json.dumps(conn))
        closed = dict(conn, host=f"http://127.0.0.1:{_closed_port()}")
        monkeypatch.setenv("AIRFLOW_CONN_AC_CLOSED", json.dumps(closed))
        yield emu


def _shown(texts: list[str]) -> list[str]:
    forms = secret_forms(KEY + "\n")
    return [text for text in texts if any(form in text for form in forms)]


def _failure(call) -> list[str]:
    try:
        call()
    except ActiveCampaignError as error:
        return [str(error), repr(error), repr(error.args)]
    return []


def test_the_key_shows_nowhere_whatever_happens(server, caplog):
    caplog.set_level(logging.DEBUG)
    hook = ActiveCampaignHook("ac_escaped", retry_backoff=0.01)
    seen: list[str] = []
    server.insert("contacts", email="ada@example.com")
    assert hook.legacy("contact_view_email", params={"email": "ada@example.com"})  # the key travels in the query
    seen += _failure(lambda: hook.legacy("contact_view", params={"id": 999}))  # a 200 that failed
    seen += _failure(lambda: hook.request("GET", "contacts/999"))  # a v3 error
    closed = ActiveCampaignHook("ac_closed", retry_backoff=0.01)
    seen += _failure(lambda: closed.legacy("contact_list"))  # httpx's own error, key in the URL
    seen += _failure(lambda: closed.request("GET", "users/me"))
    seen += [repr(hook), repr(hook.core), repr(hook.core.settings), repr(hook.core.legacy("contact_list"))]
    seen += [ActiveCampaignHook(conn_id).test_connection()[1] for conn_id in ("ac_closed", "ac_escaped")]
    server.inject_fault(status=401, count=5, path="deals", body=json.dumps({"message": f"bad key {KEY}"}))
    trigger = ActiveCampaignWatchTrigger(resource="deal", since="2026-01-01T00:00:00+00:00",
                                         until="2026-01-02T00:00:00+00:00", activecampaign_conn_id="ac_escaped")
    event = asyncio.run(asyncio.wait_for(anext(trigger.run()), 10)).payload
    assert event["status"] == "error"
    seen += [json.dumps(event), repr(trigger.serialize())]
    seen += [record.getMessage() for record in caplog.records]
    assert len(seen) > 20
    assert _shown(seen) == []
