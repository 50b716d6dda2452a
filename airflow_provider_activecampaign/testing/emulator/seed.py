"""Seed data: the minimal account every emulator starts with, and the ``demo`` data on top of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from airflow_provider_activecampaign.testing.emulator.resources import RESOURCES
from airflow_provider_activecampaign.testing.emulator.store import Store
from airflow_provider_activecampaign.testing.emulator.values import CENTRAL, Record, format_time

SEED_EPOCH = datetime(2024, 1, 2, 9, 0, tzinfo=CENTRAL)

Add = Callable[..., Record]


def seed(store: Store, kind: str | None) -> None:
    """A minimal account, and with ``kind="demo"`` some data; fixed timestamps from 2024-01-02."""
    clock = iter(SEED_EPOCH + timedelta(hours=n) for n in range(10_000))

    def add(plural: str, **fields: Any) -> Record:
        res = RESOURCES[plural]
        stamp = format_time(next(clock))
        for name in (res.created, res.updated):
            if name:
                fields.setdefault(name, stamp)
        return store.save(res, fields, None, "system")

    _minimal(add)
    if kind == "demo":
        _demo(add)


def _minimal(add: Add) -> None:
    """The key's user, a group, a pipeline with its stages, task types, automations, a list, a tag."""
    add("users", username="admin", firstName="Emulator", lastName="Admin", email="admin@example.com", _group="1")
    add("groups", title="Admins", descript="Administrators", p_admin="1")
    add("brandings", groupid="1")  # every account has its group's branding
    add("dealGroups", title="Sales", currency="usd", _no_default_stages=True)
    for order, title in enumerate(("To Contact", "In Contact", "Follow Up"), start=1):
        add("dealStages", title=title, group="1", order=order)
    for title in ("Call", "Email"):
        add("dealTasktypes", title=title)
    add("automations", name="Welcome series", status="1")
    add("automations", name="Re-engagement", status="2")
    add("lists", name="Master Contact List", sender_url="https://example.com",
        sender_reminder="You signed up on our website.")
    add("tags", tag="customer", description="Paying customers")


def _demo(add: Add) -> None:
    """Contacts with list status and tags, deals, tasks, notes, calendars, messages, a campaign."""
    add("tags", tag="lead", description="")
    add("organizations", name="Acme Inc")
    add("accounts", name="Acme Inc", accountUrl="https://acme.example.com")
    add("fields", title="Favorite color", type="text", perstag="FAVORITE_COLOR")
    people = [("alice@example.com", "Alice", "Anders", "1", "1"), ("bob@example.com", "Bob", "Brown", "1", "2"),
              ("carol@example.org", "Carol", "Chen", "1", "1"), ("dave@example.net", "Dave", "Diaz", "2", None),
              ("erin@example.com", "Erin", "Evans", None, None)]
    for email, first, last, status, tag in people:
        contact = add("contacts", email=email, firstName=first, lastName=last, phone="+1 312 555 0100",
                      orgid="1" if email.endswith(".com") else "0")
        if status:
            add("contactLists", contact=contact["id"], list="1", status=status)
        if tag:
            add("contactTags", contact=contact["id"], tag=tag)
    add("fieldValues", contact="1", field="1", value="Blue")
    add("contactAutomations", contact="1", automation="1")
    for title, contact, value, stage, status in (("Acme renewal", "1", "150000", "1", "0"),
                                                 ("Globex pilot", "2", "50000", "2", "0"),
                                                 ("Initech upgrade", "3", "250000", "3", "1")):
        add("deals", title=title, contact=contact, value=value, currency="usd", group="1", stage=stage,
            status=status, account="1" if contact == "1" else None)
    tasks = (("1", "Deal", "1", "Call Alice", "2024-02-01T10:00:00-06:00"),
             ("2", "Deal", "2", "Send pilot terms", "2024-02-05T09:00:00-06:00"),
             ("3", "Subscriber", "1", "Intro call", "2024-02-10T15:00:00-06:00"))
    for relid, reltype, tasktype, title, due in tasks:
        add("dealTasks", relid=relid, reltype=reltype, dealTasktype=tasktype, title=title, duedate=due,
            note="Demo task", status=0)
    add("notes", note="Renewal discussed", relid="1", reltype="Deal")
    add("calendars", title="All activities", type="All", notification="1")
    add("calendars", title="Deals", type="Deals")
    for subject in ("Welcome to Acme", "January newsletter"):
        add("messages", fromname="Acme", fromemail="news@example.com", reply2="hello@example.com", subject=subject)
    add("campaigns", name="Welcome newsletter", type="single", status="5", _lists=["1"], _messages=["1"])


