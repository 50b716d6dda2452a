"""Deal pipelines and their stages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.catalogue import compact
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
)


class ActiveCampaignCreatePipelineOperator(ActiveCampaignCreateOperator):
    """Create a deal pipeline (``POST /dealGroups``). Returns the pipeline.

    :param title: the pipeline's title.
    :param currency: default currency of its deals (ISO 4217, e.g. ``"usd"``).
    :param all_groups: every user group may manage it (else only ``groups``).
    :param all_users: new deals are auto-assigned to all users (else only to ``users``).
    :param auto_assign: 0 off, 1 round robin, 2 by deal value.
    :param users: user ids to auto-assign deals to.
    :param groups: user group ids allowed to manage it.
    :param extra_fields: any other pipeline fields, as the API names them.
    """

    parameters = {"title": "title", "currency": "currency", "all_groups": "allgroups", "all_users": "allusers",
                  "auto_assign": "autoassign", "users": "users", "groups": "groups"}

    def __init__(self, *, title: str, currency: str, all_groups: bool | None = None, all_users: bool | None = None,
                 auto_assign: int | None = None, users: list[int | str] | None = None,
                 groups: list[int | str] | None = None, extra_fields: Mapping[str, Any] | None = None,
                 **kwargs: Any) -> None:
        body = self.named_body({"title": title, "currency": currency, "all_groups": all_groups,
                                "all_users": all_users, "auto_assign": auto_assign, "users": users,
                                "groups": groups}, extra_fields)
        super().__init__(resource="dealGroup", body=body, **kwargs)


class ActiveCampaignUpdatePipelineOperator(ActiveCampaignUpdateOperator):
    """Update a deal pipeline (``PUT /dealGroups/{id}``). Returns the pipeline.

    :param pipeline_id: the pipeline's id (templated).
    Other parameters as :class:`ActiveCampaignCreatePipelineOperator`, all optional.
    """

    parameters = {"title": "title", "currency": "currency", "all_groups": "allgroups", "all_users": "allusers",
                  "auto_assign": "autoassign", "users": "users", "groups": "groups"}
    id_param = "pipeline_id"

    def __init__(self, *, pipeline_id: int | str, title: str | None = None, currency: str | None = None,
                 all_groups: bool | None = None, all_users: bool | None = None, auto_assign: int | None = None,
                 users: list[int | str] | None = None, groups: list[int | str] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"title": title, "currency": currency, "all_groups": all_groups,
                                "all_users": all_users, "auto_assign": auto_assign, "users": users,
                                "groups": groups}, extra_fields)
        super().__init__(resource="dealGroup", record_id=pipeline_id, body=body, **kwargs)


class ActiveCampaignDeletePipelineOperator(ActiveCampaignDeleteOperator):
    """Delete a deal pipeline (``DELETE /dealGroups/{id}``).

    :param pipeline_id: the pipeline's id (templated).
    """

    id_param = "pipeline_id"

    def __init__(self, *, pipeline_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="dealGroup", record_id=pipeline_id, **kwargs)


class ActiveCampaignListPipelinesOperator(ActiveCampaignListOperator):
    """List deal pipelines (``GET /dealGroups``).

    :param title: part of the title.
    :param have_stages: 1 only pipelines with stages.
    :param order_by: ``title`` or ``popular`` (number of deals).
    :param order: ``ASC`` or ``DESC``.
    """

    def __init__(self, *, title: str | None = None, have_stages: bool | int | None = None,
                 order_by: str | None = None, order: str = "ASC", limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(title=title, have_stages=have_stages)
        orders = {order_by: order} if order_by else None
        super().__init__(resource="dealGroup", filters=filters, orders=orders, limit=limit,
                         output_path=output_path, **kwargs)


class ActiveCampaignCreateStageOperator(ActiveCampaignCreateOperator):
    """Create a deal stage (``POST /dealStages``). Returns the stage.

    :param title: the stage's title.
    :param pipeline_id: its pipeline.
    :param order: position in the pipeline (default: last).
    :param deal_order: how deals are sorted in it, e.g. ``"next-action DESC"``.
    :param color: hex colour without ``#``, e.g. ``"32B0FC"``.
    :param width: width in pixels.
    :param extra_fields: any other stage fields (``cardRegion1``..``cardRegion5``), as the API names them.
    """

    parameters = {"title": "title", "pipeline_id": "group", "order": "order", "deal_order": "dealOrder",
                  "color": "color", "width": "width"}

    def __init__(self, *, title: str, pipeline_id: int | str, order: int | None = None,
                 deal_order: str | None = None, color: str | None = None, width: int | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"title": title, "pipeline_id": pipeline_id, "order": order,
                                "deal_order": deal_order, "color": color, "width": width}, extra_fields)
        super().__init__(resource="dealStage", body=body, **kwargs)


class ActiveCampaignUpdateStageOperator(ActiveCampaignUpdateOperator):
    """Update a deal stage (``PUT /dealStages/{id}``). Returns the stage.

    :param stage_id: the stage's id (templated).
    Other parameters as :class:`ActiveCampaignCreateStageOperator`, all optional.
    """

    parameters = {"title": "title", "pipeline_id": "group", "order": "order", "deal_order": "dealOrder",
                  "color": "color", "width": "width"}
    id_param = "stage_id"

    def __init__(self, *, stage_id: int | str, title: str | None = None, pipeline_id: int | str | None = None,
                 order: int | None = None, deal_order: str | None = None, color: str | None = None,
                 width: int | None = None, extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"title": title, "pipeline_id": pipeline_id, "order": order,
                                "deal_order": deal_order, "color": color, "width": width}, extra_fields)
        super().__init__(resource="dealStage", record_id=stage_id, body=body, **kwargs)


class ActiveCampaignDeleteStageOperator(ActiveCampaignDeleteOperator):
    """Delete a deal stage (``DELETE /dealStages/{id}``).

    :param stage_id: the stage's id (templated).
    """

    id_param = "stage_id"

    def __init__(self, *, stage_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="dealStage", record_id=stage_id, **kwargs)


class ActiveCampaignListStagesOperator(ActiveCampaignListOperator):
    """List deal stages (``GET /dealStages``).

    :param pipeline: only the stages of this pipeline.
    :param title: part of the title.
    :param order_by: ``title``.
    :param order: ``ASC`` or ``DESC``.
    """

    def __init__(self, *, pipeline: int | str | None = None, title: str | None = None,
                 order_by: str | None = None, order: str = "ASC", limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        orders = {order_by: order} if order_by else None
        super().__init__(resource="dealStage", filters=compact(pipeline=pipeline, title=title), orders=orders,
                         limit=limit, output_path=output_path, **kwargs)
