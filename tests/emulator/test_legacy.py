"""The legacy API (``/admin/api.php?api_action=...``)."""

from __future__ import annotations

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.emulator.helpers import has, legacy

# --------------------------------------------------------------------------- legacy API


def test_legacy_contacts_tags_automations_and_notes(activecampaign_emulator: ActiveCampaignEmulator,
                                                    api: httpx.Client) -> None:
    emu = activecampaign_emulator
    api.post("/fields", json={"field": {"title": "Color", "type": "text", "perstag": "COLOR"}})
    added = legacy(emu, "contact_add", {"email": "leg@example.com", "first_name": "Leg", "p[1]": "1",
                                        "status[1]": "1", "tags": "vip, new", "field[%COLOR%,0]": "Teal"})
    assert has(added, {"result_code": 1, "subscriber_id": 1, "result_output": "json"})
    assert legacy(emu, "contact_add", {"email": "leg@example.com"})["result_code"] == 0, "duplicate"
    view = legacy(emu, "contact_view_email", email="leg@example.com")
    assert has(view, {"result_code": 1, "id": "1", "first_name": "Leg", "tags": ["vip", "new"]})
    assert view["lists"]["1"]["status"] == "1" and view["fields"]["1"]["val"] == "Teal"
    assert legacy(emu, "contact_view", id=99)["result_code"] == 0

    synced = legacy(emu, "contact_sync", {"email": "leg@example.com", "last_name": "Acy"})
    assert (synced["subscriber_id"], synced["result_message"]) == (1, "Contact updated")
    assert legacy(emu, "contact_tag_remove", {"email": "leg@example.com", "tags": "vip"})["result_code"] == 1
    assert [t["tag"] for t in emu.records("tags")] == ["customer", "vip", "new"], "tags made by name"
    membership = {"contact_email": "leg@example.com", "automation": "1"}
    assert legacy(emu, "automation_contact_add", membership)["result_code"] == 1
    assert [a["automation"] for a in emu.records("contactAutomations")] == ["1"]
    assert legacy(emu, "automation_contact_remove", membership)["result_code"] == 1
    assert emu.records("contactAutomations") == []
    assert legacy(emu, "contact_note_add", {"id": "1", "listid": "1", "note": "called"})["result_code"] == 1
    assert has(emu.records("notes")[0], {"relid": "1", "reltype": "Subscriber", "note": "called"})

    listed = legacy(emu, "contact_list", ids="all", **{"filters[listid]": 1})
    assert listed["result_code"] == 1 and listed["0"]["email"] == "leg@example.com" and "1" not in listed


def test_legacy_campaigns(activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    emu = activecampaign_emulator
    api.post("/messages", json={"message": {"fromname": "A", "fromemail": "a@example.com", "reply2": "a@example.com"}})
    created = legacy(emu, "campaign_create", {"type": "single", "name": "March news", "sdate": "2024-03-01 08:40:00",
                                              "status": "1", "public": "1", "tracklinks": "all", "p[1]": "1",
                                              "m[1]": "100"})
    assert has(created, {"result_code": 1, "id": 1})
    campaign = api.get("/campaigns/1").json()["campaign"]
    assert (campaign["name"], campaign["sdate"]) == ("March news", "2024-03-01T08:40:00-06:00")
    assert legacy(emu, "campaign_create", {"name": "no list"})["result_code"] == 0

    found = legacy(emu, "campaign_list", ids="all", **{"filters[name]": "march", "filters[type]": "single"})
    assert (found["result_code"], found["0"]["sdate"], found["0"]["listslist"]) == (1, "2024-03-01 08:40:00", "1")
    later = legacy(emu, "campaign_list", ids="all", **{"filters[sdate_since_datetime]": "2024-04-01"})
    assert (later["result_code"], later["result_message"]) == (0, "Failed: Nothing is returned")
    assert legacy(emu, "campaign_delete", id=1)["result_code"] == 1
    assert legacy(emu, "campaign_delete", id=1)["result_code"] == 0
    assert api.get("/campaigns/1").status_code == 404


# --------------------------------------------------------------------------- unknown actions


@pytest.mark.parametrize("action", [
    "_seed", "__init__", "contact_add_bogus", "contact", "contact_fields", "apply", "write_contact", "page",
    "contact_by_email", "automation", "answer", "ACTIONS", "", "contact_add;", "../contact_add",
])
def test_an_unknown_api_action_is_a_result_code_0_not_a_helper(activecampaign_emulator: ActiveCampaignEmulator,
                                                                action: str) -> None:
    before = activecampaign_emulator.records("contacts")
    reply = legacy(activecampaign_emulator, action, {"email": "x@example.com", "id": "1"})
    assert reply == {"result_code": 0, "result_message": f"Unknown api_action: {action}", "result_output": "json"}
    assert activecampaign_emulator.server_errors == []
    assert activecampaign_emulator.records("contacts") == before, "nothing was done"
