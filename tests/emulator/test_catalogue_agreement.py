"""The emulator and the catalogue describe the same API: paths, envelopes, operations, list filters, webhook names.

The emulator keeps its own resource table (it runs without Airflow, which the catalogue package
imports); these tests make sure the two can never drift.
"""

from __future__ import annotations

import re

import httpx
import pytest

from airflow_provider_activecampaign.catalogue import RESOURCES as CATALOGUE
from airflow_provider_activecampaign.catalogue import WEBHOOK_EVENTS, WEBHOOK_SOURCES
from airflow_provider_activecampaign.catalogue.coverage import catalogue_operations
from airflow_provider_activecampaign.catalogue.tables import RESOURCES as TABLES
from airflow_provider_activecampaign.testing.emulator import names, routes
from airflow_provider_activecampaign.testing.emulator.resources import RESOURCES
from tests.fidelity.unserved import UNSERVED

#: The first resources (catalogue/resources.py); those of the chapters' tables (catalogue/tables/) are
#: checked once the emulator serves them from the catalogue itself (issue #18, the emulator side).
DESCRIBED = sorted((r for r in CATALOGUE.values() if r.name not in {t.name for t in TABLES}), key=lambda r: r.name)


def _normal(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


CATALOGUE_OPERATIONS = sorted(catalogue_operations().items())
NOT_SERVED = {(op.split(" ", 1)[0], _normal(op.split(" ", 1)[1])) for op in UNSERVED}


@pytest.mark.parametrize(("operation", "entry"), CATALOGUE_OPERATIONS, ids=lambda v: " ".join(v) if
                         isinstance(v, tuple) else v)
def test_every_catalogue_operation_is_routed_or_listed_as_not_served(operation: tuple[str, str], entry: str) -> None:
    """The whole catalogue (every chapter's table): the emulator routes each operation, or
    tests/fidelity/unserved.py says why not."""
    method, path = operation
    segments = routes._collapsed([("1" if part == "{}" else part) for part in path.strip("/").split("/")])
    served = any(r.method == method and r.matches_path(segments) and (
        r.operation is None or r.operation in routes.RESOURCES[segments[0]].ops) for r in routes.ROUTES)
    assert served or (method, path) in NOT_SERVED, f"{entry}: {method} {path} is neither served nor listed"


@pytest.mark.parametrize("described", DESCRIBED, ids=lambda r: r.name)
def test_every_catalogue_resource_is_served_at_its_path_with_its_envelopes(described) -> None:
    served = RESOURCES.get(described.path)
    assert served is not None, f"the emulator does not serve /api/3/{described.path}"
    assert (served.singular, served.plural) == (described.singular, described.plural)


@pytest.mark.parametrize("described", DESCRIBED, ids=lambda r: r.name)
def test_every_catalogue_operation_is_served(described) -> None:
    served = RESOURCES[described.path]
    special = {"campaigns": {"delete"}}.get(described.path, set())  # DELETE /campaigns/{id} is its own route
    assert set(described.operations) <= set(served.ops) | special


@pytest.mark.parametrize(("described", "param"), [
    (described, spec.param) for described in DESCRIBED for spec in described.filters.values()
], ids=lambda value: getattr(value, "name", value))
def test_every_catalogue_list_filter_is_understood(described, param: str) -> None:
    assert RESOURCES[described.path].understands(param), (
        f"{described.path}: the catalogue documents {param!r}, the emulator would ignore it")


@pytest.mark.parametrize("described", [r for r in DESCRIBED if r.orders], ids=lambda r: r.name)
def test_catalogue_orderings_sort_the_emulators_lists(described, demo_api: httpx.Client) -> None:
    for name in described.orders:
        reply = demo_api.get(f"/{described.path}", params={f"orders[{name}]": "DESC"})
        assert reply.status_code == 200 and described.plural in reply.json()


def test_webhook_events_and_sources_are_the_catalogues() -> None:
    assert (names.WEBHOOK_EVENTS, names.WEBHOOK_SOURCES) == (WEBHOOK_EVENTS, WEBHOOK_SOURCES)
    assert sorted(names.EVENTS_IN_API_ORDER) == sorted(WEBHOOK_EVENTS)


def test_get_webhook_events_lists_the_catalogues_names(api: httpx.Client) -> None:
    events = api.get("/webhook/events").json()
    assert sorted(events["webhookEvents"]) == sorted(WEBHOOK_EVENTS)
    assert events["meta"]["total"] == len(WEBHOOK_EVENTS)


def test_the_emulator_runs_without_importing_airflow() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; import airflow_provider_activecampaign.testing.emulator as e; "
            "e.ActiveCampaignEmulator(seed='demo'); print('airflow' in sys.modules)")
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "False"
