"""Users and user groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.catalogue import resource
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator
from airflow_provider_activecampaign.operators.generic import ActiveCampaignGetOperator, ActiveCampaignListOperator

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignGetCurrentUserOperator(ActiveCampaignBaseOperator):
    """Get the user the API key belongs to (``GET /users/me``)."""

    def perform(self, context: Context) -> Any:
        return resource("user").unwrap(self.hook.request("GET", "users/me"))


class ActiveCampaignGetUserOperator(ActiveCampaignGetOperator):
    """Get a user (``GET /users/{id}``).

    :param user_id: the user's id (templated).
    """

    id_param = "user_id"

    def __init__(self, *, user_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="user", record_id=user_id, **kwargs)


class ActiveCampaignListUsersOperator(ActiveCampaignListOperator):
    """List users (``GET /users``)."""

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="user", limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignListGroupsOperator(ActiveCampaignListOperator):
    """List user groups (``GET /groups``)."""

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="group", limit=limit, output_path=output_path, **kwargs)
