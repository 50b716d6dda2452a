"""Hooks: the transport to ActiveCampaign's API."""

from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook

__all__ = ["ActiveCampaignAsyncHook", "ActiveCampaignHook"]
