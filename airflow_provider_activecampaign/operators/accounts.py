"""Accounts (companies), and the deprecated organizations."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from airflow_provider_activecampaign.catalogue import Resource, compact, resource
from airflow_provider_activecampaign.exceptions import ActiveCampaignNotFoundError
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignListOperator,
)


class ActiveCampaignCreateAccountOperator(ActiveCampaignCreateOperator):
    """Create an account, i.e. a company (``POST /accounts``); 422 if the name exists. Returns it.

    :param name: the account's name.
    :param account_url: its website.
    :param owner_id: the user owning it.
    :param custom_fields: custom field values, ``{field id: value}`` or the API's list. Field ids are
        checked against the account's account fields before the write (one extra read per task, only when given).
    :param extra_fields: other account fields of the API, as the API names them.
    """

    parameters = {"name": "name", "account_url": "accountUrl", "owner_id": "owner", "custom_fields": "fields"}

    def __init__(self, *, name: str, account_url: str | None = None, owner_id: int | str | None = None,
                 custom_fields: Mapping[Any, Any] | list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"name": name, "account_url": account_url, "owner_id": owner_id,
                                "custom_fields": custom_fields}, extra_fields)
        super().__init__(resource="account", body=body, **kwargs)


class ActiveCampaignGetAccountOperator(ActiveCampaignGetOperator):
    """Get an account (``GET /accounts/{id}``).

    :param account_id: the account's id (templated).
    """

    id_param = "account_id"

    def __init__(self, *, account_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="account", record_id=account_id, **kwargs)


class ActiveCampaignDeleteAccountOperator(ActiveCampaignDeleteOperator):
    """Delete an account (``DELETE /accounts/{id}``).

    :param account_id: the account's id (templated).
    """

    id_param = "account_id"

    def __init__(self, *, account_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="account", record_id=account_id, **kwargs)


class ActiveCampaignListAccountsOperator(ActiveCampaignListOperator):
    """List accounts (``GET /accounts``).

    :param search: part of the account's name.
    :param count_deals: also count each account's contacts and deals (``contactCount``, ``dealCount``).
    """

    def __init__(self, *, search: str | None = None, count_deals: bool | None = None, limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(search=search, count_deals=count_deals)
        super().__init__(resource="account", filters=filters, limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignListOrganizationsOperator(ActiveCampaignListOperator):
    """List organizations (``GET /organizations``).

    ActiveCampaign deprecated organizations in favour of accounts. When the account answers
    404 for ``/organizations``, the operator logs a warning and lists accounts instead
    (``GET /accounts``, ``name`` searched with ``search``): the records are then accounts.

    :param name: the organization's name.
    """

    def __init__(self, *, name: str | None = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="organization", filters=compact(name=name), limit=limit,
                         output_path=output_path, **kwargs)

    def pages(self, spec: Resource, params: dict[str, Any], limit: int | None,
              position: Mapping[str, Any] | None = None) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
        pages = super().pages(spec, params, limit, position)
        try:
            first = next(pages, None)
        except ActiveCampaignNotFoundError as error:
            self.log.warning("%s: organizations are deprecated (%s); listing accounts instead", self.where, error)
            accounts = resource("account")
            search = {"search": params["filters[name]"]} if "filters[name]" in params else None
            return self.hook.pages(accounts.path, accounts.plural, params=search, limit=limit)
        return itertools.chain([] if first is None else [first], pages)
