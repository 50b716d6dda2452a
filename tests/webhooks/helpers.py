"""Shared by the receiver tests: tokens, a delivery, a DAG file on the assets, and reading events back."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

TOKEN = "whk-tok3n-5ecret-0123456789abcdef"
OTHER_TOKEN = "rotated-tok3n-fedcba9876543210"
FORM = "application/x-www-form-urlencoded"

DAG_FILE = """
from airflow.sdk import DAG, task
from airflow_provider_activecampaign.plugins.webhooks import activecampaign_asset

with DAG("test_webhooks_on_deal_add", schedule=[activecampaign_asset("deal_add")], catchup=False):
    @task
    def handle():
        return None
    handle()

with DAG("test_webhooks_on_acme_subscribe", schedule=[activecampaign_asset("subscribe", "acme-eu")], catchup=False):
    @task
    def handle_subscribe():
        return None
    handle_subscribe()
"""

#: A deal_add delivery shaped like the AsyncAPI profile (envelope + contact block + deal block).
DEAL_ADD = [
    ("type", "deal_add"),
    ("date_time", "2024-05-02T10:15:00-05:00"),
    ("initiated_from", "admin"),
    ("initiated_by", "admin"),
    ("list", "0"),
    ("contact[id]", "27"),
    ("contact[email]", "ada@example.com"),
    ("contact[first_name]", "Ada"),
    ("contact[tags]", "vip, newsletter"),
    ("contact[fields][favourite_color]", "blue"),
    ("contact[fields][12]", "Lovelace & Co"),
    ("deal[id]", "42"),
    ("deal[title]", "Analytical engine"),
    ("deal[value]", "1250000"),
    ("deal[currency]", "usd"),
    ("deal[pipelineid]", "1"),
    ("deal[stageid]", "3"),
    ("deal[contactid]", "27"),
]



# ------------------------------------------------------------------------------------------
# Fixtures: Airflow database with a DAG on the assets, and the receiver on a real port
# ------------------------------------------------------------------------------------------


def sync_dag_file(folder: Path) -> None:
    """Parse ``folder`` and write its DAGs (and their assets) to the metadata DB, unpaused."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    DagBundlesManager().sync_bundles_to_db()
    try:  # Airflow >= 3.1
        from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
    except ImportError:  # Airflow 3.0
        from airflow.models.dagbag import DagBag

        sync_bag_to_db = None
    kwargs: dict[str, Any] = {"bundle_path": folder}
    if "include_examples" in inspect.signature(DagBag.__init__).parameters:
        kwargs["include_examples"] = False
    bag = DagBag(dag_folder=str(folder), **kwargs)
    assert bag.import_errors == {}
    assert set(bag.dags) == {"test_webhooks_on_deal_add", "test_webhooks_on_acme_subscribe"}
    if sync_bag_to_db is not None:
        sync_bag_to_db(bag, "dags-folder", None)
    else:
        bag.sync_to_db("dags-folder", None)
    with create_session() as session:
        session.execute(update(DagModel).where(DagModel.dag_id.in_(bag.dags)).values(is_paused=False))


def _post(
    client: httpx.Client,
    pairs: list[tuple[str, str]] | None = None,
    *,
    token: str | None = TOKEN,
    account: str = "default",
    content: bytes | Iterator[bytes] | None = None,
    content_type: str = FORM,
    **kwargs: Any,
) -> httpx.Response:
    params = {"token": token} if token is not None else {}
    body = content if content is not None else urlencode(pairs or DEAL_ADD).encode()
    return client.post(
        f"/webhooks/{account}", params=params, content=body, headers={"Content-Type": content_type}, **kwargs
    )


def _events(asset_name: str) -> list[Any]:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        events = session.scalars(
            select(AssetEvent)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.name == asset_name)
        ).all()
        session.expunge_all()
        return list(events)


def _all_event_count() -> int:
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        return session.scalar(select(func.count()).select_from(AssetEvent)) or 0


def _queued_dag_ids(asset_name: str) -> set[str]:
    from airflow.models.asset import AssetDagRunQueue, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.scalars(
            select(AssetDagRunQueue.target_dag_id)
            .join(AssetModel, AssetDagRunQueue.asset_id == AssetModel.id)
            .where(AssetModel.name == asset_name)
        ).all()
        return set(rows)


