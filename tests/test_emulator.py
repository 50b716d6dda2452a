"""The ActiveCampaign emulator, specified over real HTTP (httpx), independently of the provider's hook."""

from __future__ import annotations

import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

KEY = "emulator-api-key"


def v3_client(emulator: ActiveCampaignEmulator, timeout: float | httpx.Timeout = 5) -> httpx.Client:
    return httpx.Client(base_url=emulator.url + "/api/3", headers={"Api-Token": emulator.api_key},
                        trust_env=False, timeout=timeout)


@pytest.fixture
def api(activecampaign_emulator: ActiveCampaignEmulator) -> Iterator[httpx.Client]:
    """A v3 client on a fresh emulator with the minimal seed."""
    with v3_client(activecampaign_emulator) as client:
        yield client


@pytest.fixture(scope="module")
def demo() -> Iterator[ActiveCampaignEmulator]:
    """A read-only emulator with the demo seed, shared by the filter tests of this module."""
    with ActiveCampaignEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def demo_api(demo: ActiveCampaignEmulator) -> Iterator[httpx.Client]:
    with v3_client(demo) as client:
        yield client


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


# --------------------------------------------------------------------------- envelopes, ids, timestamps


def test_records_are_wrapped_in_the_singular_and_lists_in_the_plural_with_meta(api: httpx.Client) -> None:
    created = api.post("/contacts", json={"contact": {"email": "ann@example.com", "firstName": "Ann"}})
    assert created.status_code == 201
    contact = created.json()["contact"]
    assert contact["id"] == "1" and contact["email"] == "ann@example.com"
    assert contact["links"]["contactTags"].endswith("/api/3/contacts/1/contactTags")

    listed = api.get("/contacts").json()
    assert [c["id"] for c in listed["contacts"]] == ["1"]
    assert listed["meta"]["total"] == "1", "contacts count as a string"

    deal = api.post("/deals", json={"deal": {"title": "Big", "value": 45600, "currency": "USD", "contact": 1,
                                              "group": 1, "owner": 1}})
    assert deal.status_code == 201
    assert has(deal.json()["deal"], {"value": "45600", "contact": "1", "group": "1", "stage": "1",
                                     "currency": "usd", "id": "1"}), "cents as a string, ids as strings"
    assert api.get("/deals").json()["meta"]["total"] == 1, "deals count as a number, as the spec shows"


