"""pytest fixtures for the ActiveCampaign emulator.

Enable with ``pytest_plugins = ["airflow_provider_activecampaign.testing.pytest_plugin"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from airflow_provider_activecampaign.testing.emulator import ActiveCampaignEmulator

#: the network-like delay before each request reaches the fixtures' emulator (seconds, random in the span)
EMULATOR_LATENCY = (0.0, 0.01)


@pytest.fixture
def activecampaign_emulator() -> Iterator[ActiveCampaignEmulator]:
    """A started emulator on a free port (minimal seed, rate limit off, 0-10 ms of latency), stopped afterwards.

    Set ``emulator.rate_limit = 5`` for the API's limit, ``emulator.latency = None`` for none. What this
    process learnt of an earlier emulator's date filters is forgotten (a port may be reused).
    """
    from airflow_provider_activecampaign.client.date_filters import forget

    forget()
    with ActiveCampaignEmulator(latency=EMULATOR_LATENCY) as emulator:
        yield emulator
    forget()


@pytest.fixture
def activecampaign_connection(
    activecampaign_emulator: ActiveCampaignEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ActiveCampaignEmulator]:
    """The emulator, as Airflow's ``activecampaign_default`` connection (``AIRFLOW_CONN_...``)."""
    monkeypatch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", activecampaign_emulator.connection_json())
    yield activecampaign_emulator
