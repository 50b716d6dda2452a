"""Webhook deliveries as asset events: form parsing, tokens, assets and the receiver app.

DAGs import :func:`activecampaign_asset` from here; the receiver app is mounted by
:mod:`airflow_provider_activecampaign.plugins.webhooks`.
"""

from airflow_provider_activecampaign.webhooks.assets import DEFAULT_ACCOUNT, activecampaign_asset, normalize_account
from airflow_provider_activecampaign.webhooks.forms import WEBHOOK_EVENTS, parse_bracketed_form

__all__ = ["DEFAULT_ACCOUNT", "WEBHOOK_EVENTS", "activecampaign_asset", "normalize_account", "parse_bracketed_form"]