def test_timestamps_are_us_central_iso_8601_from_the_frozen_clock(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    activecampaign_emulator.set_now(datetime(2024, 1, 15, 18, 0, tzinfo=timezone.utc))
    winter = api.post("/contacts", json={"contact": {"email": "w@example.com"}}).json()["contact"]
    activecampaign_emulator.set_now(datetime(2024, 7, 15, 18, 0, tzinfo=timezone.utc))
    summer = api.put(f"/contacts/{winter['id']}", json={"contact": {"lastName": "Smith"}}).json()["contact"]
    assert (winter["cdate"], winter["udate"]) == ("2024-01-15T12:00:00-06:00", "2024-01-15T12:00:00-06:00")
    assert (summer["cdate"], summer["udate"]) == ("2024-01-15T12:00:00-06:00", "2024-07-15T13:00:00-05:00")
    task = api.post("/dealTasks", json={"dealTask": {"relid": 1, "ownerType": "contact", "duedate": "2024-08-01",
                                                      "dealTasktype": 1}}).json()["dealTask"]
    assert (task["reltype"], task["cdate"], task["duedate"]) == (
        "Subscriber", "2024-07-15T13:00:00-05:00", "2024-08-01T00:00:00-05:00")


# --------------------------------------------------------------------------- paging and ordering


def test_offset_paging_counts_every_match_in_meta_total(activecampaign_emulator: ActiveCampaignEmulator,
                                                        api: httpx.Client) -> None:
    for n in range(260):
        activecampaign_emulator.insert("contacts", email=f"user{n:03}@{'odd' if n % 2 else 'even'}.example.com")
    seen: list[str] = []
    for offset in range(0, 300, 100):
        page = api.get("/contacts", params={"limit": 100, "offset": offset}).json()
        assert int(page["meta"]["total"]) == 260
        seen += [c["id"] for c in page["contacts"]]
    assert seen == [str(n) for n in range(1, 261)]
    assert len(api.get("/contacts").json()["contacts"]) == 20, "limit defaults to 20"
    assert len(api.get("/contacts", params={"limit": 500}).json()["contacts"]) == 100, "limit is capped at 100"
    odd = api.get("/contacts", params={"email_like": "@odd.", "limit": 7, "offset": 126}).json()
    assert (odd["meta"]["total"], len(odd["contacts"])) == ("130", 4)


def test_keyset_paging_with_id_greater(activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client) -> None:
    for n in range(45):
        activecampaign_emulator.insert("contacts", email=f"k{n}@example.com")
    seen: list[str] = []
    last = "0"
    while True:
        page = api.get("/contacts", params={"orders[id]": "ASC", "id_greater": last, "limit": 20}).json()["contacts"]
        if not page:
            break
        seen += [c["id"] for c in page]
        last = page[-1]["id"]
        if len(seen) <= 40:  # records added while paging
            activecampaign_emulator.insert("contacts", email=f"late{last}@example.com")
    assert seen == [str(n) for n in range(1, 48)], "records added meanwhile appear once, none are skipped"


def test_orders_apply_in_query_order_after_a_default_of_id(demo_api: httpx.Client) -> None:
    by_first_name = demo_api.get("/contacts", params={"orders[first_name]": "DESC"})
    assert ids(by_first_name, "contacts") == ["5", "4", "3", "2", "1"]
    params = [("orders[status]", "DESC"), ("orders[value]", "ASC")]
    assert ids(demo_api.get("/deals", params=params), "deals") == ["3", "2", "1"]
    assert ids(demo_api.get("/deals", params={"orders[value]": "DESC"}), "deals") == ["3", "1", "2"]


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(("params", "expected"), [
    ({"email": "BOB@example.com"}, ["2"]),
    ({"email_like": "example.com"}, ["1", "2", "5"]),
    ({"search": "chen"}, ["3"]),
    ({"search": "acme"}, ["1", "2", "5"]),  # the organization's name
    ({"listid": "1"}, ["1", "2", "3", "4"]),
    ({"listid": "1", "status": "2"}, ["4"]),
    ({"status": "1"}, ["1", "2", "3"]),
    ({"status": "-1"}, ["1", "2", "3", "4", "5"]),
    ({"tagid": "2"}, ["2"]),
    ({"organization": "1"}, ["1", "2", "5"]),
    ({"ids": "1,3"}, ["1", "3"]),
    ([("ids[]", "2"), ("ids[]", "4")], ["2", "4"]),
    ({"id_greater": "3"}, ["4", "5"]),
    ({"id_less": "3"}, ["1", "2"]),
    ({"no_such_parameter": "x", "filters[no_such_field]": "y"}, ["1", "2", "3", "4", "5"]),  # silently ignored
])
def test_contact_filters(demo_api: httpx.Client, params: object, expected: list[str]) -> None:
    assert ids(demo_api.get("/contacts", params=params), "contacts") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("params", "expected"), [
    ({"filters[title]": "PILOT"}, ["2"]),
    ({"filters[stage]": "3"}, ["3"]),
    ({"filters[group]": "1"}, ["1", "2", "3"]),
    ({"filters[status]": "1"}, ["3"]),
    ({"filters[owner]": "1"}, ["1", "2", "3"]),
    ({"filters[tag]": "lead"}, ["2"]),
    ({"filters[tag]": "1"}, ["1", "3"]),
    ({"filters[tasktype]": "2"}, ["2"]),
    ({"filters[organization]": "1"}, ["1", "2"]),
    ({"filters[search]": "acme"}, ["1"]),
    ({"filters[minimum_value]": "1000"}, ["1", "3"]),
    ({"filters[maximum_value]": "1500"}, ["1", "2"]),
])
def test_deal_filters(demo_api: httpx.Client, params: dict, expected: list[str]) -> None:
    assert ids(demo_api.get("/deals", params=params), "deals") == expected


