"""Test support: an ActiveCampaign API emulator, pytest fixtures for it, and (in ``.webhooks``) the
webhook receiver on loopback with ``dag.test()`` on asset events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_activecampaign.testing.emulator import ActiveCampaignEmulator

__all__ = ["ActiveCampaignEmulator"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that ``python -m ...testing.emulator`` does not import the module twice.
    if name == "ActiveCampaignEmulator":
        from airflow_provider_activecampaign.testing.emulator import ActiveCampaignEmulator

        return ActiveCampaignEmulator
    raise AttributeError(name)
