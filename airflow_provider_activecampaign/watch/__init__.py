"""Watch: the windows a Watch run reports and the one search behind sensors and triggers."""

from airflow_provider_activecampaign.watch.search import (
    PARENT_PATHS,
    SERVER_WINDOW_OVERLAP,
    WATCH_KINDS,
    WINDOW_FILTERS,
    WatchSearch,
)
from airflow_provider_activecampaign.watch.timestamps import (
    ACCOUNT_TIMEZONE,
    ACCOUNT_ZONE_SPREAD,
    field_zone,
    parse_timestamp,
    parse_when,
    record_time,
)
from airflow_provider_activecampaign.watch.windows import DEFAULT_LOOKBACK, Window, resolve_window

__all__ = [
    "ACCOUNT_TIMEZONE",
    "ACCOUNT_ZONE_SPREAD",
    "DEFAULT_LOOKBACK",
    "PARENT_PATHS",
    "SERVER_WINDOW_OVERLAP",
    "WATCH_KINDS",
    "WINDOW_FILTERS",
    "WatchSearch",
    "Window",
    "field_zone",
    "parse_timestamp",
    "parse_when",
    "record_time",
    "resolve_window",
]
