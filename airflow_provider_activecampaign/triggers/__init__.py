"""Triggers for ActiveCampaign."""

from airflow_provider_activecampaign.triggers.activecampaign import ActiveCampaignWatchTrigger
from airflow_provider_activecampaign.triggers.change import ActiveCampaignChangeTrigger

__all__ = ["ActiveCampaignChangeTrigger", "ActiveCampaignWatchTrigger"]
