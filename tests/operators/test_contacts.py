"""Tests of the contacts operators, over real HTTP against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignInputError,
)
from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateContactOperator,
    ActiveCampaignDeleteContactOperator,
    ActiveCampaignGetContactByEmailOperator,
    ActiveCampaignGetContactOperator,
    ActiveCampaignListContactsOperator,
    ActiveCampaignListOperator,
    ActiveCampaignSyncContactOperator,
    ActiveCampaignUpdateContactOperator,
)
from tests.conftest import CANARY_KEY
from tests.operators import tables
from tests.operators.helpers import (
    CENTRAL,
    ApiErrorCase,
    CallCase,
    by,
    forbidden,
    insert_contacts,
    missing,
    no_permission,
    run,
)


@pytest.fixture
def world(world: dict[str, str], emulator) -> dict[str, str]:
    """The conftest's account, with Ada subscribed to list 1 and a text field "Colour" (tag ``COLOUR``)."""
    emulator.insert("contactLists", contact=world["ada"], list="1", status="1")
    colour = emulator.insert("fields", title="Colour", type="text", perstag="COLOUR")
    emulator.clear_requests()
    return {**world, "colour": colour["id"]}


HAPPY: dict[str, CallCase] = {
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
                                                      extra_fields={"orgid": "7"}),
        lambda emu, w, contact: ([(v["contact"], v["value"]) for v in emu.records("fieldValues")]
                                 == [(contact["id"], "Blue")]
                                 and emu.requests[0].path == "/api/3/fields"  # the field id checked first
                                 and emu.requests[-1].json["contact"]["orgid"] == "7"),
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
    "get contact by e-mail": (
        lambda w: ActiveCampaignGetContactByEmailOperator(task_id="t", email=" GRACE@example.com"),
        lambda emu, w, contact: (contact["id"] == w["grace"]
                                 and emu.requests[0].query["email"] == ["GRACE@example.com"]),  # stripped
    ),
    "get contact by e-mail, missing_ok": (
        lambda w: ActiveCampaignGetContactByEmailOperator(task_id="t", email="nobody@example.com", missing_ok=True),
        lambda emu, w, contact: contact is None,
    ),
    "CON-06 list contacts": (
        lambda w: ActiveCampaignListContactsOperator(task_id="t"),
        lambda emu, w, contacts: [c["email"] for c in contacts] == ["ada@example.com", "grace@example.com"],
    ),
    "CON-15 only contacts on a list": (
        lambda w: ops.ActiveCampaignListSubscribedContactsOperator(task_id="t"),
        lambda emu, w, r: [c["email"] for c in r] == ["ada@example.com"]
        and all(q.query["ids"] == ["all"] for q in emu.requests)),
    "LEG-01 legacy sync creates with list, tags and custom fields": (
        lambda w: ops.ActiveCampaignLegacySyncContactOperator(
            task_id="t", email="cy@example.com", first_name="Cy", tags=["vip", "lead"], field_values={"COLOUR": "red"},
            list_id=1),
        lambda emu, w, r: (lambda c: c["firstName"] == "Cy"
                           and by(emu, "contactLists", contact=c["id"], list="1", status="1")
                           and by(emu, "fieldValues", contact=c["id"], field=w["colour"], value="red")
                           and len(by(emu, "contactTags", contact=c["id"])) == 2)(
                 by(emu, "contacts", email="cy@example.com")[0])),
    "LEG-01 legacy sync updates by e-mail": (
        lambda w: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", email="ada@example.com", last_name="L"),
        lambda emu, w, r: emu.record("contacts", w["ada"])["lastName"] == "L" and len(emu.records("contacts")) == 2),
    "LEG-02 legacy create on a list": (
        lambda w: ops.ActiveCampaignLegacyCreateContactOperator(task_id="t", email="di@example.com", list_id=1,
                                                                list_status=2, phone="555"),
        lambda emu, w, r: (lambda c: c["phone"] == "555" and str(r["subscriber_id"]) == c["id"]
                           and by(emu, "contactLists", contact=c["id"], list="1", status="2"))(
                 by(emu, "contacts", email="di@example.com")[0])),
    "LEG-03 legacy get": (
        lambda w: ops.ActiveCampaignLegacyGetContactOperator(task_id="t", contact_id=w["ada"]),
        lambda emu, w, r: r["email"] == "ada@example.com" and r["id"] == w["ada"]),
    "LEG-04 legacy update keeps other lists": (
        lambda w: ops.ActiveCampaignLegacyUpdateContactOperator(task_id="t", contact_id=w["ada"], first_name="Augusta"),
        lambda emu, w, r: emu.record("contacts", w["ada"])["firstName"] == "Augusta"
        and emu.requests[-1].form["overwrite"] == ["0"]),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "CON-01": (lambda: ActiveCampaignCreateContactOperator(task_id="t", email="ada.example.com"), "email"),
    "CON-01 e-mail required": (lambda: ActiveCampaignCreateContactOperator(task_id="t", email="  "), "email"),
    "CON-01 field values": (lambda: ActiveCampaignCreateContactOperator(
        task_id="t", email="a@example.com", field_values={"favourite colour": "x"}), "field_values.favourite colour"),
    "CON-02": (lambda: ActiveCampaignSyncContactOperator(task_id="t", email="not an e-mail"), "email"),
    "CON-03": (lambda: ActiveCampaignUpdateContactOperator(task_id="t", contact_id=1, email="nope"), "email"),
    "CON-03 id": (lambda: ActiveCampaignUpdateContactOperator(task_id="t", contact_id="ada", first_name="A"),
                  "contact_id"),
    "CON-03 nothing to change": (lambda: ActiveCampaignUpdateContactOperator(task_id="t", contact_id=1),
                                 "email or first_name or last_name or phone or field_values"),
    "CON-04": (lambda: ActiveCampaignDeleteContactOperator(task_id="t", contact_id=None), "contact_id"),
    "CON-05": (lambda: ActiveCampaignGetContactOperator(task_id="t", contact_id="1.0"), "contact_id"),
    "CON-06 status": (lambda: ActiveCampaignListContactsOperator(task_id="t", status=7), "status"),
    "CON-06 e-mail": (lambda: ActiveCampaignListContactsOperator(task_id="t", email="ada"), "email"),
    "get by e-mail": (lambda: ActiveCampaignGetContactByEmailOperator(task_id="t", email="ada"), "email"),
    "CON-06 date": (lambda: ActiveCampaignListContactsOperator(task_id="t", created_after="last spring"),
                    "created_after"),
    "CON-06 ordering": (lambda: ActiveCampaignListContactsOperator(task_id="t", order_by="colour"),
                        "order_by"),
    "CON-06 direction": (lambda: ActiveCampaignListContactsOperator(task_id="t", order_by="email", order="up"),
                         "order"),
    "CON-06 limit": (lambda: ActiveCampaignListContactsOperator(task_id="t", limit=-1), "limit"),
    "ListSubscribedContactsOperator-status": (
        lambda: ops.ActiveCampaignListSubscribedContactsOperator(task_id="t", status=7), "status"),
    "ListSubscribedContactsOperator-phone": (
        lambda: ops.ActiveCampaignListSubscribedContactsOperator(task_id="t", phone="+99 000"), "phone"),
    "ListSubscribedContactsOperator-orgname": (
        lambda: ops.ActiveCampaignListSubscribedContactsOperator(task_id="t", orgname="Acme"), "orgname"),
    "LegacySyncContactOperator-email or contact_id": (
        lambda: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", first_name="Nobody"), "email or contact_id"),
    "LegacySyncContactOperator-field_values.bad key": (
        lambda: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", email="x@example.com",
                                                            field_values={"bad key": 1}), "field_values.bad key"),
    "LegacyCreateContactOperator-list_id": (
        lambda: ops.ActiveCampaignLegacyCreateContactOperator(task_id="t", email="x@example.com"), "list_id"),
    "LegacyGetContactOperator-contact_id": (
        lambda: ops.ActiveCampaignLegacyGetContactOperator(task_id="t", contact_id="one"), "contact_id"),
    "LegacyUpdateContactOperator-email": (
        lambda: ops.ActiveCampaignLegacyUpdateContactOperator(task_id="t", contact_id=1,
                                                              email="not-an-email"), "email"),
}


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
    "get by e-mail, nobody": (lambda w: ActiveCampaignGetContactByEmailOperator(task_id="t", email="no@example.com"),
                              None, 404, "No contact has the e-mail address 'no@example.com'"),
    "LEG-01 sync by id without e-mail": (
        lambda w: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", contact_id=w["ada"], first_name="A"),
        None, 200, "Contact Email Address is not valid"),
    "LEG-02 unknown list": (
        lambda w: ops.ActiveCampaignLegacyCreateContactOperator(task_id="t", email="e@example.com", list_id=999),
        None, 200, "List 999 does not exist"),
    "LEG-03 unknown contact": (
        lambda w: ops.ActiveCampaignLegacyGetContactOperator(task_id="t", contact_id=999),
        None, 200, "Nothing is returned"),
    "LEG-04 unknown contact": (
        lambda w: ops.ActiveCampaignLegacyUpdateContactOperator(task_id="t", contact_id=999, first_name="X"),
        None, 200, "Contact not found"),
}


