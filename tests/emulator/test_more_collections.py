"""What clients other than the provider rely on: the API's root, full records, strict paging, every
documented filter, and the collections beyond the provider's own (e-commerce, custom objects...)."""

from __future__ import annotations

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator


def test_the_apis_root_answers_a_good_key_and_refuses_a_bad_one(activecampaign_emulator, api) -> None:
    assert (api.get("/").status_code, api.get("/").json()) == (200, {})
    with httpx.Client(base_url=activecampaign_emulator.url, trust_env=False) as anonymous:
        assert anonymous.get("/api/3/", headers={"Api-Token": "wrong"}).status_code == 403


@pytest.mark.parametrize(("path", "envelope"), [("/lists/1", "list"), ("/tags/1", "tag")])
def test_records_carry_created_and_updated_timestamps(api, path: str, envelope: str) -> None:
    record = api.get(path).json()[envelope]
    assert record["created_timestamp"] and record["updated_timestamp"], record
    assert len(record["created_timestamp"]) == len("2024-01-02 09:00:00")
    assert record["created_by"] is None and record["updated_by"] is None


def test_a_contact_tag_and_a_campaign_carry_them_too(demo_api) -> None:
    assert demo_api.get("/contactTags/1").json()["contactTag"]["updated_timestamp"]
    campaign = demo_api.get("/campaigns/1").json()["campaign"]
    assert campaign["created_timestamp"] and campaign["updated_timestamp"]


def test_an_update_moves_updated_timestamp(activecampaign_emulator: ActiveCampaignEmulator, api) -> None:
    from datetime import datetime, timezone
    activecampaign_emulator.set_now(datetime(2030, 1, 1, 12, tzinfo=timezone.utc))
    activecampaign_emulator.modify("lists", 1, name="Renamed")
    assert api.get("/lists/1").json()["list"]["updated_timestamp"] == "2030-01-01 06:00:00"


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": -5}, {"limit": "abc"}, {"offset": -1},
                                    {"offset": "x"}, {"limit": "1.5"}])
def test_bad_paging_values_are_refused_not_replaced(api, params) -> None:
    reply = api.get("/contacts", params=params)
    assert reply.status_code == 400
    assert next(iter(params)) in reply.json()["errors"][0]["detail"]


def test_good_paging_values_still_page(demo_api) -> None:
    assert len(demo_api.get("/contacts", params={"limit": 2, "offset": 1}).json()["contacts"]) == 2
    assert len(demo_api.get("/contacts", params={"limit": 500}).json()["contacts"]) == 5


def test_segment_and_wait_filters_select_no_contact_and_formid_the_forms(
        activecampaign_emulator: ActiveCampaignEmulator, api) -> None:
    contact = activecampaign_emulator.insert("contacts", email="form@example.com")
    activecampaign_emulator.insert("contactLists", contact=contact["id"], list="1", status="1", form="7")
    for name in ("segmentid", "waitid"):
        assert api.get("/contacts", params={name: 3}).json()["contacts"] == []
    assert [c["id"] for c in api.get("/contacts", params={"formid": 7}).json()["contacts"]] == [contact["id"]]
    assert api.get("/contacts", params={"formid": 8}).json()["contacts"] == []


def test_name_operators_filter_lists(api) -> None:
    api.post("/lists", json={"list": {"name": "Weekly news", "sender_url": "https://x.example",
                                      "sender_reminder": "You asked"}})
    names = lambda op, value: [x["name"] for x in api.get(  # noqa: E731
        "/lists", params={f"filters[name][{op}]": value}).json()["lists"]]
    assert names("starts_with", "week") == ["Weekly news"]
    assert names("neq", "Weekly news") == ["Master Contact List"]
    assert names("contains", "zzz") == []


