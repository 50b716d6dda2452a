"""Every operation of ActiveCampaign's v3 document, asked of the emulator, is answered as the document says.

For each operation the emulator serves, one request (the document's own example body, on records
that exist) goes over HTTP to a fresh emulator, and the reply is checked: its status is one the
operation documents, it says ``application/json``, its envelope and records have every field of the
document's example, and neither has a key the document does not give (an envelope or ``meta`` its
examples and schema lack; a record field it names nowhere for that kind of record, see ``named.py``).
Operations the emulator does not serve are listed in ``unserved.py`` with the reason, and answer the
API's 404. What differs is listed in tests/data/spec_errata.py
(``FIDELITY``): the test fails on a difference not listed, and on a listed one that no longer happens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from airflow_provider_activecampaign.testing.emulator import routes
from tests.contract.test_openapi_contract import reply_problems, request_problems
from tests.data.spec_errata import FIDELITY, KNOWN
from tests.fidelity import world
from tests.fidelity.named import unnamed
from tests.fidelity.unserved import UNSERVED

SERVED = [op for op in world.OPERATIONS if f"{op[0]} {op[1]}" not in UNSERVED]
EXPLAINED = {**KNOWN, **FIDELITY}
_seen: set[str] = set()
_ran: list[str] = []


@pytest.fixture
def account() -> Iterator[tuple[ActiveCampaignEmulator, httpx.Client]]:
    with ActiveCampaignEmulator(seed="demo") as emulator:
        world.build(emulator)
        with httpx.Client(base_url=emulator.url + "/api/3", headers={"Api-Token": emulator.api_key},
                          trust_env=False, timeout=10) as client:
            yield emulator, client


def _explained(problem: str) -> bool:
    pattern = next((p for p in EXPLAINED if re.fullmatch(p, problem)), None)
    if pattern is not None:
        _seen.add(pattern)
    return pattern is not None


def problems_of(method: str, template: str, reply: httpx.Response, sent: object) -> list[str]:
    """What in one exchange disagrees with the document."""
    op = world.SPEC["paths"][template][method.lower()]
    where = f"{method} {template}"
    # the document's own examples are not checked against its schemas (they often disagree: its
    # errors, not the emulator's); the bodies this suite writes itself are
    found = request_problems(method, template, op, {}, sent) if (method, template) in world.BODIES else []
    given = reply.headers.get("content-type", "").split(";")[0]
    documented = list(op.get("responses", {}).get(str(reply.status_code), {}).get("content", {})) or [
        "application/json"]
    if given not in documented:
        found.append(f"{where}: content type {given!r} not {' or '.join(documented)}")
    body = reply.json() if reply.content and given == "application/json" else None
    found += reply_problems(method, template, op, reply.status_code, body)
    if 200 <= reply.status_code < 300:
        found += [f"{where}: reply {field} not documented" for field in unnamed(body)]
    return found


@pytest.mark.parametrize(("method", "template"), SERVED, ids=[f"{m} {t}" for m, t in SERVED])
def test_each_served_operation_answers_as_documented(account, method: str, template: str) -> None:
    emulator, client = account
    sent = world.body(method, template)
    reply = client.request(method, world.path(template), json=sent)
    unexplained = [p for p in problems_of(method, template, reply, sent) if not _explained(p)]
    _ran.append(f"{method} {template}")
    assert unexplained == [], f"{reply.status_code} {reply.text[:300]}"
    assert emulator.server_errors == []


@pytest.mark.parametrize("operation", sorted(UNSERVED))
def test_each_unserved_operation_gets_the_apis_404(account, operation: str) -> None:
    method, template = operation.split(" ", 1)
    reply = account[1].request(method, world.path(template))
    assert reply.status_code in (404, 405), "served now: remove it from unserved.py"


def test_every_operation_is_served_or_listed_with_a_reason() -> None:
    assert len(world.OPERATIONS) == 282
    assert set(UNSERVED) <= {f"{m} {t}" for m, t in world.OPERATIONS}
    assert all(len(reason) > 15 for reason in UNSERVED.values())


def test_the_route_table_serves_what_the_suite_calls_served() -> None:
    """The count the docs give (served / all) is the route table's, not this file's opinion."""
    def served(method: str, template: str) -> bool:
        segments = routes._collapsed(world.path(template).strip("/").split("/"))
        return any(r.method == method and r.matches_path(segments) and (
            r.operation is None or r.operation in routes.RESOURCES[segments[0]].ops) for r in routes.ROUTES)
    assert [op for op in SERVED if not served(*op)] == []


def test_every_fidelity_erratum_still_happens() -> None:
    """Run last in this module (pytest keeps file order): each FIDELITY entry explained a problem."""
    if len(set(_ran)) < len(SERVED):
        pytest.skip("not every operation test ran in this session")
    assert sorted(set(FIDELITY) - _seen) == [], "FIDELITY entries that no longer happen: remove them"
