"""The emulator's seeded trouble: chaos faults, request hooks, ignored paging and late records."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from airflow_provider_activecampaign.testing.emulator.chaos import Churn
from tests.emulator.helpers import ids, v3_client


def outcomes(emulator: ActiveCampaignEmulator, n: int) -> list[str]:
    seen = []
    with v3_client(emulator) as api:
        for _ in range(n):
            try:
                reply = api.get("/users")
            except httpx.TransportError:
                seen.append("drop")
                continue
            if reply.status_code != 200:
                seen.append(str(reply.status_code))
            else:
                try:
                    reply.json()
                    seen.append("ok")
                except ValueError:
                    seen.append("html" if "html" in reply.headers["content-type"] else "truncated")
    return seen


def test_chaos_faults_a_seeded_fraction_of_requests_with_every_kind(activecampaign_emulator):
    chaos = activecampaign_emulator.chaos(0.5, seed=11, slow=0.01)
    first = outcomes(activecampaign_emulator, 120)
    assert 30 < sum(o != "ok" for o in first) < 90 - chaos.counts["slow"]
    assert {"429", "drop", "html", "truncated"} <= set(first)
    assert {"500", "502", "503", "504"} & set(first)
    assert all(count > 0 for count in chaos.counts.values())
    activecampaign_emulator.chaos(0.5, seed=11, slow=0.01)
    assert outcomes(activecampaign_emulator, 120) == first  # the same seed, the same trouble


def test_chaos_limited_to_kinds_and_methods_and_switched_off(activecampaign_emulator, api):
    activecampaign_emulator.chaos(1.0, seed=1, kinds=("429",))
    reply = api.get("/users")
    assert reply.status_code == 429 and reply.headers["Retry-After"] == "1"
    assert api.post("/tags", json={"tag": {"tag": "t", "tagType": "contact"}}).status_code == 201  # GETs only
    activecampaign_emulator.chaos(0, seed=1)
    assert api.get("/users").status_code == 200
    with pytest.raises(ValueError, match="chaos kinds"):
        activecampaign_emulator.chaos(0.1, seed=1, kinds=("meteor",))


def test_on_request_changes_records_between_pages(activecampaign_emulator, api):
    made = [activecampaign_emulator.insert("deals", title=f"d{i}", value="1", currency="usd")["id"]
            for i in range(30)]
    churn = Churn("deals", rate=1.0, seed=5, deletes=2, edits=1, protect=made[:5])
    activecampaign_emulator.on_request(churn)
    first = ids(api.get("/deals", params={"limit": 10}), "deals")
    assert len(churn.deleted) == 2 and len(churn.edited) == 1 and not set(churn.deleted) & set(made[:5])
    assert not set(churn.deleted) & set(first)  # deleted before the request was answered
    activecampaign_emulator.on_request(None)
    assert len(activecampaign_emulator.ids("deals")) == 28


def test_ignore_paging_answers_every_page_from_the_start(activecampaign_emulator, api):
    for i in range(5):
        activecampaign_emulator.insert("contacts", email=f"p{i}@example.com")
    activecampaign_emulator.ignore_paging()
    assert ids(api.get("/contacts", params={"limit": 2, "offset": 2}), "contacts") == ["1", "2"]
    assert ids(api.get("/contacts", params={"limit": 2, "id_greater": 3}), "contacts") == ["1", "2"]
    activecampaign_emulator.ignore_paging(())
    assert ids(api.get("/contacts", params={"limit": 2, "id_greater": 3}), "contacts") == ["4", "5"]


def test_a_late_record_appears_now_with_a_past_timestamp(activecampaign_emulator, api):
    then = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    late = activecampaign_emulator.insert_late("deals", then, title="late", value="1", currency="usd")
    shown = api.get(f"/deals/{late['id']}").json()["deal"]
    stamp = datetime.fromisoformat(shown["mdate"])
    assert stamp == then and datetime.fromisoformat(shown["cdate"]) == then
    window = {"filters[updated_after]": (then - timedelta(hours=1)).isoformat(),
              "filters[updated_before]": (then + timedelta(hours=1)).isoformat()}
    assert ids(api.get("/deals", params=window), "deals") == [late["id"]]


def test_delete_removes_a_record_directly(activecampaign_emulator):
    rid = activecampaign_emulator.insert("deals", title="x", value="1", currency="usd")["id"]
    activecampaign_emulator.delete("deals", rid)
    assert activecampaign_emulator.record("deals", rid) is None
    with pytest.raises(KeyError):
        activecampaign_emulator.delete("deals", rid)
