"""The transport: connection settings, redaction, rate limiting, the sans-IO request core and paging.

Importable without Airflow's task machinery; the hooks drive it with httpx.
"""

from airflow_provider_activecampaign.client.core import Call, RequestCore
from airflow_provider_activecampaign.client.paging import PAGE_SIZE, Pager
from airflow_provider_activecampaign.client.ratelimit import Permit, RateLimiter, limiter_for
from airflow_provider_activecampaign.client.redaction import protect_key
from airflow_provider_activecampaign.client.settings import (
    DEFAULT_CONN_ID,
    DEFAULT_REQUESTS_PER_SECOND,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    ConnectionSettings,
    account_url,
)

__all__ = [
    "DEFAULT_CONN_ID",
    "DEFAULT_REQUESTS_PER_SECOND",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "PAGE_SIZE",
    "Call",
    "ConnectionSettings",
    "Pager",
    "Permit",
    "RateLimiter",
    "RequestCore",
    "account_url",
    "limiter_for",
    "protect_key",
]
