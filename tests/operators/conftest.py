"""The small accounts the operator tests run against (on top of the emulator's seed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.operators.helpers import HOOK_URL


@pytest.fixture
def world(emulator) -> dict[str, str]:
    """A small account on top of the emulator's seed (user 1 "admin", group 1 "Admins", list 1,
    tag 1 "customer"): two contacts, a custom field, a second user and a second group.

    A chapter module runs its tables against another account by overriding this fixture
    (``def world(crm_world): return crm_world``)."""
    field = emulator.insert("fields", title="Favourite colour", type="text")
    ada = emulator.insert("contacts", email="ada@example.com", firstName="Ada", lastName="Lovelace")
    grace = emulator.insert("contacts", email="grace@example.com", firstName="Grace", lastName="Hopper")
    user = emulator.insert("users", username="bob", email="bob@example.com", firstName="Bob")
    group = emulator.insert("groups", title="Sales team")
    emulator.clear_requests()
    return {"ada": ada["id"], "grace": grace["id"], "field": field["id"], "user": user["id"], "group": group["id"]}


@pytest.fixture
def w(emulator) -> SimpleNamespace:
    """The marketing chapters' account (their tables' ``world``): Ada (subscribed to list 1, tagged,
    in automation 1, with a custom field value), Bob (on no list), a message, a campaign, a webhook;
    the request log emptied."""
    emu = emulator
    ada = emu.insert("contacts", email="ada@example.com", firstName="Ada")
    bob = emu.insert("contacts", email="bob@example.com", firstName="Bob")
    emu.insert("contactLists", contact=ada["id"], list="1", status="1")
    colour = emu.insert("fields", title="Colour", type="text", perstag="COLOUR")
    size = emu.insert("fields", title="Size", type="dropdown", perstag="SIZE")
    value = emu.insert("fieldValues", contact=ada["id"], field=colour["id"], value="blue")
    lead = emu.insert("tags", tag="lead")
    link = emu.insert("contactTags", contact=ada["id"], tag="1")
    entry = emu.insert("contactAutomations", contact=ada["id"], automation="1")
    message = emu.insert("messages", fromname="Shop", fromemail="shop@example.com", reply2="help@example.com",
                         subject="Hello")
    campaign = emu.insert("campaigns", name="Spring sale", type="single")
    webhook = emu.insert("webhooks", name="Deals", url=HOOK_URL, events=["deal_add"], sources=["api"])
    emu.clear_requests()
    return SimpleNamespace(emu=emu, ada=ada["id"], bob=bob["id"], colour=colour["id"], size=size["id"],
                           value=value["id"], lead=lead["id"], link=link["id"], entry=entry["id"],
                           message=message["id"], campaign=campaign["id"], webhook=webhook["id"])


@pytest.fixture
def crm_world(emulator) -> dict[str, str]:
    """A small account on top of the emulator's seed (pipeline 1 "Sales" with stages 1-3, task types 1-2):
    a contact, an account, a deal in stage 1 with a note and a task, a contact note, a calendar feed,
    a second pipeline (stages 4-6), an organization and a deal custom field "Tier"."""
    contact = emulator.insert("contacts", email="ada@example.com", firstName="Ada")
    account = emulator.insert("accounts", name="Analytical Engines")
    deal = emulator.insert("deals", title="Engine order", contact=contact["id"], value="500000", currency="usd",
                           group="1", stage="1")
    deal_note = emulator.insert("notes", note="Called Ada", relid=deal["id"], reltype="Deal")
    contact_note = emulator.insert("notes", note="Met at fair", relid=contact["id"], reltype="Subscriber")
    task = emulator.insert("dealTasks", relid=deal["id"], reltype="Deal", dealTasktype="1", title="Follow up",
                           duedate="2024-03-01T10:00:00-06:00")
    calendar = emulator.insert("calendars", title="Team deals", type="Deals")
    pipeline = emulator.insert("dealGroups", title="Partners", currency="eur")
    organization = emulator.insert("organizations", name="Babbage & Co")
    deal_field = emulator.insert("dealCustomFieldMeta", fieldLabel="Tier", fieldType="dropdown")
    emulator.clear_requests()
    return {"contact": contact["id"], "account": account["id"], "deal": deal["id"], "deal_note": deal_note["id"],
            "contact_note": contact_note["id"], "task": task["id"], "calendar": calendar["id"],
            "pipeline": pipeline["id"], "other_stage": emulator.records("dealStages")[-1]["id"],
            "organization": organization["id"], "deal_field": deal_field["id"]}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize a shared table test (tests/operators/tables.py) with the tables of the chapter module
    it is collected in."""
    rows = getattr(metafunc.function, "table_rows", None)
    if rows is not None:
        argnames, argvalues, ids = rows(metafunc.module)
        metafunc.parametrize(argnames, argvalues, ids=ids)
