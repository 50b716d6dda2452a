"""The emulator's server and Python interface: authentication, state for tests, fixtures, the command line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import httpx

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.emulator.helpers import KEY, has, legacy

# --------------------------------------------------------------------------- authentication


def test_v3_requires_the_api_token_header(activecampaign_emulator: ActiveCampaignEmulator) -> None:
    with httpx.Client(base_url=activecampaign_emulator.url, trust_env=False) as client:
        missing = client.get("/api/3/users/me")
        wrong = client.get("/api/3/users/me", headers={"Api-Token": "not-the-key"})
        right = client.get("/api/3/users/me", headers={"Api-Token": KEY})
    assert (missing.status_code, missing.json()) == (403, {"message": "Forbidden"})
    assert (wrong.status_code, wrong.json()) == (403, {"message": "Forbidden"})
    assert right.status_code == 200
    assert right.json()["user"]["id"] == "1", "/users/me is the key's user"


def test_legacy_takes_the_key_as_api_key_and_fails_with_result_code_0(
        activecampaign_emulator: ActiveCampaignEmulator) -> None:
    assert legacy(activecampaign_emulator, "contact_list", ids="all", api_key="wrong") == {
        "result_code": 0, "result_message": "You are not authorized to access this file", "result_output": "json"}
    assert activecampaign_emulator.requests[-1].query["api_key"] == ["***"], "the key is never kept"


# --------------------------------------------------------------------------- Python interface, fixtures, CLI


def test_insert_modify_records_and_reset(activecampaign_emulator: ActiveCampaignEmulator) -> None:
    emu = activecampaign_emulator
    deal = emu.insert("deals", title="Direct", value="500", contact=None, stage=2, cdate="2020-01-01T00:00:00-06:00")
    assert has(deal, {"id": "1", "group": "1", "mdate": "2020-01-01T00:00:00-06:00"})
    emu.set_now(datetime(2021, 6, 1, tzinfo=timezone.utc))
    assert emu.modify("deals", 1, title="Changed")["mdate"] == "2021-05-31T19:00:00-05:00"
    assert emu.record("deals", "1")["title"] == "Changed" and emu.record("deals", 2) is None
    emu.records("deals")[0]["title"] = "not stored"
    assert emu.record("deals", 1)["title"] == "Changed", "copies"
    emu.reset()
    assert emu.records("deals") == [] and len(emu.records("dealStages")) == 3 and emu.requests == []


def test_the_connection_fixture_points_airflow_at_the_emulator(
        activecampaign_connection: ActiveCampaignEmulator) -> None:
    conn = json.loads(os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"])
    assert conn == {"conn_type": "activecampaign", "host": activecampaign_connection.url, "password": KEY,
                    "extra": {"allow_http": True}}
    assert activecampaign_connection.rate_limit is None


def test_the_command_line_serves_until_sigterm() -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-m", "airflow_provider_activecampaign.testing.emulator", "--port", "0",
         "--api-key", "cli-secret", "--seed", "demo"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        match = re.fullmatch(r"ActiveCampaign emulator serving on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, line
        reply = httpx.get(match.group(1) + "/api/3/contacts", headers={"Api-Token": "cli-secret"}, trust_env=False)
        assert reply.json()["meta"]["total"] == "5"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0
        assert "cli-secret" not in line + out + err and err == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
