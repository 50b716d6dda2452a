"""A Watch trigger keeps going through passing failures and stops at once on lasting ones (emulator faults).

Each trigger here runs with ``retries=0``: every poll is one request, so the faults injected
are the failed polls the trigger itself has to ride out.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignConfigError,
    ActiveCampaignConnectionError,
    ActiveCampaignInputError,
    ActiveCampaignReplyError,
    ActiveCampaignValidationError,
)
from airflow_provider_activecampaign.triggers.activecampaign import is_transient
from tests.conftest import CANARY_KEY
from tests.triggers.test_watch_trigger import IN_WINDOW, _deal, first_event, polls, trigger, wait_for

TRANSIENT = {
    "500": {"status": 500},
    "503 with Retry-After": {"status": 503, "retry_after": 0},
    "429": {"status": 429, "retry_after": 0, "body": json.dumps({"message": "Too Many Requests"})},
    "connection dropped": {"drop": True},
    "HTML instead of JSON": {"status": 200, "body": "<html>Bad gateway</html>", "content_type": "text/html"},
    "JSON without the list": {"status": 200, "body": json.dumps({"meta": {"total": "0"}})},
}


@pytest.mark.parametrize("fault", list(TRANSIENT))
async def test_a_passing_failure_is_polled_again_until_the_records_arrive(emulator, capfd, fault):
    record = _deal(emulator, IN_WINDOW)
    emulator.inject_fault(count=3, path="deals", **TRANSIENT[fault])
    event = await first_event(trigger("deal", retries=0))
    assert event["status"] == "success" and [r["id"] for r in event["records"]] == [record["id"]]
    assert polls(emulator, "deals") == 4  # three failed polls, then the good one
    out, err = capfd.readouterr()
    tried_again = [line for line in (out + err).splitlines() if "trying again" in line]
    assert len(tried_again) == 3 and all("failed" in line for line in tried_again)


PERMANENT = {
    "401": (401, {"message": "Unauthorized"}, 1),
    "403 (the hook tries once more)": (403, {"message": "You do not have permission to list deals"}, 2),
    "404": (404, {"message": "No Result found for Deal with id 7"}, 1),
    "422": (422, {"errors": [{"title": "Invalid filter", "detail": "stage must be a number"}]}, 1),
}


@pytest.mark.parametrize("fault", list(PERMANENT))
async def test_a_lasting_failure_ends_the_wait_at_once_in_the_apis_words(emulator, fault):
    status, body, requests = PERMANENT[fault]
    emulator.inject_fault(status=status, count=requests, path="deals", body=json.dumps(body))
    event = await first_event(trigger("deal", retries=requests - 1))
    assert event["status"] == "error" and f"HTTP {status}" in event["message"]
    words = body.get("message") or body["errors"][0]["detail"]
    assert words in event["message"] and CANARY_KEY not in event["message"]
    assert polls(emulator, "deals") == requests


async def test_tls_to_a_plain_http_server_ends_the_wait_at_once(emulator, monkeypatch):
    conn = json.loads(emulator.connection_json())
    conn["host"] = emulator.url.replace("http://", "https://")
    monkeypatch.setenv("AIRFLOW_CONN_AC_TLS", json.dumps(conn))
    deadline = datetime.now(timezone.utc) + timedelta(seconds=30)
    started = time.monotonic()
    event = await first_event(trigger("deal", activecampaign_conn_id="ac_tls", deadline=deadline.isoformat()))
    assert event["status"] == "error" and "TLS" in event["message"]
    assert time.monotonic() - started < 10  # not polled again until the deadline


async def test_failures_back_off_and_the_deadline_ends_them_naming_the_last(emulator):
    emulator.inject_fault(status=503, count=1000, path="deals", body=json.dumps({"message": "Service Unavailable"}))
    deadline = datetime.now(timezone.utc) + timedelta(seconds=1.5)
    started = time.monotonic()
    event = await first_event(trigger("deal", retries=0, poke_interval=0.05, deadline=deadline.isoformat()))
    assert time.monotonic() - started >= 1.4
    assert event["status"] == "timeout"
    assert "failed" in event["message"] and "503" in event["message"] and "Service Unavailable" in event["message"]
    # waits of 0.05, 0.1, 0.2, 0.4, 0.8 s: 6 polls (and one at the deadline), where polling
    # every poke_interval would have sent 30
    assert 5 <= polls(emulator, "deals") <= 8


async def test_a_good_poll_resets_the_back_off(emulator):
    emulator.inject_fault(status=500, count=4, path="deals")
    task = asyncio.create_task(first_event(trigger("deal", retries=0, min_records=2, poke_interval=0.05), timeout=20))
    await wait_for(lambda: polls(emulator, "deals") >= 6)  # four failures, then good polls every 0.05 s
    first_good = len(emulator.requests)
    await asyncio.sleep(0.5)
    assert len(emulator.requests) - first_good >= 5  # back to the poke interval, not 0.8 s and more
    _deal(emulator, IN_WINDOW)
    _deal(emulator, IN_WINDOW + timedelta(minutes=1))
    assert (await task)["count"] == 2


@pytest.mark.parametrize(("error", "transient"), [
    (ActiveCampaignConnectionError("GET", "/api/3/deals", "ReadTimeout"), True),
    (ActiveCampaignConnectionError("GET", "/api/3/deals", "the host name does not resolve", permanent=True), False),
    (ActiveCampaignReplyError("GET", "/api/3/deals", 200, "not JSON"), True),
    (ActiveCampaignApiError("GET", "/api/3/deals", 200, "reply has no 'deals' list"), True),
    (ActiveCampaignApiError("GET", "/api/3/deals", 408, "Request Timeout"), True),
    (ActiveCampaignApiError("GET", "/api/3/deals", 502, "Bad Gateway"), True),
    (ActiveCampaignApiError("GET", "/api/3/deals", 400, "Bad Request"), False),
    (ActiveCampaignValidationError("GET", "/api/3/deals", 422, "Invalid"), False),
    (ActiveCampaignConfigError("no API key"), False),
    (ActiveCampaignInputError("filters.stage", "a number", "x"), False),
    (ValueError("a bug"), False),
])
def test_which_failures_are_passing(error, transient):
    assert is_transient(error) is transient