NO_PERMISSION_LEGACY: list[type] = [
    ops.ActiveCampaignListSubscribedContactsOperator,
]


API_ERRORS.update(no_permission(NO_PERMISSION_LEGACY))


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_list_contacts_pages_by_id_and_reads_every_record_once(emulator):
    made = insert_contacts(emulator, 260)
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t"))
    assert [c["id"] for c in contacts] == [c["id"] for c in made]  # each once, in id order
    # keyset paging: id order, then "after the last id seen"; never an offset
    assert [r.query.get("id_greater") for r in emulator.requests] == [None, [made[99]["id"]], [made[199]["id"]]]
    assert all(r.query["orders[id]"] == ["asc"] and "offset" not in r.query for r in emulator.requests)


def test_list_contacts_does_not_skip_records_when_one_is_deleted_between_pages(emulator, monkeypatch):
    """Another task deletes an already-read contact while we page: offset paging would then skip the
    first record of the next page; keyset paging (after the last id seen) reads every remaining one."""
    made = insert_contacts(emulator, 150)
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
    made = insert_contacts(emulator, 30)
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
    with pytest.raises(ActiveCampaignInputError) as caught:  # when the DAG is parsed
        ActiveCampaignListOperator(task_id="t", resource="contact", filters={"colour": "red"})
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
    insert_contacts(emulator, 130)
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t", order_by=order_by, order=order))
    assert len(contacts) == 130 and len({c["id"] for c in contacts}) == 130
    assert [key(c) for c in contacts] == sorted((key(c) for c in contacts), reverse=reverse)
    # an explicit ordering rules out keyset paging by id: offset paging, asking for that ordering
    assert [r.query["offset"] for r in emulator.requests] == [["0"], ["95"]]
    assert all(r.query[f"orders[{order_by}]"] == [order.lower()] and "id_greater" not in r.query
               for r in emulator.requests)


