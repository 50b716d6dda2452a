"""Task decorators: ``@task.activecampaign``."""

from airflow_provider_activecampaign.decorators.activecampaign import activecampaign_task

__all__ = ["activecampaign_task"]
