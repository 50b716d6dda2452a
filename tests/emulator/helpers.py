"""Helpers shared by the emulator tests: clients, id lists, record matching, legacy calls."""

from __future__ import annotations

import httpx

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

KEY = "emulator-api-key"


def v3_client(emulator: ActiveCampaignEmulator, timeout: float | httpx.Timeout = 5) -> httpx.Client:
    return httpx.Client(base_url=emulator.url + "/api/3", headers={"Api-Token": emulator.api_key},
                        trust_env=False, timeout=timeout)


def ids(reply: httpx.Response, envelope: str) -> list[str]:
    assert reply.status_code == 200, reply.text
    return [record["id"] for record in reply.json()[envelope]]


def has(record: dict, expected: dict) -> bool:
    """``record`` holds every key of ``expected`` with an equal value."""
    return all(record.get(key) == value for key, value in expected.items())


def legacy(emulator: ActiveCampaignEmulator, action: str, data: dict | None = None, **params: object) -> dict:
    """One legacy call, ``/admin/api.php?api_action=...`` (POST form when ``data`` is given)."""
    query = {"api_action": action, "api_output": "json", "api_key": emulator.api_key, **params}
    with httpx.Client(base_url=emulator.url, trust_env=False, timeout=5) as client:
        reply = client.post("/admin/api.php", params=query, data=data) if data is not None else client.get(
            "/admin/api.php", params=query)
    assert reply.status_code == 200, "legacy failures are 200 with result_code 0"
    return reply.json()
