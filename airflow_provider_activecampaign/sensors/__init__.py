"""Watch sensors for ActiveCampaign (see docs/coverage.md)."""

from airflow_provider_activecampaign.sensors.activecampaign import (
    ActiveCampaignWatchCalendarFeedsSensor,
    ActiveCampaignWatchContactAutomationsSensor,
    ActiveCampaignWatchContactsSensor,
    ActiveCampaignWatchDealsSensor,
    ActiveCampaignWatchSensor,
    ActiveCampaignWatchTasksSensor,
)

__all__ = [
    "ActiveCampaignWatchCalendarFeedsSensor",
    "ActiveCampaignWatchContactAutomationsSensor",
    "ActiveCampaignWatchContactsSensor",
    "ActiveCampaignWatchDealsSensor",
    "ActiveCampaignWatchSensor",
    "ActiveCampaignWatchTasksSensor",
]
