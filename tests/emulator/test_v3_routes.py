"""The v3 API over real HTTP: envelopes, timestamps, paging, ordering, errors, special endpoints."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.emulator.helpers import KEY, has, ids

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
    deal = api.delete("/deals/1")
    assert (deal.json(), deal.headers["content-type"].split(";")[0]) == ({}, "application/json"), (
        "documented as application/json; its empty example is read as the {} of every other delete")


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
    assert set(full) == {"contact", "contactLists", "contactAutomations", "fieldValues", "deals", "geoAddresses",
                         "geoIps"}, "the side-loads of the document's example, not contactTags"
    assert "meta" not in api.get(f"/contacts/{contact}/contactLists").json(), "no sub-collection example has meta"
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


def test_deal_custom_fields_are_read_apart_from_the_deal(api: httpx.Client) -> None:
    meta = api.post("/dealCustomFieldMeta", json={"dealCustomFieldMetum": {"fieldLabel": "Tier", "fieldType": "text"}})
    assert meta.status_code == 200 and meta.json()["dealCustomFieldMetum"]["id"] == "1"
    api.post("/deals", json={"deal": {"title": "t", "value": 1, "currency": "usd", "account": 1, "stage": 1,
                                      "fields": [{"customFieldId": 1, "fieldValue": "Gold"}]}})
    api.put("/deals/1", json={"deal": {"fields": [{"customFieldId": 1, "fieldValue": "Platinum"}]}})
    assert list(api.get("/deals/1").json()) == ["deal"], "the document's example side-loads nothing"
    data = api.get("/dealCustomFieldData", params={"filters[dealId]": "1"}).json()["dealCustomFieldData"]
    assert [(d["dealId"], d["customFieldId"], d["fieldValue"]) for d in data] == [("1", "1", "Platinum")]
    assert ids(api.get("/dealCustomFieldData", params={"filters[dealId]": "1"}), "dealCustomFieldData") == ["1"]
    assert api.get("/dealCustomFieldMeta/9").json() == {"errors": [{"status": 404, "title": "Not Found"}]}
    assert api.delete("/dealCustomFieldMeta/1").json() == {"message": "DealCustomFieldMeta deleted."}
    assert ids(api.get("/dealCustomFieldData", params={"filters[dealId]": "1"}), "dealCustomFieldData") == [], \
        "values of a deleted field go with it"


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


# --------------------------------------------------------------------------- unknown routes


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/nonexistent"),
    ("GET", "/nonexistent/1"),
    ("POST", "/_route"),
    ("GET", "/__init__"),
    ("GET", "/contacts/1/nonexistent"),
    ("POST", "/contacts/1/contactTags"),
    ("GET", "/eventTracking/extra"),
])
def test_an_unknown_route_gets_the_apis_404(activecampaign_emulator: ActiveCampaignEmulator, api: httpx.Client,
                                             method: str, path: str) -> None:
    reply = api.request(method, path)
    assert (reply.status_code, reply.json()) == (404, {"errors": [{"status": 404, "title": "Not Found"}]})
    assert activecampaign_emulator.server_errors == []


def test_a_path_outside_the_apis_gets_the_404_too(activecampaign_emulator: ActiveCampaignEmulator) -> None:
    with httpx.Client(base_url=activecampaign_emulator.url, trust_env=False) as client:
        reply = client.get("/api/4/contacts", headers={"Api-Token": KEY})
    assert (reply.status_code, reply.json()) == (404, {"errors": [{"status": 404, "title": "Not Found"}]})


@pytest.mark.parametrize(("method", "path"), [
    ("DELETE", "/automations/1"),
    ("POST", "/automations"),
    ("PUT", "/organizations/1"),
    ("PATCH", "/contacts"),
    ("POST", "/contacts/1"),
])
def test_a_method_a_known_path_does_not_take_gets_405(activecampaign_emulator: ActiveCampaignEmulator,
                                                      api: httpx.Client, method: str, path: str) -> None:
    reply = api.request(method, path, json={})
    assert (reply.status_code, reply.json()) == (405, {"message": "Method Not Allowed"})
    assert activecampaign_emulator.server_errors == []
    assert len(activecampaign_emulator.records("automations")) == 2, "nothing was deleted"


def test_a_pipelines_permissions_are_the_users_and_groups_its_writes_name(api: httpx.Client) -> None:
    made = api.post("/dealGroups", json={"dealGroup": {"title": "Perms", "currency": "usd", "users": ["1"]}}).json()
    pipeline, links = made["dealGroup"], made["dealGroupUsers"]
    assert [(link["dealGroup"], link["user"]) for link in links] == [(pipeline["id"], "1")]
    assert pipeline["dealGroupUsers"] == [links[0]["id"]] and made["dealGroupGroups"] == [] and made["dealStages"]
    changed = api.put(f"/dealGroups/{pipeline['id']}", json={"dealGroup": {"users": []}}).json()
    assert changed["dealGroupUsers"] == [] and "dealStages" not in changed, "as the document's update example"
    unknown = api.put(f"/dealGroups/{pipeline['id']}", json={"dealGroup": {"users": ["999"]}})
    assert unknown.status_code == 404 and "User" in unknown.json()["message"]
    kept = api.put(f"/dealGroups/{pipeline['id']}", json={"dealGroup": {"title": "Renamed"}}).json()
    assert kept["dealGroupUsers"] == [], "users not given: the permissions stay as they were"
