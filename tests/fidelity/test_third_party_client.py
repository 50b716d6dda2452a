"""A client the project did not write, ``activecampaign-python`` from PyPI, against the emulator.

It is written against the real API (its own paths, envelopes, ``Api-Token`` header, and a
``Content-Type`` it reads from every reply), so what it can do here a user's DAG can do too:
contacts, list status, custom fields and values, tags, deals and their notes, lists, addresses,
brandings, custom objects, and deletes that answer an empty JSON body.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

activecampaign = pytest.importorskip("activecampaign.client", reason="the test extra installs activecampaign-python")


@pytest.fixture
def client() -> Iterator[tuple[ActiveCampaignEmulator, object]]:
    with ActiveCampaignEmulator(seed="demo") as emulator:
        yield emulator, activecampaign.Client(emulator.url, emulator.api_key)


def test_contacts_lists_fields_and_tags(client) -> None:
    emulator, ac = client
    made = ac.contacts.create_a_contact({"contact": {"email": "third@example.com", "firstName": "Third"}})
    contact_id = made["contact"]["id"]
    assert ac.contacts.retrieve_a_contact(contact_id)["contact"]["email"] == "third@example.com"
    assert ac.contacts.list_all_contacts(email="third@example.com")["meta"]["total"] == "1"
    ac.contacts.update_list_status_for_a_contact({"contactList": {"list": 1, "contact": contact_id, "status": 1}})
    assert [c["id"] for c in ac.contacts.list_all_contacts(listid=1, status=1)["contacts"]].count(contact_id) == 1
    value = ac.contacts.create_a_custom_field_value({"fieldValue": {"contact": contact_id, "field": 1, "value": "Red"}})
    assert ac.contacts.retrieve_a_contacts_field_values(contact_id)["fieldValues"][0]["id"] == value["fieldValue"]["id"]
    tag = ac.tags.create_a_tag({"tag": {"tag": "third-party", "tagType": "contact"}})["tag"]
    assert "created_timestamp" in ac.tags.retrieve_a_tag(tag["id"])["tag"]
    for sub in ("bounce_logs", "geo_ips", "data", "tracking_logs"):
        assert isinstance(getattr(ac.contacts, f"retrieve_a_contacts_{sub}")(contact_id), dict)
    assert ac.contacts.delete_a_contact(contact_id) == {}
    assert emulator.record("contacts", contact_id) is None
    assert emulator.server_errors == []


def test_deals_notes_and_an_empty_json_delete(client) -> None:
    emulator, ac = client
    deal = ac.deals.create_a_deal({"deal": {"title": "Third deal", "value": 1000, "currency": "usd", "contact": "1",
                                            "group": "1", "stage": "1", "owner": "1"}})["deal"]
    note = ac.deals.create_a_deal_note(deal["id"], {"note": {"note": "Called"}})["note"]
    ac.deals.update_a_deal_note(deal["id"], note["id"], {"note": {"note": "Called twice"}})
    assert emulator.record("notes", note["id"])["note"] == "Called twice"
    assert ac.deals.list_all_deals(**{"filters[title]": "Third"})["meta"]["total"] == 1
    assert ac.deals.list_all_pipelines()["dealGroups"][0]["id"] == "1"
    assert ac.deals.delete_a_deal(deal["id"]) == {}, "a JSON reply the client can read"
    assert emulator.record("deals", deal["id"]) is None
    assert emulator.server_errors == []


def test_lists_addresses_brandings_and_custom_objects(client) -> None:
    emulator, ac = client
    assert "created_timestamp" in ac.lists.retrieve_a_list(1)["list"]
    address = ac.addresses.create_an_address({"address": {"company_name": "Third Co", "address_1": "1 Road",
                                                          "country": "US"}})["address"]
    assert ac.addresses.retrieve_address(address["id"])["address"]["companyName"] == "Third Co"
    assert ac.brandings.retrieve_a_branding(1)["branding"]["id"] == "1"
    schema = ac.customobjects.create_a_schema({"schema": {"slug": "third", "labels": {"singular": "T", "plural": "Ts"},
                                                          "fields": [{"id": "size", "type": "number"}]}})["schema"]
    assert ac.customobjects.retrieve_a_schema(schema["id"])["schema"]["slug"] == "third"
    assert emulator.server_errors == []
