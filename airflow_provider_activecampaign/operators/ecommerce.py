"""E-commerce: customers and orders of a store connection (Deep Data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_activecampaign.operators.generic import ActiveCampaignCreateOperator


class ActiveCampaignCreateEcomCustomerOperator(ActiveCampaignCreateOperator):
    """Add a store's customer (``POST /ecomCustomers``). Returns the customer.

    A retried task looks for the customer its first attempt made (by connection and external id).

    :param connection_id: the store connection's id.
    :param external_id: the customer's id in the store.
    :param email: the customer's e-mail address.
    :param accepts_marketing: whether the customer opted in to marketing.
    """

    parameters = {"connection_id": "connectionid", "external_id": "externalid", "email": "email",
                  "accepts_marketing": "acceptsMarketing"}

    def __init__(self, *, connection_id: int | str, external_id: str, email: str,
                 accepts_marketing: bool | None = None, **kwargs: Any) -> None:
        body = self.named_body({"connection_id": connection_id, "external_id": external_id, "email": email,
                                "accepts_marketing": accepts_marketing})
        super().__init__(resource="ecomCustomer", body=body, **kwargs)


class ActiveCampaignCreateEcomOrderOperator(ActiveCampaignCreateOperator):
    """Add a store's order, or an abandoned cart (``POST /ecomOrders``). Returns the order.

    Amounts are whole cents ($456.78 is 45678). Give ``external_id`` for an order,
    ``external_checkout_id`` for a cart. A retried task looks for the order its first attempt
    made (by connection and external ids).

    :param connection_id: the store connection's id.
    :param customer_id: the e-commerce customer's id.
    :param email: the customer's e-mail address.
    :param external_id: the order's id in the store.
    :param external_checkout_id: the cart's id there.
    :param total_price: the order's total, in cents.
    :param currency: e.g. ``"usd"``.
    :param order_products: ``[{"externalid", "name", "price", "quantity", ...}]``.
    :param external_created_date: when the store created the order.
    :param source: 1 real-time (the default: automations and the dashboard see it), 0 historical.
    :param extra_fields: any other order field as the API names it (``shippingAmount``, ``orderUrl``...).
    """

    parameters = {"connection_id": "connectionid", "customer_id": "customerid", "email": "email",
                  "external_id": "externalid", "external_checkout_id": "externalcheckoutid",
                  "total_price": "totalPrice", "currency": "currency", "order_products": "orderProducts",
                  "external_created_date": "externalCreatedDate", "source": "source"}
    template_fields: Sequence[str] = ActiveCampaignCreateOperator.template_fields

    def __init__(self, *, connection_id: int | str, customer_id: int | str, email: str, total_price: int,
                 currency: str, external_created_date: Any, order_products: list[Mapping[str, Any]] | None = None,
                 external_id: str | None = None, external_checkout_id: str | None = None, source: int = 1,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({
            "connection_id": connection_id, "customer_id": customer_id, "email": email, "total_price": total_price,
            "currency": currency, "external_created_date": external_created_date, "order_products": order_products,
            "external_id": external_id, "external_checkout_id": external_checkout_id, "source": source,
        }, extra_fields)
        super().__init__(resource="ecomOrder", body=body, **kwargs)
