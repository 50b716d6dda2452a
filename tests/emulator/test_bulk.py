"""The emulator's bulk import API: its limits (250 contacts, imports a minute, both HTTP 400),
validation of the whole request, asynchronous processing and what an import writes."""

from __future__ import annotations

import time

import httpx

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from airflow_provider_activecampaign.testing.emulator.bulk import INVALID_MESSAGE, RATE_MESSAGE


def people(n: int, start: int = 0, **extra: object) -> list[dict]:
    return [{"email": f"p{i}@example.com", "first_name": f"P{i}", **extra} for i in range(start, start + n)]


def wait_done(api: httpx.Client, batch_id: str, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = api.get("/import/info", params={"batchId": batch_id})
        assert reply.status_code == 200, reply.text
        if reply.json()["status"] == "completed":
            return reply.json()
        time.sleep(0.02)
    raise AssertionError("the import never completed")


def test_an_import_is_queued_processed_later_and_then_lists_ids_and_failed_emails(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    activecampaign_emulator.bulk_imports.configure(processing_seconds=0.3)
    existing = activecampaign_emulator.insert("contacts", email="p1@example.com", firstName="Old")
    contacts = [*people(3), {"email": "invalid.email@invalidDomain"}, {"email": "invalid'character@example.com"}]
    reply = api.post("/import/bulk_import", json={"contacts": contacts})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["Success"], body["queued_contacts"], body["message"]) == (1, 5, "Contact import queued")

    first = api.get("/import/info", params={"batchId": body["batchId"]}).json()
    assert first["status"] in ("pending", "processing")
    assert len(activecampaign_emulator.records("contacts")) == 1  # nothing written yet

    done = wait_done(api, body["batchId"])
    emails = {c["email"]: c for c in activecampaign_emulator.records("contacts")}
    assert sorted(emails) == ["p0@example.com", "p1@example.com", "p2@example.com"]
    assert emails["p1@example.com"]["id"] == existing["id"] and emails["p1@example.com"]["firstName"] == "P1"
    assert sorted(done["success"]) == sorted(c["id"] for c in emails.values())
    assert done["failure"] == ["invalid.email@invalidDomain", "invalid'character@example.com"]


def test_tags_fields_and_lists_are_applied_and_unknown_ones_fail_the_contact(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    emu = activecampaign_emulator
    emu.bulk_imports.configure(processing_seconds=0)
    field = emu.insert("fields", title="Colour", type="text")
    left = emu.insert("contacts", email="left@example.com")
    emu.insert("contactLists", contact=left["id"], list="1", status="2")
    contacts = [
        {"email": "ada@example.com", "tags": ["vip", "customer"], "fields": [{"id": int(field["id"]), "value": "blue"}],
         "subscribe": [{"listid": "1"}]},
        {"email": "left@example.com", "subscribe": [{"listid": "1"}]},
        {"email": "nofield@example.com", "fields": [{"id": 999, "value": "x"}]},
        {"email": "nolist@example.com", "subscribe": [{"listid": "999"}]},
    ]
    done = wait_done(api, api.post("/import/bulk_import", json={"contacts": contacts}).json()["batchId"])
    assert done["failure"] == ["nofield@example.com", "nolist@example.com"]
    ada = next(c for c in emu.records("contacts") if c["email"] == "ada@example.com")
    tags = {t["id"]: t["tag"] for t in emu.records("tags")}
    assert sorted(tags[ct["tag"]] for ct in emu.records("contactTags") if ct["contact"] == ada["id"]) == [
        "customer", "vip"]
    assert [(v["field"], v["value"]) for v in emu.records("fieldValues") if v["contact"] == ada["id"]] == [
        (field["id"], "blue")]
    statuses = {(cl["contact"], cl["list"]): cl["status"] for cl in emu.records("contactLists")}
    assert statuses == {(ada["id"], "1"): "1", (left["id"], "1"): "2"}  # no re-subscribe after leaving


def test_more_than_250_contacts_and_a_bad_email_refuse_the_whole_request(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    too_many = api.post("/import/bulk_import", json={"contacts": people(251)})
    assert too_many.status_code == 400 and too_many.json()["success"] == 0
    assert "250" in too_many.json()["message"]
    assert api.post("/import/bulk_import", json={"contacts": people(250)}).status_code == 200

    bad = api.post("/import/bulk_import", json={"contacts": [*people(2), {"email": "nobody"}, {"name": "x"}]})
    assert bad.status_code == 400
    assert bad.json()["message"] == INVALID_MESSAGE
    assert [r["contact"] for r in bad.json()["failureReasons"]] == [2, 3]
    assert api.post("/import/bulk_import", json={}).status_code == 400
    assert api.get("/import/info").json() == {"success": 0, "message": "'batchId' is a required field."}
    assert len(activecampaign_emulator.bulk_imports.imports) == 1  # refused requests queue nothing


def test_imports_a_minute_are_limited_with_http_400_not_429(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    activecampaign_emulator.bulk_imports.configure(per_window=3, window=0.5)
    replies = [api.post("/import/bulk_import", json={"contacts": people(1, i)}) for i in range(4)]
    assert [r.status_code for r in replies] == [200, 200, 200, 400]
    assert replies[-1].json() == {"success": 0, "message": "Rate limit exceeded.", "failureReasons": [RATE_MESSAGE]}
    time.sleep(0.5)
    assert api.post("/import/bulk_import", json={"contacts": people(1, 9)}).status_code == 200


def test_reset_forgets_imports_and_settings(activecampaign_emulator: ActiveCampaignEmulator,
                                            api: httpx.Client) -> None:
    activecampaign_emulator.bulk_imports.configure(per_window=1)
    batch_id = api.post("/import/bulk_import", json={"contacts": people(1)}).json()["batchId"]
    activecampaign_emulator.reset()
    assert api.get("/import/info", params={"batchId": batch_id}).status_code == 404
    assert activecampaign_emulator.bulk_imports.settings.per_window == 100