@pytest.mark.parametrize(("params", "expected"), [
    ({"filters[relid]": "1", "filters[reltype]": "Deal"}, ["1"]),
    ({"filters[title]": "call"}, ["1", "3"]),
    ({"filters[d_tasktypeid]": "2"}, ["2"]),
    ({"filters[duedate]": "2024-02-05"}, ["2"]),
    ({"filters[due_after]": "2024-02-05T15:00:00Z", "filters[due_before]": "2024-02-10T21:00:00Z"}, ["2"]),
])
def test_task_filters(demo_api: httpx.Client, params: dict, expected: list[str]) -> None:
    assert ids(demo_api.get("/dealTasks", params=params), "dealTasks") == expected


def test_other_collections_filter_by_their_documented_fields(demo_api: httpx.Client) -> None:
    assert ids(demo_api.get("/dealStages", params={"filters[d_groupid]": "1", "filters[title]": "contact"}),
               "dealStages") == ["1", "2"]
    assert ids(demo_api.get("/tags", params={"search": "lea"}), "tags") == ["2"]
    assert ids(demo_api.get("/fieldValues", params={"filters[fieldid]": "1", "filters[val]": "Blue"}),
               "fieldValues") == ["1"]
    assert ids(demo_api.get("/accounts", params={"search": "acme"}), "accounts") == ["1"]
    assert ids(demo_api.get("/calendars", params={"filters[type]": "Deals"}), "calendars") == ["2"], "any field"


def test_created_and_updated_windows_compare_instants_in_utc(activecampaign_emulator: ActiveCampaignEmulator,
                                                              api: httpx.Client) -> None:
    emu = activecampaign_emulator
    emu.insert("contacts", email="a@example.com", cdate="2024-03-10T01:30:00-06:00")  # 07:30Z, before DST
    emu.insert("contacts", email="b@example.com", cdate="2024-03-10T03:30:00-05:00")  # 08:30Z, after DST
    emu.insert("contacts", email="c@example.com", cdate="2024-03-11T00:00:00-05:00")  # 05:00Z next day
    emu.set_now(datetime(2024, 4, 1, 12, 0, tzinfo=timezone.utc))
    assert emu.modify("contacts", 1, phone="555")["udate"] == "2024-04-01T07:00:00-05:00"

    def window(name: str, value: str) -> list[str]:
        return ids(api.get("/contacts", params={f"filters[{name}]": value}), "contacts")

    assert window("created_after", "2024-03-10T08:00:00+00:00") == ["2", "3"]
    assert window("created_after", "2024-03-10T03:30:00-05:00") == ["2", "3"], "after is inclusive"
    assert window("created_before", "2024-03-10T08:30:00Z") == ["1"], "before is exclusive"
    assert window("created_after", "2024-03-11") == ["3"], "a date is midnight in the account's zone"
    assert window("updated_after", "2024-04-01") == ["1"]
    assert window("updated_before", "2024-04-01") == ["2", "3"]
    assert window("created_after", "not a date") == ["1", "2", "3"], "an unreadable value is ignored"

    emu.insert("deals", title="old", value=1, contact=1, stage=1, cdate="2024-03-10T01:30:00-06:00")
    emu.insert("deals", title="new", value=1, contact=1, stage=1, cdate="2024-03-11T00:00:00-05:00")
    assert ids(api.get("/deals", params={"filters[created_after]": "2024-03-10T12:00:00Z"}), "deals") == ["2"]
    assert ids(api.get("/deals", params={"filters[updated_before]": "2024-03-10T12:00:00Z"}), "deals") == ["1"]


# --------------------------------------------------------------------------- errors


