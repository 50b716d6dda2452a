"""The provider's requests and the emulator's replies, checked against ActiveCampaign's OpenAPI document.

A representative run (every create operator, then a list and a get of every catalogue resource,
updates and deletes) goes through the emulator, which logs each request and its reply. Then:

- every request: its path and method are in the spec, its query parameters are ones the
  operation documents, its JSON body validates against the operation's request schema
  (``jsonschema``, OpenAPI 3.1 = JSON Schema 2020-12) and sends no field the schema does not name;
- every reply: its status is one the operation documents, the record in its envelope has
  every field of the spec's example reply, and it has no top-level key (envelope, side-load,
  ``meta``) that neither the operation's examples nor its schema give.

What does not hold is listed, with the reason, in tests/data/spec_errata.py (errors of the spec,
and what the emulator does not model yet): the test fails on
a problem not listed there, and on an erratum that no longer happens.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pendulum
import pytest

import airflow_provider_activecampaign.operators as ops
from airflow_provider_activecampaign.catalogue import CREATE, GET, LIST, RESOURCES, UPDATE
from airflow_provider_activecampaign.testing.emulator.filters import FILTER_READINGS
from tests.data.spec_errata import FIDELITY
from tests.data.spec_errata import KNOWN as ERRATA
from tests.fidelity.unserved import UNSERVED
from tests.operators.retry_cases import CASES, prepare

SPEC = json.loads((Path(__file__).parents[1] / "data" / "openapi-v3.json").read_text())
#: spec paths as patterns, the most literal first (``/contacts/sync``-like paths before ``/{id}``)
ROUTES = sorted(((re.compile("^/api/3" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path) for path in SPEC["paths"]),
                key=lambda route: route[1].count("{"))
#: paging parameters the spec documents once for all list calls, not per operation
PAGING = {"limit", "offset"}


def _validator() -> type:
    """JSON Schema 2020-12, where an integer may come as a string of digits (see spec_errata.py)."""
    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: base.TYPE_CHECKER.is_type(value, "integer")
        or (isinstance(value, str) and value.isdigit()))
    return jsonschema.validators.extend(base, type_checker=checker)


VALIDATOR = _validator()


def operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for pattern, template in ROUTES:
        if pattern.match(path):
            op = SPEC["paths"][template].get(method.lower())
            return (template, op) if op else None
    return None


def request_problems(method: str, template: str, op: dict[str, Any], query: dict, body: Any) -> list[str]:
    where = f"{method} {template}"
    documented = {p["name"]: p.get("schema") or {} for p in op.get("parameters", []) if p.get("in") == "query"}
    known = set(documented) | PAGING
    problems = [f"{where}: query {name} not documented" for name in sorted(query) if name not in known]
    problems += [problem for name in sorted(set(query) & set(documented))
                 for value in query[name] if (problem := value_problem(where, name, documented[name], value))]
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if schema is not None and body is not None:
        problems += [f"{where}: body {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.validator}"
                     for e in VALIDATOR(schema).iter_errors(body)]
        problems += [f"{where}: body {name} not documented" for name in _unlisted(schema, body)]
    return problems


def _unlisted(schema: dict[str, Any], body: Any, at: str = "") -> list[str]:
    """Fields of the body (and of its envelope) that the request schema's properties do not name."""
    listed = schema.get("properties")
    if not (isinstance(listed, dict) and listed and isinstance(body, dict)):
        return []
    found = []
    for key, value in body.items():
        if key not in listed:
            found.append(at + key)
        elif not at:  # the envelope's record, one level down
            found += _unlisted(listed[key], value, f"{key}/")
    return found


def value_problem(where: str, name: str, schema: dict[str, Any], value: str) -> str | None:
    """A query value outside the parameter's enum (exact case) or not in its format (``date``)."""
    enum = schema.get("enum")
    if enum is not None and value not in {str(item) for item in enum}:
        return f"{where}: query {name} not in enum"
    if schema.get("format") == "date" and not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return f"{where}: query {name} not format date"
    return None


def reply_problems(method: str, template: str, op: dict[str, Any], status: int, reply: Any) -> list[str]:
    where = f"{method} {template}"
    responses = op.get("responses", {})
    if str(status) not in responses:
        return [f"{where}: status {status} not documented"]
    example = _example(responses[str(status)])
    if not (200 <= status < 300 and isinstance(reply, dict)):
        return []
    problems = [f"{where}: reply {key} not documented" for key in _undocumented(responses[str(status)], reply)]
    if not isinstance(example, dict):
        return problems
    for key, documented in example.items():
        if isinstance(documented, list) and documented and isinstance(documented[0], dict):
            documented, given = documented[0], (reply.get(key) or [None])[0]
        else:
            given = reply.get(key)
        if isinstance(documented, dict) and key in reply and isinstance(given, dict):
            problems += [f"{where}: reply {key}.{field} missing" for field in sorted(set(documented) - set(given))]
        elif key not in reply and isinstance(documented, (dict, list)):
            problems.append(f"{where}: reply {key} missing")
    return problems


def _undocumented(response: dict[str, Any], reply: dict[str, Any]) -> list[str]:
    """The reply's top-level keys that none of the response's examples and not its schema has (nothing
    is said when the document gives neither)."""
    media = response.get("content", {}).get("application/json", {})
    documented = set((media.get("schema") or {}).get("properties") or {})
    for example in media.get("examples", {}).values():
        value = example.get("value")
        try:
            value = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            continue
        documented |= set(value) if isinstance(value, dict) else set()
    return sorted(set(reply) - documented) if documented else []


