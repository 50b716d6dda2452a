"""The client-side rate limiter, shared by every hook of an account."""

from __future__ import annotations

import time

import httpx

from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.conftest import CANARY_KEY, emulator_connection


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