def test_list_contacts_limit_stops_early(emulator):
    made = insert_contacts(emulator, 150)
    emulator.clear_requests()
    contacts = run(ActiveCampaignListContactsOperator(task_id="t", limit=7))
    assert [c["id"] for c in contacts] == [c["id"] for c in made[:7]]
    assert len(emulator.requests) == 1 and emulator.requests[0].query["limit"] == ["7"]


def test_list_contacts_limit_across_pages(emulator):
    made = insert_contacts(emulator, 150)
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


def test_create_contact_renders_its_email_from_a_template(emulator):
    op = ActiveCampaignCreateContactOperator(task_id="t", email="{{ params.who }}@example.com",
                                             first_name="{{ params.who | title }}")
    op.render_template_fields({"params": {"who": "edsger"}})
    contact = run(op)
    assert (contact["email"], contact["firstName"]) == ("edsger@example.com", "Edsger")


def test_subscribed_contacts_filters_and_pages(w) -> None:
    emu = w.emu
    for n in range(45):
        contact = emu.insert("contacts", email=f"s{n}@example.com")
        emu.insert("contactLists", contact=contact["id"], list="1", status="1" if n < 30 else "2")
    emu.clear_requests()
    everyone = run(ops.ActiveCampaignListSubscribedContactsOperator(task_id="t"))
    assert len(everyone) == 46 and [q.query["page"] for q in emu.requests] == [["1"], ["2"], ["3"], ["4"]]
    first = run(ops.ActiveCampaignListSubscribedContactsOperator(task_id="t", limit=25))
    assert [c["email"] for c in first] == [c["email"] for c in everyone[:25]]
    one = run(ops.ActiveCampaignListSubscribedContactsOperator(task_id="t", email="s3@example.com"))
    assert [c["email"] for c in one] == ["s3@example.com"]
    tagged = run(ops.ActiveCampaignListSubscribedContactsOperator(task_id="t", tag="customer", list_id=1))
    assert [c["email"] for c in tagged] == ["ada@example.com"]
    assert emu.requests[-1].query["filters[tagname]"] == ["customer"]
#: operators of this chapter that run on the legacy API: their rows are in the LEGACY_ tables (checked there)