def test_error_replies_have_activecampaigns_shapes(api: httpx.Client) -> None:
    missing = api.get("/contacts/77")
    assert (missing.status_code, missing.json()) == (404, {"message": "No Result found for Subscriber with id 77"})
    assert api.get("/dealStages/77").json() == {"message": "No Result found for DealStage with id 77"}
    assert api.get("/lists/77").json() == {"message": "No Result found for _List with id 77"}

    required = api.post("/contacts", json={"contact": {"firstName": "No email"}})
    assert (required.status_code, required.json()) == (422, {"errors": [{
        "title": "The contact email was not provided.", "detail": "", "code": "field_missing",
        "source": {"pointer": "/data/attributes/email"}}]})
    bad_email = api.post("/contacts", json={"contact": {"email": "not-an-email"}})
    assert bad_email.status_code == 422 and bad_email.json()["errors"][0]["source"]["pointer"].endswith("/email")
    api.post("/contacts", json={"contact": {"email": "dup@example.com"}})
    duplicate = api.post("/contacts", json={"contact": {"email": "DUP@example.com"}})
    assert duplicate.status_code == 422 and duplicate.json()["errors"][0]["code"] == "duplicate"

    assert api.post("/contacts", content=b"{not json").status_code == 400
    assert api.get("/no-such-resource").status_code == 404
    assert api.put("/automations/1", json={}).status_code == 405, "automations are read-only"
    gone = api.delete("/campaigns/77")
    assert (gone.status_code, gone.json()["succeeded"]) == (200, 0), "a failure that comes back as 200"


def test_delete_answers_200(api: httpx.Client) -> None:
    api.post("/contacts", json={"contact": {"email": "x@example.com"}})
    deleted = api.delete("/contacts/1")
    assert (deleted.status_code, deleted.json()) == (200, {})
    assert api.get("/contacts/1").status_code == 404
    assert api.delete("/contacts/1").json() == {"message": "No result found for contact with id 1"}
    api.post("/deals", json={"deal": {"title": "t", "value": 1, "currency": "usd", "account": 1, "stage": 1}})
    assert api.delete("/deals/1").content == b"", "the spec documents an empty body for deals"


# --------------------------------------------------------------------------- special endpoints


def test_contact_sync_creates_with_201_and_updates_with_200(api: httpx.Client) -> None:
    first = api.post("/contact/sync", json={"contact": {"email": "s@example.com", "firstName": "S"}})
    again = api.post("/contact/sync", json={"contact": {"email": "S@example.com", "lastName": "Two"}})
    assert (first.status_code, again.status_code) == (201, 200)
    assert has(again.json()["contact"], {"id": first.json()["contact"]["id"], "firstName": "S", "lastName": "Two"})


def test_contact_memberships_tags_automations_and_field_values(api: httpx.Client) -> None:
    contact = api.post("/contacts", json={"contact": {"email": "m@example.com"}}).json()["contact"]["id"]
    field = api.post("/fields", json={"field": {"title": "Color", "type": "text"}}).json()["field"]["id"]
    subscribed = api.post("/contactLists", json={"contactList": {"list": 1, "contact": contact, "status": 1}})
    unsubscribed = api.post("/contactLists", json={"contactList": {"list": 1, "contact": contact, "status": 2}})
    assert subscribed.json()["contactList"]["id"] == unsubscribed.json()["contactList"]["id"], "upsert"
    assert unsubscribed.json()["contactList"]["status"] == "2"
    tagged = api.post("/contactTags", json={"contactTag": {"contact": contact, "tag": "1"}})
    assert tagged.status_code == 201
    api.post("/contactAutomations", json={"contactAutomation": {"contact": contact, "automation": 2}})
    api.post("/fieldValues", json={"fieldValue": {"contact": contact, "field": field, "value": "Red"}})
    api.post("/fieldValues", json={"fieldValue": {"contact": contact, "field": field, "value": "Blue"}})

    def related(name: str, field: str) -> list[str]:
        return [record[field] for record in api.get(f"/contacts/{contact}/{name}").json()[name]]

    assert related("contactTags", "tag") == ["1"]
    assert related("contactAutomations", "automation") == ["2"]
    assert related("fieldValues", "value") == ["Blue"]
    full = api.get(f"/contacts/{contact}").json()
    assert {"contactLists", "contactTags", "contactAutomations", "fieldValues", "deals"} <= set(full)
    assert full["contact"]["fieldValues"] == ["1"]
    assert api.delete(f"/contactTags/{tagged.json()['contactTag']['id']}").json() == {}
    assert api.get(f"/contacts/{contact}/contactTags").json()["contactTags"] == []


