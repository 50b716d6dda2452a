"""E-commerce customers and orders: typed parameters, checked before any request (as the DAG is parsed)."""

from __future__ import annotations

import pytest

from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateEcomCustomerOperator,
    ActiveCampaignCreateEcomOrderOperator,
)

ORDER = {"connection_id": 1, "customer_id": 2, "email": "ada@example.com", "total_price": 4567, "currency": "USD",
         "external_created_date": "2026-12-05T10:00:00Z", "external_id": "o-1",
         "order_products": [{"externalid": "p-1", "name": "Pen", "price": 4567, "quantity": 1}]}


@pytest.mark.parametrize(("operator", "kwargs", "field"), [
    (ActiveCampaignCreateEcomCustomerOperator, {"connection_id": "x", "external_id": "c-1", "email": "a@b.co"},
     "connection_id"),
    (ActiveCampaignCreateEcomCustomerOperator, {"connection_id": 1, "external_id": "c-1", "email": "nobody"},
     "email"),
    (ActiveCampaignCreateEcomOrderOperator, {**ORDER, "total_price": -1}, "total_price"),
    (ActiveCampaignCreateEcomOrderOperator, {**ORDER, "currency": "dollars"}, "currency"),
    (ActiveCampaignCreateEcomOrderOperator, {**ORDER, "source": 7}, "source"),
    (ActiveCampaignCreateEcomOrderOperator, {**ORDER, "external_id": None}, "external_id or external_checkout_id"),
    (ActiveCampaignCreateEcomOrderOperator, {**ORDER, "extra_fields": {"totalPrice": 1}}, "extra_fields.totalPrice"),
    (ActiveCampaignCreateEcomOrderOperator, {**ORDER, "extra_fields": {"colour": "red"}}, "extra_fields.colour"),
])
def test_bad_input_is_refused_when_the_dag_is_parsed(operator, kwargs, field) -> None:
    with pytest.raises(ActiveCampaignInputError) as caught:
        operator(task_id="bad", **kwargs)
    assert caught.value.field == field
    assert f"{operator.__name__}(task_id='bad')" in str(caught.value)


def test_an_order_body_is_the_apis() -> None:
    op = ActiveCampaignCreateEcomOrderOperator(task_id="order", **ORDER)
    assert op.body["totalPrice"] == 4567 and op.body["externalid"] == "o-1" and op.body["source"] == 1
    assert op.spec().name == "ecomOrder"