def test_an_order_makes_its_products_and_takes_them_along(api) -> None:
    connection = api.post("/connections", json={"connection": {"service": "shop", "externalid": "s1", "name": "S",
                                                               "logoUrl": "", "linkUrl": ""}}).json()["connection"]
    customer = api.post("/ecomCustomers", json={"ecomCustomer": {"connectionid": connection["id"], "externalid": "c1",
                                                                 "email": "a@example.com"}}).json()["ecomCustomer"]
    order = {"externalid": "o1", "source": "1", "email": "a@example.com", "totalPrice": 100, "currency": "USD",
             "connectionid": connection["id"], "customerid": customer["id"], "externalCreatedDate": "2024-01-01",
             "orderProducts": [{"externalid": "p1", "name": "Pogo", "price": 100, "quantity": 1}]}
    made = api.post("/ecomOrders", json={"ecomOrder": order})
    assert made.status_code == 201 and [p["name"] for p in made.json()["ecomOrderProducts"]] == ["Pogo"]
    order_id = made.json()["ecomOrder"]["id"]
    assert api.get(f"/ecomOrders/{order_id}/orderProducts").json()["ecomOrderProducts"][0]["orderid"] == order_id
    assert api.delete(f"/ecomOrders/{order_id}").json() == {}
    assert api.get("/ecomOrderProducts").json()["ecomOrderProducts"] == []
    missing = api.post("/ecomCustomers", json={"ecomCustomer": {"connectionid": 99, "externalid": "c2",
                                                                "email": "b@example.com"}})
    assert missing.status_code == 422


def test_custom_object_records_are_checked_against_their_schema(api) -> None:
    schema = api.post("/customObjects/schemas", json={"schema": {
        "slug": "order", "labels": {"singular": "Order", "plural": "Orders"},
        "fields": [{"id": "total", "type": "number", "required": True}]}}).json()["schema"]
    records = f"/customObjects/records/{schema['id']}"
    assert api.post(records, json={"record": {"externalId": "x", "fields": []}}).status_code == 422
    assert api.post(records, json={"record": {"fields": [{"id": "colour", "value": 1}]}}).status_code == 422
    made = api.post(records, json={"record": {"externalId": "x", "fields": [{"id": "total", "value": 5}]}})
    again = api.post(records, json={"record": {"externalId": "x", "fields": [{"id": "total", "value": 6}]}})
    assert (made.status_code, again.status_code) == (201, 200), "the same externalId updates"
    assert api.get(records).json()["meta"] == {"total": 1, "count": 1, "limit": 20, "offset": 0}
    assert api.post("/customObjects/schemas", json={"schema": {"slug": "order", "labels": {}}}).status_code == 422
    assert api.delete(f"/customObjects/schemas/{schema['id']}").status_code == 200
    assert api.get(records).status_code == 404


def test_contact_sub_resources_answer_for_a_contact_and_404_for_none(api) -> None:
    contact = api.post("/contacts", json={"contact": {"email": "sub@example.com"}}).json()["contact"]
    for name in contact["links"]:
        reply = api.get(f"/contacts/{contact['id']}/{name}")
        assert reply.status_code == 200, name
    assert api.get("/contacts/999/bounceLogs").json() == {"message": "No Result found for Subscriber with id 999"}


def test_account_contacts_need_both_ends_and_are_unique(demo_api: httpx.Client, demo) -> None:
    link = {"accountContact": {"contact": "2", "account": "1"}}
    assert demo_api.post("/accountContacts", json={"accountContact": {"contact": "99", "account": "1"}}
                         ).status_code == 422
    made = demo_api.post("/accountContacts", json=link)
    try:
        assert made.status_code == 201
        assert demo_api.post("/accountContacts", json=link).status_code == 422
        assert demo_api.get("/contacts/2/accountContacts").json()["accountContacts"][0]["account"] == "1"
    finally:
        demo.delete("accountContacts", made.json()["accountContact"]["id"])


