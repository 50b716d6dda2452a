"""Airflow plugins shipped with the ActiveCampaign provider."""
