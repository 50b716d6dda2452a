"""E-commerce customers and orders over HTTP against the emulator: typed parameters, checked before any
request (as the DAG is parsed), and the API's refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateEcomCustomerOperator,
    ActiveCampaignCreateEcomOrderOperator,
)
from tests.operators import tables
from tests.operators.helpers import ApiErrorCase, CallCase, by

ORDER = {"connection_id": 1, "customer_id": 2, "email": "ada@example.com", "total_price": 4567, "currency": "USD",
         "external_created_date": "2026-12-05T10:00:00Z", "external_id": "o-1",
         "order_products": [{"externalid": "p-1", "name": "Pen", "price": 4567, "quantity": 1}]}
CUSTOMER = {"connection_id": 1, "external_id": "c-1", "email": "a@b.co"}


@pytest.fixture
def world(world: dict[str, str], emulator) -> dict[str, str]:
    """The conftest's account with a store connection "Shop" and its customer ``c-1`` (Ada)."""
    shop = emulator.insert("connections", service="shop", externalid="s1", name="Shop", logoUrl="", linkUrl="")
    customer = emulator.insert("ecomCustomers", connectionid=shop["id"], externalid="c-1", email="ada@example.com")
    emulator.clear_requests()
    return {**world, "shop": shop["id"], "customer": customer["id"]}


def order(w: dict[str, str], **changes: Any) -> ActiveCampaignCreateEcomOrderOperator:
    """An order of Ada's at the shop, with ``changes``."""
    return ActiveCampaignCreateEcomOrderOperator(
        task_id="t", **{**ORDER, "connection_id": w["shop"], "customer_id": w["customer"], **changes})


HAPPY: dict[str, CallCase] = {
    "add a customer": (
        lambda w: ActiveCampaignCreateEcomCustomerOperator(task_id="t", connection_id=w["shop"], external_id="c-2",
                                                           email="grace@example.com", accepts_marketing=True),
        lambda emu, w, r: by(emu, "ecomCustomers", id=r["id"], externalid="c-2", acceptsMarketing="1")),
    "add an order": (
        lambda w: order(w),
        lambda emu, w, r: (by(emu, "ecomOrders", id=r["id"], externalid="o-1", totalPrice="4567", source="1")
                           and len(by(emu, "ecomOrderProducts", orderid=r["id"])) == 1)),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "customer connection_id": (
        lambda: ActiveCampaignCreateEcomCustomerOperator(task_id="t", **{**CUSTOMER, "connection_id": "x"}),
        "connection_id"),
    "customer email": (
        lambda: ActiveCampaignCreateEcomCustomerOperator(task_id="t", **{**CUSTOMER, "email": "nobody"}), "email"),
    "customer external_id": (
        lambda: ActiveCampaignCreateEcomCustomerOperator(task_id="t", **{**CUSTOMER, "external_id": ""}),
        "external_id"),
    "order total_price": (
        lambda: ActiveCampaignCreateEcomOrderOperator(task_id="t", **{**ORDER, "total_price": -1}), "total_price"),
    "order currency": (
        lambda: ActiveCampaignCreateEcomOrderOperator(task_id="t", **{**ORDER, "currency": "dollars"}), "currency"),
    "order source": (lambda: ActiveCampaignCreateEcomOrderOperator(task_id="t", **{**ORDER, "source": 7}), "source"),
    "order without external ids": (
        lambda: ActiveCampaignCreateEcomOrderOperator(task_id="t", **{**ORDER, "external_id": None}),
        "external_id or external_checkout_id"),
    "order extra field it has a parameter for": (
        lambda: ActiveCampaignCreateEcomOrderOperator(task_id="t", **{**ORDER, "extra_fields": {"totalPrice": 1}}),
        "extra_fields.totalPrice"),
    "order unknown extra field": (
        lambda: ActiveCampaignCreateEcomOrderOperator(task_id="t", **{**ORDER, "extra_fields": {"colour": "red"}}),
        "extra_fields.colour"),
    "order customer_id": (
        lambda: ActiveCampaignCreateEcomOrderOperator(task_id="t", **{**ORDER, "customer_id": "x"}), "customer_id"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "customer of an unknown connection": (
        lambda w: ActiveCampaignCreateEcomCustomerOperator(task_id="t", connection_id=999, external_id="c-2",
                                                           email="grace@example.com"),
        None, 422, "The connectionid 999 does not exist"),
    "order of an unknown customer": (
        lambda w: order(w, customer_id=999), None, 422, "The customerid 999 does not exist"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_an_order_body_is_the_apis() -> None:
    op = ActiveCampaignCreateEcomOrderOperator(task_id="order", **ORDER)
    assert op.body["totalPrice"] == 4567 and op.body["externalid"] == "o-1" and op.body["source"] == 1
    assert op.spec().name == "ecomOrder"