def test_deal_stage_moves_and_notes(api: httpx.Client) -> None:
    for title in ("a", "b"):
        api.post("/deals", json={"deal": {"title": title, "value": 100, "currency": "usd", "contact": None,
                                          "account": 1, "stage": 1}})
    moved = api.put("/dealStages/1/deals", json={"deal": {"stage": "3"}})
    assert [d["stage"] for d in moved.json()["deals"]] == ["3", "3"]
    other_pipeline = api.post("/dealGroups", json={"dealGroup": {"title": "Partners", "currency": "eur"}})
    assert other_pipeline.json()["dealGroup"]["stages"] == ["4", "5", "6"], "a new pipeline gets three stages"
    assert api.put("/dealStages/3/deals", json={"deal": {"stage": "4"}}).status_code == 422

    note = api.post("/deals/1/notes", json={"note": {"note": "hello"}})
    assert note.status_code == 201 and has(note.json()["note"], {"relid": "1", "reltype": "Deal"})
    edited = api.put(f"/deals/1/notes/{note.json()['note']['id']}", json={"note": {"note": "edited"}})
    assert edited.json()["note"]["note"] == "edited"
    assert api.get("/deals/1/notes").json()["notes"][0]["note"] == "edited"


def test_deal_custom_fields_are_side_loaded_on_the_deal(api: httpx.Client) -> None:
    meta = api.post("/dealCustomFieldMeta", json={"dealCustomFieldMetum": {"fieldLabel": "Tier", "fieldType": "text"}})
    assert meta.status_code == 200 and meta.json()["dealCustomFieldMetum"]["id"] == "1"
    api.post("/deals", json={"deal": {"title": "t", "value": 1, "currency": "usd", "account": 1, "stage": 1,
                                      "fields": [{"customFieldId": 1, "fieldValue": "Gold"}]}})
    api.put("/deals/1", json={"deal": {"fields": [{"customFieldId": 1, "fieldValue": "Platinum"}]}})
    data = api.get("/deals/1").json()["dealCustomFieldData"]
    assert [(d["dealId"], d["customFieldId"], d["fieldValue"]) for d in data] == [("1", "1", "Platinum")]
    assert ids(api.get("/dealCustomFieldData", params={"filters[dealId]": "1"}), "dealCustomFieldData") == ["1"]
    assert api.get("/dealCustomFieldMeta/9").json() == {"errors": [{"status": 404, "title": "Not Found"}]}
    assert api.delete("/dealCustomFieldMeta/1").json() == {"message": "DealCustomFieldMeta deleted."}
    assert "dealCustomFieldData" not in api.get("/deals/1").json(), "values of a deleted field go with it"


