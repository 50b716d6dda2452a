"""Where the API is stricter than a naive store, the emulator is too.

(Unknown list filters are ignored, not applied: tests/emulator/test_filters.py.)
"""

from __future__ import annotations

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.emulator.helpers import legacy

DEAL = {"title": "Pilot", "value": 100, "currency": "usd", "contact": "1"}


@pytest.fixture
def with_contact(activecampaign_connection: ActiveCampaignEmulator) -> ActiveCampaignEmulator:
    """The emulator (also as the default Airflow connection) with contact 1."""
    activecampaign_connection.insert("contacts", id="1", email="ada@example.com")
    return activecampaign_connection


def test_a_deal_needs_an_owner_in_a_pipeline_that_does_not_auto_assign(with_contact, api: httpx.Client) -> None:
    manual = api.post("/dealGroups", json={"dealGroup": {"title": "Manual", "currency": "usd", "autoassign": 0}})
    group = manual.json()["dealGroup"]["id"]

    refused = api.post("/deals", json={"deal": {**DEAL, "group": group}})
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["source"]["pointer"].endswith("/owner") and "owner" in error["title"]

    assert api.post("/deals", json={"deal": {**DEAL, "group": group, "owner": "1"}}).status_code == 201
    assert api.post("/deals", json={"deal": {**DEAL, "group": "1"}}).status_code == 201, "pipeline 1 auto-assigns"


def test_contact_edit_without_an_email_is_refused_by_the_legacy_api(with_contact) -> None:
    refused = legacy(with_contact, "contact_edit", {"id": "1", "first_name": "Augusta"})
    assert refused["result_code"] == 0 and "Email" in refused["result_message"]
    assert with_contact.record("contacts", 1)["firstName"] != "Augusta"

    edited = legacy(with_contact, "contact_edit", {"id": "1", "email": "ada@example.com", "first_name": "Augusta"})
    assert edited["result_code"] == 1 and with_contact.record("contacts", 1)["firstName"] == "Augusta"


@pytest.mark.parametrize(("isdefault", "status"), [(None, 422), ("yes", 422), (False, 201), (True, 201), (0, 201)])
def test_field_option_isdefault_must_be_a_boolean(isdefault, status, activecampaign_emulator, api) -> None:
    activecampaign_emulator.insert("fields", id="1", title="Colour", type="dropdown")
    option = {"field": "1", "value": "red", "label": "Red", "orderid": 1, "isdefault": isdefault}

    reply = api.post("/fieldOption/bulk", json={"fieldOptions": [option]})

    assert reply.status_code == status, reply.text
    assert len(activecampaign_emulator.records("fieldOptions")) == (1 if status == 201 else 0)


def test_the_legacy_update_operator_sends_the_contacts_own_email(with_contact) -> None:
    """The provider reads the e-mail first, so that an update of other fields is not refused."""
    from airflow_provider_activecampaign.operators import ActiveCampaignLegacyUpdateContactOperator

    ActiveCampaignLegacyUpdateContactOperator(task_id="t", contact_id=1, first_name="Augusta").execute(context={})

    assert with_contact.requests[-1].form["email"] == ["ada@example.com"]
    assert with_contact.record("contacts", 1)["firstName"] == "Augusta"


def test_an_order_needs_its_order_id_or_its_cart_id(api: httpx.Client) -> None:
    """The document: ``externalid`` is "only required if externalcheckoutid not included" (an abandoned cart)."""
    connection = api.post("/connections", json={"connection": {
        "service": "shop", "externalid": "shop-1", "name": "Shop", "logoUrl": "https://l", "linkUrl": "https://s"}})
    customer = api.post("/ecomCustomers", json={"ecomCustomer": {
        "connectionid": connection.json()["connection"]["id"], "externalid": "c1", "email": "ada@example.com"}})
    order = {"source": 1, "email": "ada@example.com", "totalPrice": 100, "currency": "USD",
             "connectionid": connection.json()["connection"]["id"],
             "customerid": customer.json()["ecomCustomer"]["id"], "externalCreatedDate": "2026-01-01T00:00:00-06:00",
             "abandonedDate": "2026-01-01T00:00:00-06:00"}

    refused = api.post("/ecomOrders", json={"ecomOrder": order})
    assert refused.status_code == 422
    assert [e["source"]["pointer"] for e in refused.json()["errors"]] == ["/data/attributes/externalid"]
    assert api.post("/ecomOrders", json={"ecomOrder": {**order, "externalcheckoutid": "cart-1"}}).status_code == 201
    assert api.post("/ecomOrders", json={"ecomOrder": {**order, "externalid": "order-1"}}).status_code == 201
