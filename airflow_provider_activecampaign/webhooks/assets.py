"""Webhook assets: the asset each event type of an account is recorded on, and recording one event."""

from __future__ import annotations

import inspect
from typing import Any

from airflow.providers.common.compat.sdk import Asset

from airflow_provider_activecampaign.assets import normalize_account, resource_uri
from airflow_provider_activecampaign.webhooks.forms import WEBHOOK_EVENTS

DEFAULT_ACCOUNT = "default"


def activecampaign_asset(event_type: str, account: str = DEFAULT_ACCOUNT) -> Asset:
    """The asset that receives webhook deliveries of ``event_type`` for ``account``.

    Name ``activecampaign_<account>_<event_type>``, URI ``activecampaign://<account>/webhooks/<event_type>``,
    group ``activecampaign``. The account label is the one used in the receiver URL
    (``/activecampaign/webhooks/<account>``), lower-cased.
    """
    if event_type not in WEBHOOK_EVENTS:
        raise ValueError(
            f"unknown ActiveCampaign webhook event {event_type!r}; expected one of {sorted(WEBHOOK_EVENTS)}"
        )
    account = normalize_account(account)
    return Asset(
        name=f"activecampaign_{account}_{event_type}",
        uri=resource_uri(account, f"webhooks/{event_type}"),
        group="activecampaign",
    )


def _accepts_keyword(func: Any, name: str) -> bool:
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def record_asset_event(asset: Asset, extra: dict[str, Any]) -> int | None:
    """Record one asset event the way Airflow's ``POST /api/v2/assets/events`` does.

    Looks the asset up by name and URI and returns ``None`` (no row written) if no DAG has
    registered it yet. Otherwise calls ``AssetManager.register_asset_change`` (which also queues
    the DAG runs scheduled on the asset), commits, and returns the new event's id.
    Must run where Airflow's metadata database is configured (the API server).
    """
    from airflow.assets.manager import asset_manager
    from airflow.models.asset import AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    register = asset_manager.register_asset_change
    kwargs: dict[str, Any] = {}
    if _accepts_keyword(register, "source_is_api"):  # Airflow >= 3.2: events not produced by a task
        kwargs["source_is_api"] = True
    with create_session(scoped=False) as session:
        model = session.scalar(
            select(AssetModel).where(AssetModel.name == asset.name, AssetModel.uri == asset.uri).limit(1)
        )
        if model is None:
            return None
        event = register(asset=model, extra=extra, session=session, **kwargs)
        if event is None:
            return None
        session.flush()
        event_id = int(event.id)
    return event_id