def test_fields_event_tracking_users_and_webhook_events(api: httpx.Client) -> None:
    field = api.post("/fields", json={"field": {"title": "Size", "type": "dropdown"}}).json()["field"]
    options = api.post("/fieldOption/bulk", json={"fieldOptions": [
        {"field": field["id"], "value": "S", "label": "Small"},
        {"field": field["id"], "value": "L", "label": "Large"}]})
    assert options.status_code == 201 and [o["value"] for o in options.json()["fieldOptions"]] == ["S", "L"]
    assert api.post("/fieldOption/bulk", json={"fieldOptions": []}).status_code == 422
    assert api.get("/fields").json()["fields"][0]["options"] == ["1", "2"]

    enabled = {"eventTracking": {"enabled": True}}
    assert api.put("/eventTracking", json=enabled).json() == enabled
    assert api.post("/eventTrackingEvents", json={"eventTrackingEvent": {"name": "signed up"}}).status_code == 201
    assert api.get("/eventTrackingEvents").json() == {"eventTrackingEvents": [{"name": "signed up"}],
                                                      "meta": {"total": 1}}
    assert api.delete("/eventTrackingEvents/signed up").status_code == 200

    assert api.get("/users/email/admin@example.com").json()["user"]["id"] == "1"
    events = api.get("/webhook/events").json()
    assert events["meta"]["total"] == 30 and "deal_add" in events["webhookEvents"]


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
    time.sleep(float(refused.headers["Retry-After"]))
    assert api.get("/users/me").status_code == 200


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


# --------------------------------------------------------------------------- webhooks


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict]]]:
    """A small local HTTP server that records form posts: (url, received)."""
    received: list[dict] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append({"content_type": self.headers["Content-Type"], "form": urllib.parse.parse_qs(body)})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()
    thread.join()


def test_webhooks_deliver_form_posts_for_their_events_and_sources(
        activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client, receiver: tuple[str, list[dict]]) -> None:
    url, received = receiver
    emu = activecampaign_emulator
    bad = api.post("/webhooks", json={"webhook": {"name": "x", "url": url, "events": ["nope"], "sources": ["api"]}})
    assert bad.status_code == 422
    assert api.post("/webhooks", json={"webhook": {"name": "x", "url": url, "events": ["deal_add"],
                                                    "sources": []}}).status_code == 422
    hook = api.post("/webhooks", json={"webhook": {"name": "deals", "url": url, "events": ["deal_add", "subscribe"],
                                                    "sources": ["api"]}})
    assert hook.status_code == 201 and hook.json()["webhook"]["listid"] == "0"

    contact = api.post("/contacts", json={"contact": {"email": "hook@example.com"}}).json()["contact"]["id"]
    api.post("/deals", json={"deal": {"title": "Hooked", "value": 1250, "currency": "usd", "contact": contact,
                                      "stage": 1}})
    emu.insert("deals", title="From the UI", value=1, contact=contact, stage=1)  # source admin: not subscribed
    api.post("/contactLists", json={"contactList": {"contact": contact, "list": 1, "status": 1}})
    assert emu.wait_for_deliveries(2)
    time.sleep(0.1)
    assert [d["type"] for d in emu.deliveries] == ["deal_add", "subscribe"]
    assert all(d["status"] == 200 for d in emu.deliveries)
    deal_add, subscribe = (r["form"] for r in received)
    assert received[0]["content_type"] == "application/x-www-form-urlencoded"
    assert has({k: v[0] for k, v in deal_add.items()}, {
        "type": "deal_add", "initiated_from": "api", "deal[id]": "1", "deal[title]": "Hooked", "deal[value]": "12.50",
        "contact[id]": contact, "contact[email]": "hook@example.com"})
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00", deal_add["date_time"][0])
    assert (subscribe["type"], subscribe["list"], subscribe["contact[email]"]) == (
        ["subscribe"], ["1"], ["hook@example.com"])


def test_webhook_failures_are_recorded_not_retried(activecampaign_emulator: ActiveCampaignEmulator) -> None:
    emu = activecampaign_emulator
    emu.insert("webhooks", name="dead", url="http://127.0.0.1:9/hook", events=["update"], sources=["admin"])
    emu.insert("contacts", email="u@example.com")
    emu.modify("contacts", 1, firstName="U")
    assert emu.wait_for_deliveries(1)
    assert emu.deliveries[0]["type"] == "update" and "error" in emu.deliveries[0]
    assert not emu.wait_for_deliveries(2, timeout=0.2), "no retry"


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
    root = Path(__file__).resolve().parents[1]
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