def _example(response: dict[str, Any]) -> Any:
    examples = response.get("content", {}).get("application/json", {}).get("examples", {})
    for example in examples.values():
        value = example.get("value")
        try:
            return json.loads(value) if isinstance(value, str) else value
        except ValueError:
            continue
    return None


def _representative_run(emulator) -> None:
    prepare(emulator)
    started = pendulum.now("UTC")
    for name, case in sorted(CASES.items()):
        case.make(f"create_{name}").execute(context={})
    _retries(emulator, started)
    for spec in RESOURCES.values():
        if spec.parent is not None or f"GET /{spec.path}" in UNSERVED:  # see tests/fidelity
            continue
        if LIST in spec.operations:
            ops.ActiveCampaignListOperator(task_id=f"list_{spec.name}", resource=spec.name, limit=5).execute({})
        records = emulator.records(spec.path) if spec.key == "id" and GET in spec.operations else []
        if GET in spec.operations and records and "id" in records[-1]:
            ops.ActiveCampaignGetOperator(task_id=f"get_{spec.name}", resource=spec.name,
                                          record_id=records[-1]["id"]).execute({})
    assert {CREATE, UPDATE} <= RESOURCES["deal"].operations
    ops.ActiveCampaignUpdateDealOperator(task_id="update", deal_id=1, title="Renamed", status="won").execute({})
    ops.ActiveCampaignListDealsOperator(task_id="deals", pipeline=1, status="open", order_by="title").execute({})
    ops.ActiveCampaignListContactsOperator(task_id="contacts", email="ada@example.com").execute({})
    ops.ActiveCampaignListOperator(task_id="due", resource="dealTask", filters={"due_before": "2031-01-01"}).execute({})
    ops.ActiveCampaignDeleteDealOperator(task_id="delete", deal_id=1).execute({})


def _retries(emulator, started) -> None:
    """Try 2 of every create that looks up, under every reading of the date filters: nothing is written."""
    retry = {"ti": SimpleNamespace(try_number=2, xcom_push=lambda key, value: None),
             "dag_run": SimpleNamespace(start_date=started)}
    counts = {case.plural: len(emulator.records(case.plural)) for case in CASES.values()}
    for reading in FILTER_READINGS:
        emulator.date_filters = reading
        for name, case in sorted(CASES.items()):
            if case.lookup:
                assert case.make(f"retry_{name}").execute(context=retry), (name, reading)
    emulator.date_filters = "offset"
    assert {plural: len(emulator.records(plural)) for plural in counts} == counts


@pytest.fixture(scope="module")
def problems(tmp_path_factory) -> list[str]:
    """Every problem of the representative run, as one line each (duplicates removed)."""
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
    from tests.conftest import CANARY_KEY, emulator_connection

    found: list[str] = []
    with ActiveCampaignEmulator(api_key=CANARY_KEY) as emulator, pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT", emulator_connection(emulator))
        _representative_run(emulator)
        assert len(emulator.requests) > 60
        for record in emulator.requests:
            if not record.path.startswith("/api/3/"):
                continue
            matched = operation(record.method, record.path)
            if matched is None:
                found.append(f"{record.method} {record.path}: not in the spec")
                continue
            template, op = matched
            found += request_problems(record.method, template, op, record.query, record.json)
            found += reply_problems(record.method, template, op, record.status, record.reply)
    return sorted(set(found))


def _erratum(problem: str) -> str | None:
    return next((pattern for pattern in {**ERRATA, **FIDELITY} if re.fullmatch(pattern, problem)), None)


def test_every_request_and_reply_agrees_with_the_spec_or_a_listed_erratum(problems):
    unexplained = [problem for problem in problems if _erratum(problem) is None]
    assert unexplained == [], "disagreements with the spec that spec_errata.py does not explain"


def test_every_listed_erratum_still_happens(problems):
    used = {_erratum(problem) for problem in problems}
    assert sorted(set(ERRATA) - used) == [], "errata that no longer happen: remove them"


def test_the_errata_say_why():
    assert all(len(reason) > 20 for reason in ERRATA.values())


def test_the_checks_catch_what_they_should():
    """The checks are not vacuous: a wrong body, an undocumented parameter and a missing field are found."""
    template, op = operation("POST", "/api/3/notes")
    assert request_problems("POST", template, op, {}, {"note": {"note": "x", "relid": "1"}}) == [
        "POST /notes: body note: required"]
    assert request_problems("POST", template, op, {}, {"note": {"note": "x", "relid": "1", "reltype": "Deal",
                                                                "colour": "red"}}) == [
        "POST /notes: body note/colour not documented"], "a field the request schema does not name is found"
    template, op = operation("GET", "/api/3/deals")
    assert request_problems("GET", template, op, {"filters[colour]": ["red"]}, None) == [
        "GET /deals: query filters[colour] not documented"]
    template, op = operation("GET", "/api/3/contacts")
    assert request_problems("GET", template, op, {"orders[email]": ["ASC"], "filters[created_after]": [
        "2026-03-10T00:00:00+00:00"], "filters[created_before]": ["2026-03-11"]}, None) == [
        "GET /contacts: query filters[created_after] not format date", "GET /contacts: query orders[email] not in enum"]
    template, op = operation("GET", "/api/3/tags/1")
    example = _example(op["responses"]["200"])
    reply = {"tag": {k: v for k, v in example["tag"].items() if k != "tagType"}}
    assert reply_problems("GET", template, op, 200, reply) == ["GET /tags/{id}: reply tag.tagType missing"]
    assert reply_problems("GET", template, op, 418, None) == ["GET /tags/{id}: status 418 not documented"]
    assert reply_problems("GET", template, op, 200, {**example, "meta": {"total": "1"}}) == [
        "GET /tags/{id}: reply meta not documented"], "a key the document does not give is found too"
