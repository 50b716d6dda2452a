"""Webhook event names and sources, read from the catalogue's own module.

The emulator runs without Airflow (``python -m ...``, benchmark child processes), and importing the
catalogue package imports Airflow (through the provider's exceptions). So the catalogue's
``webhook_events.py``, which imports nothing, is executed here on its own: one list of names for
the catalogue, the operators, the receiver and the emulator. The resources and list filters are
checked against the catalogue by tests/emulator/test_catalogue_agreement.py instead.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def _catalogue_module(name: str) -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "catalogue" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_activecampaign_emulator_catalogue_{name}", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file ships with the package
        raise ImportError(f"cannot read {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_events = _catalogue_module("webhook_events")
WEBHOOK_EVENTS: tuple[str, ...] = _events.WEBHOOK_EVENTS
WEBHOOK_SOURCES: tuple[str, ...] = _events.WEBHOOK_SOURCES
EVENT_NAME_PATTERN: str = _events.EVENT_NAME_PATTERN
#: ``GET /webhook/events`` lists the event names in the API's (alphabetical) order.
EVENTS_IN_API_ORDER = tuple(sorted(WEBHOOK_EVENTS))
