"""Webhook event names and sources, from the catalogue (which imports nothing beyond the standard library).

One list of names for the catalogue, the operators, the receiver and the emulator.
tests/emulator/test_catalogue_agreement.py checks that the emulator's resources and routes are made from
the catalogue's, and that the emulator runs without Airflow.
"""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue.webhook_events import (
    EVENT_NAME_PATTERN,
    WEBHOOK_EVENTS,
    WEBHOOK_SOURCES,
)

__all__ = ["EVENTS_IN_API_ORDER", "EVENT_NAME_PATTERN", "WEBHOOK_EVENTS", "WEBHOOK_SOURCES"]

#: ``GET /webhook/events`` lists the event names in the API's (alphabetical) order.
EVENTS_IN_API_ORDER = tuple(sorted(WEBHOOK_EVENTS))