def test_bulk_writes_of_field_values_and_deal_owners(activecampaign_emulator: ActiveCampaignEmulator, api) -> None:
    meta = activecampaign_emulator.insert("dealCustomFieldMeta", fieldLabel="Source", fieldType="text")
    contact = activecampaign_emulator.insert("contacts", email="bulk@example.com")
    made = activecampaign_emulator.insert("deals", title="Bulk", contact=contact["id"], stage="1", group="1")
    rows = [{"dealId": made["id"], "customFieldId": meta["id"], "fieldValue": "Web"}]
    created = api.post("/dealCustomFieldData/bulkCreate", json=rows)
    assert created.json() == {"message": "the bulk insert was successful"}
    (value,) = activecampaign_emulator.records("dealCustomFieldData")
    changed = api.patch("/dealCustomFieldData/bulkUpdate", json=[{"id": value["id"], "fieldValue": "Ads"}])
    assert changed.status_code == 200
    assert activecampaign_emulator.record("dealCustomFieldData", value["id"])["fieldValue"] == "Ads"
    assert api.patch("/dealCustomFieldData/bulkUpdate", json=[{"id": "99", "fieldValue": "x"}]).status_code == 404
    reply = api.patch("/deals/bulkUpdate", json={"deals": [{"id": made["id"], "ownerId": 1},
                                                           {"id": 99, "ownerId": 1}]}).json()
    assert reply == {"success": [], "nochange": [made["id"]], "failed": ["99"]}
    assert api.post("/dealCustomFieldData/bulkCreate", json={"not": "a list"}).status_code == 422


def test_an_account_field_value_takes_the_schemas_customer_account_id_or_the_examples_account_id(
        activecampaign_emulator: ActiveCampaignEmulator, api) -> None:
    """The document's schema sends ``customerAccountId``, one example ``accountId``; replies say ``accountId``."""
    meta = activecampaign_emulator.insert("accountCustomFieldMeta", fieldLabel="Tier", fieldType="text")
    one = activecampaign_emulator.insert("accounts", name="One")
    two = activecampaign_emulator.insert("accounts", name="Two")
    made = api.post("/accountCustomFieldData", json={"accountCustomFieldDatum": {
        "customerAccountId": one["id"], "customFieldId": meta["id"], "fieldValue": "Gold"}})
    assert made.status_code == 200, made.text
    assert made.json()["accountCustomFieldDatum"]["accountId"] == one["id"]
    assert "customerAccountId" not in made.json()["accountCustomFieldDatum"]
    again = api.post("/accountCustomFieldData", json={"accountCustomFieldDatum": {
        "accountId": one["id"], "customFieldId": meta["id"], "fieldValue": "Silver"}})
    assert again.json()["accountCustomFieldDatum"]["id"] == made.json()["accountCustomFieldDatum"]["id"]
    bulk = api.post("/accountCustomFieldData/bulkCreate", json=[
        {"customerAccountId": two["id"], "customFieldId": meta["id"], "fieldValue": "Bronze"}])
    assert bulk.status_code == 200, bulk.text
    listed = api.get("/accountCustomFieldData", params={"filters[customerAccountId]": two["id"]}).json()
    assert [v["fieldValue"] for v in listed["accountCustomFieldData"]] == ["Bronze"]
    missing = api.post("/accountCustomFieldData", json={"accountCustomFieldDatum": {
        "customFieldId": meta["id"], "fieldValue": "Gold"}})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["source"]["pointer"].endswith("customerAccountId")


def test_the_deal_lists_currency_totals_follow_every_change(activecampaign_emulator: ActiveCampaignEmulator,
                                                             api) -> None:
    """``meta.currencies`` sums the listed deals by currency, after creates, updates and deletes alike."""
    def totals() -> dict:
        return {code: (entry["total"], entry["value"])
                for code, entry in api.get("/deals").json()["meta"]["currencies"].items()}

    contact = activecampaign_emulator.insert("contacts", email="sums@example.com")
    deal = {"contact": contact["id"], "stage": "1", "group": "1", "owner": "1"}
    before = totals()
    one = api.post("/deals", json={"deal": {**deal, "title": "One", "value": 1000, "currency": "usd"}}).json()
    api.post("/deals", json={"deal": {**deal, "title": "Two", "value": 500, "currency": "eur"}})
    usd = int(before.get("USD", ("0", "0"))[1])
    assert totals()["USD"][1] == str(usd + 1000) and totals()["EUR"][1] == "500"
    api.put(f"/deals/{one['deal']['id']}", json={"deal": {"value": 3000}})
    assert totals()["USD"][1] == str(usd + 3000)
    api.delete(f"/deals/{one['deal']['id']}")
    assert totals()["USD"][1] == str(usd) if "USD" in before else "USD" not in totals()
