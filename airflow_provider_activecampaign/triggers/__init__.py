"""Triggers for ActiveCampaign."""

from airflow_provider_activecampaign.triggers.activecampaign import ActiveCampaignWatchTrigger

__all__ = ["ActiveCampaignWatchTrigger"]
