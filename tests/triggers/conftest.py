"""Trigger tests are about polls: the account's date-filter reading is known before they start
(the emulator's default, the instant as sent), so no probe request mixes with their counts and faults."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _reading_known(request):
    if "emulator" in request.fixturenames:
        from airflow_provider_activecampaign.client.date_filters import DateFilters, remember

        emulator = request.getfixturevalue("emulator")
        remember(emulator.url, DateFilters(frozenset({emulator.date_filters})))


@pytest.fixture(autouse=True)
def _fresh_round_trips():
    """Each test measures change streams' confirmations against its own (none yet)."""
    from airflow_provider_activecampaign.triggers.change_pacing import ROUND_TRIPS

    ROUND_TRIPS.took.clear()
