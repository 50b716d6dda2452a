"""The rate limit and injected faults (status, delay, dropped connection)."""

from __future__ import annotations

import time

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from airflow_provider_activecampaign.testing.emulator import faults
from airflow_provider_activecampaign.testing.emulator.values import ApiError
from tests.emulator.helpers import v3_client

# --------------------------------------------------------------------------- rate limit


def test_rate_limit_answers_429_with_retry_after_only_when_enabled(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    replies = [api.get("/users/me") for _ in range(20)]
    assert {r.status_code for r in replies} == {200} and "RateLimit-Limit" not in replies[0].headers

    activecampaign_emulator.rate_limit = 3
    replies = [api.get("/users/me") for _ in range(5)]
    assert [r.status_code for r in replies][:3] == [200, 200, 200]
    assert replies[0].headers["RateLimit-Limit"] == "3"
    refused = replies[-1]
    assert (refused.status_code, refused.json()) == (429, {"message": "Too Many Requests"})
    assert (refused.headers["Retry-After"], refused.headers["RateLimit-Remaining"]) == ("1", "0")
    assert "RateLimit-Reset" not in refused.headers, "the API sends no reset header"
    time.sleep(float(refused.headers["Retry-After"]))
    assert api.get("/users/me").status_code == 200


def test_the_window_is_a_whole_second_of_arrivals(monkeypatch: pytest.MonkeyPatch) -> None:
    """No allowance for clients pacing by their own clock: the 6th arrival 0.999 s after the 1st is refused."""
    clock = [100.0]
    monkeypatch.setattr(faults.time, "monotonic", lambda: clock[0])
    window = faults.RateLimit()
    for step in (0.0, 0.1, 0.1, 0.1, 0.1):
        clock[0] += step
        window.admit(5)
    clock[0] = 100.999
    with pytest.raises(ApiError) as refused:
        window.admit(5)
    assert refused.value.status == 429 and refused.value.headers["Retry-After"] == "1"
    clock[0] = 101.0
    assert window.admit(5)["RateLimit-Remaining"] == "0"  # the 1st left the window; 5 in it again


def test_latency_delays_each_request_before_it_arrives(activecampaign_emulator: ActiveCampaignEmulator,
                                                       api: httpx.Client) -> None:
    activecampaign_emulator.latency = (0.05, 0.06)
    started = time.monotonic()
    assert api.get("/users/me").status_code == 200
    assert time.monotonic() - started >= 0.05
    with pytest.raises(ValueError, match="latency"):
        activecampaign_emulator.latency = (0.03, 0.01)


# --------------------------------------------------------------------------- faults


def test_a_status_fault_replies_count_times_then_the_api_answers(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    activecampaign_emulator.inject_fault(status=503, count=2, path="/api/3/contacts", retry_after=2,
                                         body="upstream unavailable", content_type="text/plain")
    first, second, third = (api.get("/contacts") for _ in range(3))
    assert (first.status_code, first.headers["Retry-After"], first.text) == (503, "2", "upstream unavailable")
    assert (second.status_code, third.status_code) == (503, 200)
    assert api.get("/users/me").status_code == 200, "other paths are untouched"


def test_a_delay_fault_makes_a_client_read_timeout(activecampaign_emulator: ActiveCampaignEmulator) -> None:
    activecampaign_emulator.inject_fault(delay=1.0, method="GET")
    with v3_client(activecampaign_emulator, timeout=httpx.Timeout(5, read=0.2)) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get("/users/me")
        assert client.get("/users/me").status_code == 200


def test_a_drop_fault_closes_the_connection_without_a_reply(activecampaign_emulator: ActiveCampaignEmulator,
                                                            api: httpx.Client) -> None:
    activecampaign_emulator.inject_fault(drop=True, path="users")
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/users/me")
    assert activecampaign_emulator.requests[-1].status == 0
    assert api.get("/users/me").status_code == 200


def test_an_after_processing_fault_changes_state_before_the_client_times_out(
        activecampaign_emulator: ActiveCampaignEmulator) -> None:
    emu = activecampaign_emulator
    emu.inject_fault(delay=1.0, method="POST", path="contacts", after_processing=True)
    with v3_client(emu, timeout=httpx.Timeout(5, read=0.2)) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post("/contacts", json={"contact": {"email": "once@example.com"}})
    assert [c["email"] for c in emu.records("contacts")] == ["once@example.com"], "the POST was performed"
    emu.inject_fault(drop=True, method="POST", path="contacts", after_processing=True)
    with v3_client(emu) as client, pytest.raises(httpx.RemoteProtocolError):
        client.post("/contacts", json={"contact": {"email": "twice@example.com"}})
    assert len(emu.records("contacts")) == 2
    assert [r.json for r in emu.requests if r.method == "POST"][-1] == {"contact": {"email": "twice@example.com"}}
