"""Tests of the generic operators (create, get, update, delete, list any resource) and of raw v3 and
legacy calls, over real HTTP against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowNotFoundException

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignAuthError,
    ActiveCampaignInputError,
)
from airflow_provider_activecampaign.operators import (
    ActiveCampaignApiCallOperator,
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignGetCurrentUserOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignLegacyApiCallOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
)
from tests.conftest import CANARY_KEY, emulator_connection
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    forbidden,
    insert_contacts,
    missing,
    run,
)

HAPPY: dict[str, CallCase] = {
    "a resource that is only a catalogue entry: saved responses": (
        lambda w: ActiveCampaignCreateOperator(task_id="t", resource="savedResponse",
                                               body={"title": "Thanks", "subject": "Hello", "body": "Thank you!"}),
        lambda emu, w, r: [x["title"] for x in emu.records("savedResponses") if x["id"] == r["id"]] == ["Thanks"]),
    "RAW-01 GET with a query": (
        lambda w: ActiveCampaignApiCallOperator(task_id="t", path="/contacts", query={"email": "grace@example.com"}),
        lambda emu, w, reply: ([c["id"] for c in reply["contacts"]] == [w["grace"]]
                               and emu.requests[0].query["email"] == ["grace@example.com"]),
    ),
    "RAW-01 POST with a body": (
        lambda w: ActiveCampaignApiCallOperator(task_id="t", path="tags", method="post",
                                                body={"tag": {"tag": "vip", "tagType": "contact"}}),
        lambda emu, w, reply: (emu.record("tags", reply["tag"]["id"])["tag"] == "vip"
                               and emu.requests[0].method == "POST"),
    ),
    "RAW-01 DELETE": (
        lambda w: ActiveCampaignApiCallOperator(task_id="t", path=f"contacts/{w['grace']}", method="DELETE"),
        lambda emu, w, reply: emu.record("contacts", w["grace"]) is None,
    ),
    "RAW-02 legacy contact_view": (
        lambda w: ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_view", query={"id": w["ada"]}),
        lambda emu, w, reply: (reply["result_code"] == 1 and reply["email"] == "ada@example.com"
                               and emu.requests[0].method == "GET"
                               and emu.requests[0].query["api_key"] == ["***"]),  # sent (the emulator redacts it)
    ),
    "RAW-02 legacy contact_add": (
        lambda w: ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_add",
                                                      body={"email": "alan@example.com", "first_name": "Alan",
                                                            "p[1]": 1, "status[1]": 1}),
        lambda emu, w, reply: (emu.record("contacts", reply["subscriber_id"])["firstName"] == "Alan"
                               and [cl["list"] for cl in emu.records("contactLists")] == ["1"]
                               and emu.requests[0].method == "POST"
                               and emu.requests[0].form["email"] == ["alan@example.com"]
                               and "api_key" not in emu.requests[0].form),  # the key goes in the query only
    ),
    "generic create": (
        lambda w: ActiveCampaignCreateOperator(task_id="t", resource="tag",
                                               body={"tag": "vip", "description": "Big spenders"}),
        lambda emu, w, tag: emu.record("tags", tag["id"])["description"] == "Big spenders",
    ),
    "generic get": (
        lambda w: ActiveCampaignGetOperator(task_id="t", resource="tag", record_id=1),
        lambda emu, w, tag: (tag["id"], tag["tag"]) == ("1", "customer"),
    ),
    "generic update": (
        lambda w: ActiveCampaignUpdateOperator(task_id="t", resource="tag", record_id="1",
                                               body={"description": "Paid at least once"}),
        lambda emu, w, tag: (emu.record("tags", 1)["description"] == "Paid at least once"
                             and emu.record("tags", 1)["tag"] == "customer" and tag["id"] == "1"),
    ),
    "generic delete": (
        lambda w: ActiveCampaignDeleteOperator(task_id="t", resource="tag", record_id=1),
        lambda emu, w, result: emu.records("tags") == [] and result == {"deleted": "1", "resource": "tag"},
    ),
    "generic list": (
        lambda w: ActiveCampaignListOperator(task_id="t", resource="contact", filters={"email_like": "grace"}),
        lambda emu, w, contacts: [c["id"] for c in contacts] == [w["grace"]],
    ),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "RAW-01": (lambda: ActiveCampaignApiCallOperator(task_id="t", path="/contacts", method="FETCH"), "method"),
    "RAW-01 limit": (lambda: ActiveCampaignApiCallOperator(task_id="t", path="/contacts", paginate_envelope="contacts",
                                                           limit=-1), "limit"),
    "RAW-02": (lambda: ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_view&id=1"),
               "api_action"),
    "RAW-02 method": (lambda: ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_delete",
                                                                  query={"id": 1}, method="DELETE"), "method"),
    "generic create, unknown resource": (lambda: ActiveCampaignCreateOperator(task_id="t", resource="contactz",
                                                                              body={}), "resource"),
    "generic create, required field": (lambda: ActiveCampaignCreateOperator(task_id="t", resource="tag",
                                                                            body={"description": "x"}), "body.tag"),
    "generic create, body not a mapping": (lambda: ActiveCampaignCreateOperator(task_id="t", resource="tag",
                                                                                body=["vip"]), "body"),
    "generic get": (lambda: ActiveCampaignGetOperator(task_id="t", resource="tag", record_id="first"), "record_id"),
    "generic update, unsupported": (lambda: ActiveCampaignUpdateOperator(task_id="t", resource="list", record_id=1,
                                                                         body={"name": "x"}), "resource"),
    "generic update, field": (lambda: ActiveCampaignUpdateOperator(task_id="t", resource="tag", record_id=1,
                                                                   body={"tagType": "person"}), "body.tagType"),
    "generic delete": (lambda: ActiveCampaignDeleteOperator(task_id="t", resource="tag", record_id=0), "record_id"),
    "generic list": (lambda: ActiveCampaignListOperator(task_id="t", resource="user", orders={"id": "ASC"}),
                     "orders.id"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "RAW-01": missing("Subscriber", lambda w: ActiveCampaignApiCallOperator(task_id="t", path="contacts/999")),
    "RAW-01 paginated": forbidden("tags", lambda w: ActiveCampaignApiCallOperator(task_id="t", path="tags",
                                                                                  paginate_envelope="tags")),
    "RAW-02 (a 200 that failed)": (lambda w: ActiveCampaignLegacyApiCallOperator(
        task_id="t", api_action="contact_view", query={"id": 999}), None, 200, "Failed: Nothing is returned"),
    "RAW-02 unknown action": (lambda w: ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_fly"),
                              None, 200, "Unknown api_action: contact_fly"),
    "generic create": (lambda w: ActiveCampaignCreateOperator(task_id="t", resource="contact",
                                                              body={"email": "grace@example.com"}),
                       None, 422, "Email address already exists"),
    "generic get": missing("Tag", lambda w: ActiveCampaignGetOperator(task_id="t", resource="tag", record_id=999)),
    "generic update": missing("Tag", lambda w: ActiveCampaignUpdateOperator(task_id="t", resource="tag",
                                                                            record_id=999, body={"tag": "x"})),
    "generic delete": missing("Tag", lambda w: ActiveCampaignDeleteOperator(task_id="t", resource="tag",
                                                                            record_id=999)),
    "generic list": forbidden("tags", lambda w: ActiveCampaignListOperator(task_id="t", resource="tag")),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_unknown_connection_fails_before_any_request(emulator):
    """CON-14 takes no input but the connection: a connection id that does not exist is named."""
    with pytest.raises(AirflowNotFoundException, match="no_such_connection"):
        ActiveCampaignGetCurrentUserOperator(task_id="t", activecampaign_conn_id="no_such_connection").execute({})
    assert emulator.requests == []


def test_wrong_api_key_is_refused_with_403_and_not_echoed(emulator, monkeypatch):
    wrong = CANARY_KEY[::-1]
    conn = json.loads(emulator_connection(emulator))
    conn["password"] = wrong
    monkeypatch.setenv("AIRFLOW_CONN_AC_WRONG_KEY", json.dumps(conn))
    with pytest.raises(ActiveCampaignAuthError) as caught:
        ActiveCampaignGetCurrentUserOperator(task_id="t", activecampaign_conn_id="ac_wrong_key").execute({})
    assert caught.value.status == 403
    assert "HTTP 403: Forbidden" in str(caught.value)
    assert wrong not in str(caught.value) and CANARY_KEY not in str(caught.value)


def test_api_call_paginates_an_envelope_up_to_the_limit(emulator):
    made = insert_contacts(emulator, 160)
    emulator.clear_requests()
    contacts = run(ActiveCampaignApiCallOperator(task_id="t", path="/api/3/contacts", query={"email_like": "example"},
                                                 paginate_envelope="contacts", limit=150))
    assert [c["id"] for c in contacts] == [c["id"] for c in made[:150]]
    assert [(r.query["offset"], r.query["limit"]) for r in emulator.requests] == [(["0"], ["100"]),
                                                                                   (["99"], ["51"])]  # 1 overlap
    assert all(r.query["email_like"] == ["example"] for r in emulator.requests)


def test_api_call_paginates_every_page_without_a_limit(emulator):
    insert_contacts(emulator, 130)
    contacts = run(ActiveCampaignApiCallOperator(task_id="t", path="contacts", paginate_envelope="contacts"))
    assert len(contacts) == 130 and len({c["id"] for c in contacts}) == 130


def test_api_call_renders_path_query_and_body_with_jinja(emulator, world):
    assert {"path", "method", "query", "body", "headers"} <= set(ActiveCampaignApiCallOperator.template_fields)
    op = ActiveCampaignApiCallOperator(task_id="t", path="/contacts/{{ params.id }}", method="{{ params.verb }}",
                                       query={"note": "{{ params.note }}"},
                                       body={"contact": {"lastName": "{{ params.name | upper }}"}})
    op.render_template_fields({"params": {"id": world["ada"], "verb": "PUT", "note": "from-dag", "name": "king"}})
    reply = run(op)
    assert reply["contact"]["lastName"] == "KING"
    assert emulator.record("contacts", world["ada"])["lastName"] == "KING"
    request = emulator.requests[0]
    assert (request.method, request.path, request.query) == ("PUT", f"/api/3/contacts/{world['ada']}",
                                                              {"note": ["from-dag"]})


def test_api_call_cannot_replace_the_api_key_header(emulator, world):
    reply = run(ActiveCampaignApiCallOperator(task_id="t", path="users/me", headers={"Api-Token": "someone-else"}))
    assert reply["user"]["username"] == "admin"


def test_api_call_refuses_a_path_that_climbs_out_of_the_api(emulator):
    with pytest.raises(ActiveCampaignInputError, match="field 'path' must be a path under /api/3"):
        ActiveCampaignApiCallOperator(task_id="t", path="/contacts/../../admin/api.php").execute({})
    assert emulator.requests == []


def test_legacy_call_sends_the_key_as_api_key_and_never_returns_it(emulator, world):
    assert {"api_action", "query", "body"} <= set(ActiveCampaignLegacyApiCallOperator.template_fields)
    op = ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="{{ params.action }}",
                                             query={"id": "{{ params.id }}"})
    op.render_template_fields({"params": {"action": "contact_view", "id": world["grace"]}})
    reply = run(op)
    assert reply["email"] == "grace@example.com"
    request = emulator.requests[0]
    assert request.path == "/admin/api.php"
    assert request.query["api_action"] == ["contact_view"] and request.query["api_output"] == ["json"]
    assert request.query["api_key"] == ["***"]  # present (the emulator redacts what it records)


def test_legacy_call_with_a_wrong_key_fails_without_echoing_either_key(emulator, monkeypatch):
    wrong = CANARY_KEY.upper()
    conn = json.loads(emulator_connection(emulator))
    conn["password"] = wrong
    monkeypatch.setenv("AIRFLOW_CONN_AC_WRONG_KEY", json.dumps(conn))
    op = ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_view", query={"id": 1},
                                             activecampaign_conn_id="ac_wrong_key")
    with pytest.raises(ActiveCampaignApiError) as caught:
        op.execute({})
    assert "You are not authorized" in str(caught.value)
    assert wrong not in str(caught.value) and CANARY_KEY not in str(caught.value)
    assert wrong not in repr(op)


def test_legacy_call_cannot_override_the_key_through_query(emulator, world):
    with pytest.raises(ActiveCampaignInputError, match=r"field 'query\.api_key' must be left out"):
        run(ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_view",
                                                query={"id": world["ada"], "api_key": "someone-else"}))
    assert emulator.requests == []


def test_generic_operators_render_resource_id_and_body(emulator, world):
    op = ActiveCampaignUpdateOperator(task_id="t", resource="{{ params.kind }}", record_id="{{ params.id }}",
                                      body={"firstName": "{{ params.name }}"})
    op.render_template_fields({"params": {"kind": "contact", "id": world["grace"], "name": "Amazing Grace"}})
    run(op)
    assert emulator.record("contacts", world["grace"])["firstName"] == "Amazing Grace"


def test_unknown_filter_is_refused(w) -> None:
    with pytest.raises(ActiveCampaignInputError, match="known filter"):  # when the DAG is parsed
        ops.ActiveCampaignListOperator(task_id="t", resource="webhook", filters={"events": "open"})
    assert w.emu.requests == []
