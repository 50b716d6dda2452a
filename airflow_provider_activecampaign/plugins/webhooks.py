"""The Airflow plugin that mounts the ActiveCampaign webhook receiver in the API server.

Configuration (``airflow.cfg`` or environment):

- ``[activecampaign] webhook_token`` (``AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN``): shared secret,
  at least 16 characters; several comma-separated tokens are all accepted (rotation).
  Without one, or with a shorter one, the plugin still mounts, logs one ERROR line, and
  ``/activecampaign/health`` and every delivery answer 503 with the reason.
- ``[activecampaign] webhook_max_bytes`` (default 262144): largest accepted body.
- ``[activecampaign] webhook_read_timeout`` (default 10): seconds for a whole body to arrive.
- ``[activecampaign] webhook_record_retry_seconds`` (default 5): how long recording retries a
  failing metadata database before answering 500.
- ``[activecampaign] webhook_header_timeout`` (default 10; 0 for none): seconds for a request's
  headers to arrive, for every route of the API server's uvicorn (slower: 408, connection closed).

The plugin class is built on first access, so DAG files that only import
:func:`activecampaign_asset` (kept here for DAGs written against 0.1) do not import FastAPI; the
receiver app is created when Airflow asks for the plugin's FastAPI apps (the API server does), so
schedulers, workers and task logs neither build it nor repeat its configuration error.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign.webhooks import activecampaign_asset

__all__ = ["URL_PREFIX", "activecampaign_asset"]  # and ActiveCampaignWebhooksPlugin, built on access

URL_PREFIX = "/activecampaign"


class _ReceiverApps:
    """The plugin's ``fastapi_apps``: the receiver app, created the first time they are read."""

    def __init__(self) -> None:
        self._apps: list[dict[str, Any]] | None = None

    def __get__(self, instance: object, owner: type) -> list[dict[str, Any]]:
        if self._apps is None:
            from airflow_provider_activecampaign.webhooks.receiver import create_app

            self._apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "ActiveCampaign webhooks"}]
        return self._apps


def _build_plugin_class() -> type:
    from airflow.providers.common.compat.sdk import AirflowPlugin

    class ActiveCampaignWebhooksPlugin(AirflowPlugin):
        """Mounts the ActiveCampaign webhook receiver in the Airflow API server at ``/activecampaign``."""

        name = "activecampaign_webhooks"
        fastapi_apps = _ReceiverApps()

    ActiveCampaignWebhooksPlugin.__module__ = __name__
    ActiveCampaignWebhooksPlugin.__qualname__ = "ActiveCampaignWebhooksPlugin"
    return ActiveCampaignWebhooksPlugin


def __getattr__(name: str) -> Any:
    # Built on first access (entry point or import) so that DAG files do not pay for FastAPI.
    if name == "ActiveCampaignWebhooksPlugin":
        plugin = globals()[name] = _build_plugin_class()
        return plugin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
