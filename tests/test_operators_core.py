"""Core operators (contacts, users and groups, raw v3 and legacy calls, and the generic catalogue
operators), over real HTTP against the emulator.

Each operator has three rows below: what it does to the account (happy path), one bad input
(refused before any request, naming the operator and the field) and one API error
(ActiveCampaign's words and the HTTP status in the exception). Throughout, the API key never
shows up in a return value, an exception or the operator's repr.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowNotFoundException

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignAuthError,
    ActiveCampaignConfigError,
    ActiveCampaignInputError,
)
from airflow_provider_activecampaign.operators import (
    ActiveCampaignApiCallOperator,
    ActiveCampaignCreateContactOperator,
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteContactOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignGetContactOperator,
    ActiveCampaignGetCurrentUserOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignGetUserOperator,
    ActiveCampaignLegacyApiCallOperator,
    ActiveCampaignListContactsOperator,
    ActiveCampaignListGroupsOperator,
    ActiveCampaignListOperator,
    ActiveCampaignListUsersOperator,
    ActiveCampaignSyncContactOperator,
    ActiveCampaignUpdateContactOperator,
    ActiveCampaignUpdateOperator,
)
from tests.conftest import CANARY_KEY, emulator_connection
from tests.operator_helpers import ApiErrorCase, forbidden, missing, run

CENTRAL = timezone(timedelta(hours=-6))


@pytest.fixture
def world(emulator) -> dict[str, str]:
    """A small account on top of the emulator's seed (user 1 "admin", group 1 "Admins", list 1,
    tag 1 "customer"): two contacts, a custom field, a second user and a second group."""
    field = emulator.insert("fields", title="Favourite colour", type="text")
    ada = emulator.insert("contacts", email="ada@example.com", firstName="Ada", lastName="Lovelace")
    grace = emulator.insert("contacts", email="grace@example.com", firstName="Grace", lastName="Hopper")
    user = emulator.insert("users", username="bob", email="bob@example.com", firstName="Bob")
    group = emulator.insert("groups", title="Sales team")
    emulator.clear_requests()
    return {"ada": ada["id"], "grace": grace["id"], "field": field["id"], "user": user["id"], "group": group["id"]}




# --------------------------------------------------------------------------- happy paths

Case = tuple[Callable[[dict[str, str]], Any], Callable[[Any, dict[str, str], Any], bool]]

HAPPY: dict[str, Case] = {
    "CON-01 create contact": (
        lambda w: ActiveCampaignCreateContactOperator(task_id="t", email=" alan@example.com ", first_name="Alan",
                                                      last_name="Turing", phone="+44 20 7946 0000"),
        lambda emu, w, contact: (emu.record("contacts", contact["id"])["email"] == "alan@example.com"
                                 and emu.record("contacts", contact["id"])["lastName"] == "Turing"
                                 and emu.record("contacts", contact["id"])["phone"] == "+44 20 7946 0000"
                                 and contact["firstName"] == "Alan"  # the record itself, not the envelope
                                 and emu.requests[0].json == {"contact": {"email": "alan@example.com",
                                                                          "firstName": "Alan", "lastName": "Turing",
                                                                          "phone": "+44 20 7946 0000"}}),
    ),
    "CON-01 create contact with custom field values": (
        lambda w: ActiveCampaignCreateContactOperator(task_id="t", email="alan@example.com",
                                                      field_values=[{"field": w["field"], "value": "Blue"}],
                                                      extra_fields={"orgname": "Bletchley"}),
        lambda emu, w, contact: ([(v["contact"], v["value"]) for v in emu.records("fieldValues")]
                                 == [(contact["id"], "Blue")]
                                 and emu.record("contacts", contact["id"])["orgname"] == "Bletchley"),
    ),
    "CON-02 sync contact creates": (
        lambda w: ActiveCampaignSyncContactOperator(task_id="t", email="alan@example.com", first_name="Alan"),
        lambda emu, w, contact: (emu.record("contacts", contact["id"])["firstName"] == "Alan"
                                 and len(emu.records("contacts")) == 3
                                 and (emu.requests[0].path, emu.requests[0].status) == ("/api/3/contact/sync", 201)),
    ),
    "CON-02 sync contact updates the one with that e-mail": (
        lambda w: ActiveCampaignSyncContactOperator(task_id="t", email="ADA@example.com", last_name="King"),
        lambda emu, w, contact: (contact["id"] == w["ada"]
                                 and emu.record("contacts", w["ada"])["lastName"] == "King"
                                 and emu.record("contacts", w["ada"])["firstName"] == "Ada"
                                 and len(emu.records("contacts")) == 2
                                 and emu.requests[0].status == 200),
    ),
    "CON-03 update contact": (
        lambda w: ActiveCampaignUpdateContactOperator(task_id="t", contact_id=w["ada"], last_name="King"),
        lambda emu, w, contact: (emu.record("contacts", w["ada"])["lastName"] == "King"
                                 and emu.record("contacts", w["ada"])["firstName"] == "Ada"  # untouched
                                 and contact["id"] == w["ada"]
                                 and emu.requests[0].json == {"contact": {"lastName": "King"}}),
    ),
    "CON-04 delete contact": (
        lambda w: ActiveCampaignDeleteContactOperator(task_id="t", contact_id=f" {w['ada']} "),
        lambda emu, w, result: (emu.record("contacts", w["ada"]) is None
                                and emu.record("contacts", w["grace"]) is not None
                                and result == {"deleted": w["ada"], "resource": "contact"}),
    ),
    "CON-05 get contact": (
        lambda w: ActiveCampaignGetContactOperator(task_id="t", contact_id=int(w["grace"])),
        lambda emu, w, contact: (contact["id"], contact["email"]) == (w["grace"], "grace@example.com"),
    ),
    "CON-06 list contacts": (
        lambda w: ActiveCampaignListContactsOperator(task_id="t"),
        lambda emu, w, contacts: [c["email"] for c in contacts] == ["ada@example.com", "grace@example.com"],
    ),
    "CON-14 get current user": (
        lambda w: ActiveCampaignGetCurrentUserOperator(task_id="t"),
        lambda emu, w, user: (user["id"], user["username"]) == ("1", "admin")
                             and emu.requests[0].path == "/api/3/users/me",
    ),
    "USR-01 get user": (
        lambda w: ActiveCampaignGetUserOperator(task_id="t", user_id=w["user"]),
        lambda emu, w, user: (user["id"], user["email"]) == (w["user"], "bob@example.com"),
    ),
    "USR-02 list users": (
        lambda w: ActiveCampaignListUsersOperator(task_id="t"),
        lambda emu, w, users: [u["username"] for u in users] == ["admin", "bob"],
    ),
    "USR-03 list groups": (
        lambda w: ActiveCampaignListGroupsOperator(task_id="t"),
        lambda emu, w, groups: [g["title"] for g in groups] == ["Admins", "Sales team"],
    ),
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


@pytest.mark.parametrize("case", HAPPY, ids=list(HAPPY))
def test_happy_path(case, emulator, world):
    make, check = HAPPY[case]
    result = run(make(world))
    assert check(emulator, world, result), result
    assert emulator.requests and all(r.status < 400 for r in emulator.requests)


# --------------------------------------------------------------------------- bad input: refused before sending

BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "CON-01": (lambda: ActiveCampaignCreateContactOperator(task_id="t", email="ada.example.com"), "email"),
    "CON-01 e-mail required": (lambda: ActiveCampaignCreateContactOperator(task_id="t", email="  "), "email"),
    "CON-01 field values": (lambda: ActiveCampaignCreateContactOperator(
        task_id="t", email="a@example.com", field_values={"field": 1, "value": "x"}), "fieldValues"),
    "CON-02": (lambda: ActiveCampaignSyncContactOperator(task_id="t", email="not an e-mail"), "email"),
    "CON-03": (lambda: ActiveCampaignUpdateContactOperator(task_id="t", contact_id=1, email="nope"), "email"),
    "CON-03 id": (lambda: ActiveCampaignUpdateContactOperator(task_id="t", contact_id="ada", first_name="A"), "id"),
    "CON-03 nothing to change": (lambda: ActiveCampaignUpdateContactOperator(task_id="t", contact_id=1), "body"),
    "CON-04": (lambda: ActiveCampaignDeleteContactOperator(task_id="t", contact_id=None), "id"),
    "CON-05": (lambda: ActiveCampaignGetContactOperator(task_id="t", contact_id="1.0"), "id"),
    "CON-06 status": (lambda: ActiveCampaignListContactsOperator(task_id="t", status=7), "filters.status"),
    "CON-06 e-mail": (lambda: ActiveCampaignListContactsOperator(task_id="t", email="ada"), "filters.email"),
    "CON-06 date": (lambda: ActiveCampaignListContactsOperator(task_id="t", created_after="last spring"),
                    "filters.created_after"),
    "CON-06 ordering": (lambda: ActiveCampaignListContactsOperator(task_id="t", order_by="colour"),
                        "orders.colour"),
    "CON-06 direction": (lambda: ActiveCampaignListContactsOperator(task_id="t", order_by="email", order="up"),
                         "orders.email"),
    "CON-06 limit": (lambda: ActiveCampaignListContactsOperator(task_id="t", limit=-1), "limit"),
    "USR-01": (lambda: ActiveCampaignGetUserOperator(task_id="t", user_id="me"), "id"),
    "USR-02": (lambda: ActiveCampaignListUsersOperator(task_id="t", limit="many"), "limit"),
    "USR-03": (lambda: ActiveCampaignListGroupsOperator(task_id="t", limit=-5), "limit"),
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
                                                                            body={"description": "x"}), "tag"),
    "generic create, body not a mapping": (lambda: ActiveCampaignCreateOperator(task_id="t", resource="tag",
                                                                                body=["vip"]), "body"),
    "generic get": (lambda: ActiveCampaignGetOperator(task_id="t", resource="tag", record_id="first"), "id"),
    "generic update, unsupported": (lambda: ActiveCampaignUpdateOperator(task_id="t", resource="list", record_id=1,
                                                                         body={"name": "x"}), "resource"),
    "generic update, field": (lambda: ActiveCampaignUpdateOperator(task_id="t", resource="tag", record_id=1,
                                                                   body={"tagType": "person"}), "tagType"),
    "generic delete": (lambda: ActiveCampaignDeleteOperator(task_id="t", resource="tag", record_id=0), "id"),
    "generic list": (lambda: ActiveCampaignListOperator(task_id="t", resource="user", orders={"id": "ASC"}),
                     "orders.id"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_is_refused_before_any_request(case, emulator):
    make, field = BAD[case]
    op = make()
    emulator.clear_requests()
    with pytest.raises(ActiveCampaignInputError) as caught:
        op.execute(context={})
    assert caught.value.field == field
    assert f"{type(op).__name__}(task_id='t')" in str(caught.value)
    assert repr(field) in str(caught.value)
    assert emulator.requests == []


def test_unknown_connection_fails_before_any_request(emulator):
    """CON-14 takes no input but the connection: a connection id that does not exist is named."""
    with pytest.raises(AirflowNotFoundException, match="no_such_connection"):
        ActiveCampaignGetCurrentUserOperator(task_id="t", activecampaign_conn_id="no_such_connection").execute({})
    assert emulator.requests == []


# --------------------------------------------------------------------------- API errors







#: operator -> (operator, fault to inject or None, HTTP status, ActiveCampaign's words)
API_ERRORS: dict[str, ApiErrorCase] = {
    "CON-01 duplicate e-mail": (lambda w: ActiveCampaignCreateContactOperator(task_id="t", email="Ada@example.com"),
                                None, 422, "Email address already exists in the system (field email)"),
    "CON-02": forbidden("contact/sync", lambda w: ActiveCampaignSyncContactOperator(task_id="t",
                                                                                    email="ada@example.com")),
    "CON-03": missing("Subscriber", lambda w: ActiveCampaignUpdateContactOperator(task_id="t", contact_id=999,
                                                                                  first_name="X")),
    "CON-04": (lambda w: ActiveCampaignDeleteContactOperator(task_id="t", contact_id=999),
               None, 404, "No result found for contact with id 999"),
    "CON-05": missing("Subscriber", lambda w: ActiveCampaignGetContactOperator(task_id="t", contact_id=999)),
    "CON-06": forbidden("contacts", lambda w: ActiveCampaignListContactsOperator(task_id="t")),
    "CON-14": forbidden("users/me", lambda w: ActiveCampaignGetCurrentUserOperator(task_id="t")),
    "USR-01": missing("User", lambda w: ActiveCampaignGetUserOperator(task_id="t", user_id=999)),
    "USR-02": forbidden("users", lambda w: ActiveCampaignListUsersOperator(task_id="t")),
    "USR-03": forbidden("groups", lambda w: ActiveCampaignListGroupsOperator(task_id="t")),
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


@pytest.mark.parametrize("case", API_ERRORS, ids=list(API_ERRORS))
def test_api_error_carries_status_and_message(case, emulator, world):
    make, fault, status, words = API_ERRORS[case]
    if fault:
        emulator.inject_fault(**fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        make(world).execute(context={})
    assert caught.value.status == status
    assert f"HTTP {status}" in str(caught.value)
    assert words in str(caught.value)
    assert CANARY_KEY not in str(caught.value) and CANARY_KEY not in repr(caught.value.args)


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


# --------------------------------------------------------------------------- CON-06: listing contacts


def _contacts(emulator, n: int, **fields: Any) -> list[dict[str, Any]]:
    """``n`` contacts whose e-mails do not sort in id order."""
    return [emulator.insert("contacts", email=f"c{(i * 7919) % 1009:04d}.{i}@example.com", firstName=f"C{i}",
                            **fields) for i in range(n)]


def test_list_contacts_pages_by_id_and_reads_every_record_once(emulator):
    made = _contacts(emulator, 260)
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t"))
    assert [c["id"] for c in contacts] == [c["id"] for c in made]  # each once, in id order
    # keyset paging: id order, then "after the last id seen"; never an offset
    assert [r.query.get("id_greater") for r in emulator.requests] == [None, [made[99]["id"]], [made[199]["id"]]]
    assert all(r.query["orders[id]"] == ["ASC"] and "offset" not in r.query for r in emulator.requests)


def test_list_contacts_does_not_skip_records_when_one_is_deleted_between_pages(emulator, monkeypatch):
    """Another task deletes an already-read contact while we page: offset paging would then skip the
    first record of the next page; keyset paging (after the last id seen) reads every remaining one."""
    made = _contacts(emulator, 150)
    op = ActiveCampaignListContactsOperator(task_id="t")
    send = op.hook.send

    def request_then_delete(*args: Any, **kwargs: Any) -> Any:
        reply = send(*args, **kwargs)
        if len(emulator.requests) == 1:
            ActiveCampaignDeleteContactOperator(task_id="other", contact_id=made[10]["id"]).execute({})
        return reply

    monkeypatch.setattr(op.hook, "send", request_then_delete)
    emulator.clear_requests()
    contacts = run(op)
    assert emulator.record("contacts", made[10]["id"]) is None
    assert [c["id"] for c in contacts] == [c["id"] for c in made]


@pytest.fixture
def subscribed(emulator) -> dict[str, list[str]]:
    """30 contacts: every 3rd active on list 1, every 5th unsubscribed from it, every 4th tagged "customer"."""
    made = _contacts(emulator, 30)
    active = [c["id"] for c in made[::3]]
    unsubscribed = [c["id"] for c in made[1::5] if c["id"] not in active]
    for cid in active:
        emulator.insert("contactLists", contact=cid, list="1", status="1")
    for cid in unsubscribed:
        emulator.insert("contactLists", contact=cid, list="1", status="2")
    tagged = [c["id"] for c in made[::4]]
    for cid in tagged:
        emulator.insert("contactTags", contact=cid, tag="1")
    emulator.clear_requests()
    return {"all": [c["id"] for c in made], "active": active, "unsubscribed": unsubscribed, "tagged": tagged,
            "seventh": [made[7]["id"]], "seventh_email": [made[7]["email"]]}


Pick = Callable[[dict[str, list[str]]], Any]


@pytest.mark.parametrize(("filters", "expected", "sent"), [
    (lambda s: {"email": s["seventh_email"][0]}, lambda s: s["seventh"],
     lambda s: ("email", s["seventh_email"][0])),
    (lambda s: {"list_id": 1}, lambda s: s["active"] + s["unsubscribed"], lambda s: ("listid", "1")),
    (lambda s: {"list_id": "1", "status": 1}, lambda s: s["active"], lambda s: ("status", "1")),
    (lambda s: {"list_id": 1, "status": "2"}, lambda s: s["unsubscribed"], lambda s: ("status", "2")),
    (lambda s: {"status": -1}, lambda s: s["all"], lambda s: ("status", "-1")),
    (lambda s: {"tag_id": 1}, lambda s: s["tagged"], lambda s: ("tagid", "1")),
    (lambda s: {"email_like": ".7@"}, lambda s: s["seventh"], lambda s: ("email_like", ".7@")),
], ids=["email", "list", "list+active", "list+unsubscribed", "any status", "tag", "email like"])
def test_list_contacts_filters(emulator, subscribed, filters: Pick, expected: Pick, sent: Pick):
    contacts = run(ActiveCampaignListContactsOperator(task_id="t", **filters(subscribed)))
    wanted = sorted(expected(subscribed), key=int)
    assert wanted and [c["id"] for c in contacts] == wanted
    name, value = sent(subscribed)
    assert emulator.requests[0].query[name] == [value]


def test_list_contacts_created_window(emulator):
    days = [datetime(2024, 5, day, 12, 0, tzinfo=CENTRAL) for day in (1, 2, 3, 4)]
    made = [emulator.insert("contacts", email=f"d{i}@example.com", cdate=when.isoformat(), udate=when.isoformat())
            for i, when in enumerate(days)]
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t", created_after=days[1],
                                                      created_before="2024-05-04T12:00:00-06:00"))
    assert [c["id"] for c in contacts] == [made[1]["id"], made[2]["id"]]  # after: inclusive; before: exclusive
    assert emulator.requests[0].query["filters[created_after]"] == [days[1].isoformat()]
    assert emulator.requests[0].query["filters[created_before]"] == ["2024-05-04T12:00:00-06:00"]


def test_list_contacts_updated_window_takes_naive_times_as_utc(emulator):
    old = emulator.insert("contacts", email="old@example.com", cdate="2024-05-01T00:00:00-05:00",
                          udate="2024-05-01T00:00:00-05:00")
    new = emulator.insert("contacts", email="new@example.com", cdate="2024-05-01T00:00:00-05:00",
                          udate="2024-06-01T00:00:00-05:00")
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t", updated_after=datetime(2024, 5, 15)))
    assert [c["id"] for c in contacts] == [new["id"]] and old["id"] != new["id"]
    assert emulator.requests[0].query["filters[updated_after]"] == ["2024-05-15T00:00:00+00:00"]


def test_unknown_contact_filter_is_refused_with_the_valid_names(emulator):
    op = ActiveCampaignListOperator(task_id="t", resource="contact", filters={"colour": "red"})
    with pytest.raises(ActiveCampaignInputError) as caught:
        op.execute(context={})
    assert caught.value.field == "filters.colour"
    for name in ("email", "email_like", "search", "list_id", "tag_id", "status", "created_after", "updated_before"):
        assert name in str(caught.value)
    assert emulator.requests == []


@pytest.mark.parametrize(("order_by", "order", "key", "reverse"), [
    ("email", "DESC", lambda c: c["email"], True),
    ("email", "asc", lambda c: c["email"], False),
    ("first_name", "DESC", lambda c: c["firstName"], True),
], ids=["email desc", "email asc", "first name desc"])
def test_list_contacts_ordered(emulator, order_by, order, key, reverse):
    _contacts(emulator, 130)
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t", order_by=order_by, order=order))
    assert len(contacts) == 130 and len({c["id"] for c in contacts}) == 130
    assert [key(c) for c in contacts] == sorted((key(c) for c in contacts), reverse=reverse)
    # an explicit ordering rules out keyset paging by id: offset paging, asking for that ordering
    assert [r.query["offset"] for r in emulator.requests] == [["0"], ["100"]]
    assert all(r.query[f"orders[{order_by}]"] == [order.upper()] and "id_greater" not in r.query
               for r in emulator.requests)


def test_list_contacts_limit_stops_early(emulator):
    made = _contacts(emulator, 150)
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t", limit=7))
    assert [c["id"] for c in contacts] == [c["id"] for c in made[:7]]
    assert len(emulator.requests) == 1 and emulator.requests[0].query["limit"] == ["7"]


def test_list_contacts_limit_across_pages(emulator):
    made = _contacts(emulator, 150)
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t", limit=120))
    assert [c["id"] for c in contacts] == [c["id"] for c in made[:120]]
    assert [r.query["limit"] for r in emulator.requests] == [["100"], ["20"]]


def test_list_contacts_to_json_lines(emulator, subscribed, tmp_path):
    target = tmp_path / "out" / "contacts.jsonl"
    result = run(ActiveCampaignListContactsOperator(task_id="t", tag_id=1, output_path=str(target)))
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert result == {"path": str(target), "count": len(subscribed["tagged"])}
    assert [c["id"] for c in lines] == subscribed["tagged"]
    assert CANARY_KEY not in target.read_text()


def test_list_contacts_filters_and_limit_are_templated(emulator, subscribed):
    op = ActiveCampaignListContactsOperator(task_id="t", list_id="{{ params.list }}", status="{{ params.status }}",
                                            limit="{{ params.n }}")
    op.render_template_fields({"params": {"list": 1, "status": 1, "n": 3}})
    contacts = run(op)
    assert [c["id"] for c in contacts] == subscribed["active"][:3]


# --------------------------------------------------------------------------- users and groups


def test_list_users_limit_and_output_path(emulator, world, tmp_path):
    for i in range(3):
        emulator.insert("users", username=f"u{i}", email=f"u{i}@example.com")
    assert [u["username"] for u in run(ActiveCampaignListUsersOperator(task_id="t", limit=2))] == ["admin", "bob"]
    target = tmp_path / "users.jsonl"
    result = run(ActiveCampaignListGroupsOperator(task_id="t", output_path=str(target)))
    assert result == {"path": str(target), "count": 2}
    assert [json.loads(line)["title"] for line in target.read_text().splitlines()] == ["Admins", "Sales team"]


# --------------------------------------------------------------------------- RAW-01


def test_api_call_paginates_an_envelope_up_to_the_limit(emulator):
    made = _contacts(emulator, 160)
    emulator.clear_requests()
    contacts = run(ActiveCampaignApiCallOperator(task_id="t", path="/api/3/contacts", query={"email_like": "example"},
                                                 paginate_envelope="contacts", limit=150))
    assert [c["id"] for c in contacts] == [c["id"] for c in made[:150]]
    assert [(r.query["offset"], r.query["limit"]) for r in emulator.requests] == [(["0"], ["100"]),
                                                                                   (["100"], ["50"])]
    assert all(r.query["email_like"] == ["example"] for r in emulator.requests)


def test_api_call_paginates_every_page_without_a_limit(emulator):
    _contacts(emulator, 130)
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
    with pytest.raises(ActiveCampaignConfigError, match="climbs out of the API"):
        ActiveCampaignApiCallOperator(task_id="t", path="/contacts/../../admin/api.php").execute({})
    assert emulator.requests == []


# --------------------------------------------------------------------------- RAW-02


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
    reply = run(ActiveCampaignLegacyApiCallOperator(task_id="t", api_action="contact_view",
                                                    query={"id": world["ada"], "api_key": "someone-else"}))
    assert reply["result_code"] == 1
    assert emulator.requests[0].query["api_key"] == ["***"]


# --------------------------------------------------------------------------- templating of the generic operators


def test_generic_operators_render_resource_id_and_body(emulator, world):
    op = ActiveCampaignUpdateOperator(task_id="t", resource="{{ params.kind }}", record_id="{{ params.id }}",
                                      body={"firstName": "{{ params.name }}"})
    op.render_template_fields({"params": {"kind": "contact", "id": world["grace"], "name": "Amazing Grace"}})
    run(op)
    assert emulator.record("contacts", world["grace"])["firstName"] == "Amazing Grace"


def test_create_contact_renders_its_email_from_a_template(emulator):
    op = ActiveCampaignCreateContactOperator(task_id="t", email="{{ params.who }}@example.com",
                                             first_name="{{ params.who | title }}")
    op.render_template_fields({"params": {"who": "edsger"}})
    contact = run(op)
    assert (contact["email"], contact["firstName"]) == ("edsger@example.com", "Edsger")
