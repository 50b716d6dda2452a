"""pytest fixtures for the ActiveCampaign emulator.

Enable with ``pytest_plugins = ["airflow_provider_activecampaign.testing.pytest_plugin"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from airflow_provider_activecampaign.testing.emulator import ActiveCampaignEmulator


@pytest.fixture
def activecampaign_emulator() -> Iterator[ActiveCampaignEmulator]:
    """A started emulator on a free port (minimal seed, rate limit off), stopped afterwards.

    What this process learnt of an earlier emulator's date filters is forgotten (a port may be reused).
    """
    from airflow_provider_activecampaign.client.date_filters import forget

    forget()
    with ActiveCampaignEmulator() as emulator:
        yield emulator
    forget()


@pytest.fixture
def activecampaign_connection(
    activecampaign_emulator: ActiveCampaignEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ActiveCampaignEmulator]:
    """The emulator, as Airflow's ``activecampaign_default`` connection (``AIRFLOW_CONN_...``)."""
    monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", activecampaign_emulator.connection_json())
    yield activecampaign_emulator
