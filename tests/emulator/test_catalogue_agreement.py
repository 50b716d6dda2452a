"""The emulator is made from the catalogue: every catalogue resource and sub-collection is served at
the catalogue's path, with its envelopes, operations and list filters, or listed with the reason it is
not; unknown filters are ignored and unknown routes answered as the API does.
"""

from __future__ import annotations

import re

import httpx
import pytest

from airflow_provider_activecampaign.catalogue import RESOURCES as CATALOGUE
from airflow_provider_activecampaign.catalogue import SUBCOLLECTIONS, WEBHOOK_EVENTS, WEBHOOK_SOURCES
from airflow_provider_activecampaign.catalogue.coverage import catalogue_operations
from airflow_provider_activecampaign.testing.emulator import names, routes, sublists
from airflow_provider_activecampaign.testing.emulator.kinds import emulate
from airflow_provider_activecampaign.testing.emulator.resources import BEHAVIOURS, EMULATED, RESOURCES
from airflow_provider_activecampaign.testing.emulator.resources_more import EMULATOR_ONLY, NOT_EMULATED
from tests.fidelity.unserved import UNSERVED

SERVED = sorted((CATALOGUE[name] for name in EMULATED), key=lambda r: r.name)
LISTED = [r for r in SERVED if r.parent is None and "list" in EMULATED[r.name].ops]


def _normal(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


CATALOGUE_OPERATIONS = sorted(catalogue_operations().items())
NOT_SERVED = {(op.split(" ", 1)[0], _normal(op.split(" ", 1)[1])) for op in UNSERVED}


def test_every_catalogue_resource_is_emulated_from_its_entry_or_listed_with_a_reason() -> None:
    assert set(EMULATED) | set(NOT_EMULATED) == set(CATALOGUE)
    assert not set(EMULATED) & set(NOT_EMULATED)
    assert all(reason.strip() for reason in NOT_EMULATED.values())
    assert not {r.plural for r in EMULATOR_ONLY} & {r.plural for r in EMULATED.values()}
    assert set(RESOURCES) == {r.plural for r in (*EMULATED.values(), *EMULATOR_ONLY)}


@pytest.mark.parametrize("described", SERVED, ids=lambda r: r.name)
def test_every_served_resource_is_the_catalogues_entry_with_its_behaviour(described) -> None:
    served = EMULATED[described.name]
    made = emulate(described, BEHAVIOURS[described.name])
    assert (made.plural, made.ops, made.required, set(made.params), set(made.filters)) == (
        served.plural, served.ops, served.required, set(served.params), set(served.filters))
    assert served.singular == described.singular
    if not described.single:  # a single record's reply is keyed by its singular
        assert served.many == described.plural
    assert RESOURCES[served.plural] is served
    assert served.key == described.key and served.orders == described.orders
    assert served.top == (described.parent is None)


@pytest.mark.parametrize("described", [r for r in SERVED if r.parent is None], ids=lambda r: r.name)
def test_every_top_resource_is_served_at_the_catalogues_path(described) -> None:
    """(Each operation is routed or listed as not served: see the test of every catalogue operation.)"""
    assert RESOURCES[described.path] is EMULATED[described.name]


@pytest.mark.parametrize(("described", "param"), [
    (described, spec.param) for described in SERVED for spec in described.filters.values()
], ids=lambda value: getattr(value, "name", value))
def test_every_catalogue_list_filter_is_understood(described, param: str) -> None:
    assert EMULATED[described.name].understands(param), (
        f"{described.path}: the catalogue documents {param!r}, the emulator would ignore it")


@pytest.mark.parametrize("name", sorted(BEHAVIOURS))
def test_a_behaviour_applies_only_filters_the_catalogue_documents(name: str) -> None:
    """How a filter is applied sits beside the catalogue; which filters exist is the catalogue's."""
    behaviour, documented = BEHAVIOURS[name], {f.param for f in CATALOGUE[name].filters.values()}
    assert set(behaviour.predicates) <= documented
    assert not set(behaviour.honours) & documented  # a documented filter is a predicate, not an extra


@pytest.mark.parametrize("described", LISTED, ids=lambda r: r.name)
def test_every_listed_resource_answers_with_the_catalogues_envelope(described, demo_api: httpx.Client) -> None:
    reply = demo_api.get(f"/{described.path}")
    assert reply.status_code == 200, reply.text
    assert isinstance(reply.json()[described.plural], list)


def test_an_unknown_filter_is_ignored_as_by_the_api(demo_api: httpx.Client) -> None:
    everyone = demo_api.get("/contacts", params={"limit": 100}).json()
    assert everyone["contacts"]
    for param in ("filters[no_such_field]", "no_such_param", "filters[email][no_such_operator]"):
        assert demo_api.get("/contacts", params={"limit": 100, param: "x"}).json() == everyone
    assert not RESOURCES["contacts"].understands("filters[no_such_field]")


def test_a_documented_filter_narrows_the_list(demo_api: httpx.Client) -> None:
    first = demo_api.get("/contacts").json()["contacts"][0]
    found = demo_api.get("/contacts", params={"email": first["email"]}).json()["contacts"]
    assert [c["id"] for c in found] == [first["id"]]


@pytest.mark.parametrize("path", ["/noSuchThing", "/contacts/1/noSuchThing", "/noSuchThing/1/2/3"])
def test_an_unknown_route_answers_the_apis_404(path: str, api: httpx.Client) -> None:
    reply = api.get(path)
    assert reply.status_code == 404
    assert reply.json() == {"errors": [{"status": 404, "title": "Not Found"}]}


def test_every_catalogue_sub_collection_is_served_from_it_or_listed_with_a_reason() -> None:
    for sub in SUBCOLLECTIONS.values():
        segment = sub.path.rsplit("/", 1)[-1]
        parent = CATALOGUE[sub.parent].path
        served = (parent, segment) in sublists.SUBLISTS or (sub.single and segment in sublists.CONTACT_ONES)
        assert served != (sub.name in sublists.NOT_SUBLISTS), sub.name
    from_catalogue = set(sublists.SUBLISTS) - set(sublists.EMULATOR_SUBLISTS)
    assert len(from_catalogue) + len(sublists.CONTACT_ONES) + len(sublists.NOT_SUBLISTS) == len(SUBCOLLECTIONS)


@pytest.mark.parametrize("key", sorted(sublists.SUBLISTS), ids="/".join)
def test_every_sub_collection_lists_the_parents_children(key: tuple[str, str], activecampaign_emulator,
                                                          api: httpx.Client) -> None:
    parent_path, name = key
    child_path, field, fixed = sublists.SUBLISTS[key]
    parent = activecampaign_emulator.insert(parent_path)
    other = activecampaign_emulator.insert(parent_path)
    child = activecampaign_emulator.insert(child_path, **{field: parent["id"], **fixed})
    stranger = activecampaign_emulator.insert(child_path, **{field: other["id"], **fixed})
    reply = api.get(f"/{parent_path}/{parent['id']}/{name}")
    assert reply.status_code == 200, reply.text
    listed = {rec["id"] for rec in reply.json()[RESOURCES[child_path].many]}
    assert child["id"] in listed and stranger["id"] not in listed  # (a new pipeline also gets default stages)


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


@pytest.mark.parametrize("described", [r for r in LISTED if r.orders], ids=lambda r: r.name)
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
