"""Section A operators over real HTTP against the emulator: custom field values, list status,
contact tags, subscribed contacts, the legacy API, custom fields, campaigns, messages, lists,
event tracking, automations and webhooks.

Three tables read as the specification. For every operator:

- ``HAPPY``: what it does, seen in the emulator's state (or in what it returns for reads);
- ``BAD_INPUT``: a bad argument is refused before any request, naming the operator and field;
- ``API_ERRORS``: ActiveCampaign's own message and the HTTP status reach the exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError, ActiveCampaignInputError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
from tests.operator_helpers import run

#: Webhook URLs point at the discard port: the emulator's deliveries fail fast and go nowhere.
HOOK_URL = "https://127.0.0.1:9/activecampaign"


@pytest.fixture
def w(emulator) -> SimpleNamespace:
    """A small account: Ada (subscribed to list 1, tagged, in automation 1, with a custom field
    value), Bob (on no list), a message, a campaign, a webhook; the request log emptied."""
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


def by(emu: Any, plural: str, **fields: str) -> list[dict[str, Any]]:
    """The emulator's records of ``plural`` whose fields equal ``fields``."""
    return [r for r in emu.records(plural) if all(str(r.get(k)) == str(v) for k, v in fields.items())]


def methods(emu: Any) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.requests]


# --------------------------------------------------------------------------- happy paths


@dataclass
class Case:
    """An operator built from the seeded account, and what must hold after it ran."""

    make: Callable[[SimpleNamespace], Any]
    check: Callable[[SimpleNamespace, Any], Any]


HAPPY: dict[str, Case] = {
    "CON-07 upsert updates the contact's existing value": Case(
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="green"),
        lambda w, r: (r["value"] == "green" and len(by(w.emu, "fieldValues", contact=w.ada)) == 1
                      and f"PUT /api/3/fieldValues/{w.value}" in methods(w.emu))),
    "CON-07 upsert creates a missing value": Case(
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.size,
                                                             value="||M||L||"),
        lambda w, r: by(w.emu, "fieldValues", contact=w.ada, field=w.size, value="||M||L||")
        and "POST /api/3/fieldValues" in methods(w.emu)),
    "CON-07 upsert by field value id": Case(
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="red", field_value_id=w.value),
        lambda w, r: w.emu.record("fieldValues", w.value)["value"] == "red" and len(w.emu.requests) == 1),
    "CON-08 get a field value": Case(
        lambda w: ops.ActiveCampaignGetFieldValueOperator(task_id="t", field_value_id=w.value),
        lambda w, r: r["id"] == w.value and r["value"] == "blue"),
    "CON-09 list a contact's field values": Case(
        lambda w: ops.ActiveCampaignListFieldValuesOperator(task_id="t", contact_id=w.ada),
        lambda w, r: [v["id"] for v in r] == [w.value]
        and methods(w.emu) == [f"GET /api/3/contacts/{w.ada}/fieldValues"]),
    "CON-10 update a field value": Case(
        lambda w: ops.ActiveCampaignUpdateFieldValueOperator(task_id="t", field_value_id=w.value, contact_id=w.ada,
                                                             field_id=w.colour, value="teal"),
        lambda w, r: w.emu.record("fieldValues", w.value)["value"] == "teal"),
    "CON-11 unsubscribe from a list": Case(
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.ada, list_id=1, status=2),
        lambda w, r: [c["status"] for c in by(w.emu, "contactLists", contact=w.ada, list="1")] == ["2"]),
    "CON-11 subscribe to a list": Case(
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.bob, list_id="1"),
        lambda w, r: [c["status"] for c in by(w.emu, "contactLists", contact=w.bob, list="1")] == ["1"]),
    "CON-12 add a tag": Case(
        lambda w: ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=w.ada, tag_id=w.lead),
        lambda w, r: by(w.emu, "contactTags", contact=w.ada, tag=w.lead) and r["tag"] == w.lead),
    "CON-13 remove a tag": Case(
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_tag_id=w.link),
        lambda w, r: w.emu.record("contactTags", w.link) is None and r == {"deleted": w.link,
                                                                          "resource": "contactTag"}),
    "CON-15 only contacts on a list": Case(
        lambda w: ops.ActiveCampaignListSubscribedContactsOperator(task_id="t"),
        lambda w, r: [c["email"] for c in r] == ["ada@example.com"]
        and all(q.query["ids"] == ["all"] for q in w.emu.requests)),
    "LEG-01 legacy sync creates with list, tags and custom fields": Case(
        lambda w: ops.ActiveCampaignLegacySyncContactOperator(
            task_id="t", email="cy@example.com", first_name="Cy", tags=["vip", "lead"], field_values={"COLOUR": "red"},
            list_id=1),
        lambda w, r: (lambda c: c["firstName"] == "Cy"
                      and by(w.emu, "contactLists", contact=c["id"], list="1", status="1")
                      and by(w.emu, "fieldValues", contact=c["id"], field=w.colour, value="red")
                      and len(by(w.emu, "contactTags", contact=c["id"])) == 2)(
            by(w.emu, "contacts", email="cy@example.com")[0])),
    "LEG-01 legacy sync updates by e-mail": Case(
        lambda w: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", email="ada@example.com", last_name="L"),
        lambda w, r: w.emu.record("contacts", w.ada)["lastName"] == "L" and len(w.emu.records("contacts")) == 2),
    "LEG-02 legacy create on a list": Case(
        lambda w: ops.ActiveCampaignLegacyCreateContactOperator(task_id="t", email="di@example.com", list_id=1,
                                                                list_status=2, phone="555"),
        lambda w, r: (lambda c: c["phone"] == "555" and str(r["subscriber_id"]) == c["id"]
                      and by(w.emu, "contactLists", contact=c["id"], list="1", status="2"))(
            by(w.emu, "contacts", email="di@example.com")[0])),
    "LEG-03 legacy get": Case(
        lambda w: ops.ActiveCampaignLegacyGetContactOperator(task_id="t", contact_id=w.ada),
        lambda w, r: r["email"] == "ada@example.com" and r["id"] == w.ada),
    "LEG-04 legacy update keeps other lists": Case(
        lambda w: ops.ActiveCampaignLegacyUpdateContactOperator(task_id="t", contact_id=w.ada, first_name="Augusta"),
        lambda w, r: w.emu.record("contacts", w.ada)["firstName"] == "Augusta"
        and w.emu.requests[0].form["overwrite"] == ["0"]),
    "LEG-05 legacy add to an automation": Case(
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="add", automation_id=2,
                                                                   contact_email="ada@example.com"),
        lambda w, r: by(w.emu, "contactAutomations", contact=w.ada, automation="2")),
    "LEG-05 legacy remove from an automation": Case(
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="REMOVE", automation_id=1,
                                                                   contact_email="ada@example.com"),
        lambda w, r: not by(w.emu, "contactAutomations", contact=w.ada)),
    "LEG-06 legacy add tags by name": Case(
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="add", tags="vip, lead",
                                                             contact_email="ada@example.com"),
        lambda w, r: len(by(w.emu, "contactTags", contact=w.ada)) == 3),
    "LEG-06 legacy remove tags by name": Case(
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="remove", tags=["customer"],
                                                             contact_email="ada@example.com"),
        lambda w, r: not by(w.emu, "contactTags", contact=w.ada)),
    "LEG-07 legacy contact note": Case(
        lambda w: ops.ActiveCampaignLegacyAddContactNoteOperator(task_id="t", contact_id=w.ada, note="Called",
                                                                 list_id=1),
        lambda w, r: by(w.emu, "notes", relid=w.ada, note="Called", reltype="Subscriber")),
    "LEG-08 legacy create a draft campaign": Case(
        lambda w: ops.ActiveCampaignLegacyCreateCampaignOperator(
            task_id="t", name="Autumn", list_ids=[1], message_id=w.message, send_date="2030-01-02T03:04:05+01:00"),
        lambda w, r: (lambda c: c["status"] == "0" and c["type"] == "single" and c["sdate"].startswith("2030-01-02")
                      and w.emu.requests[0].form["sdate"] == ["2030-01-02 02:04:05"])(
            w.emu.record("campaigns", r["id"]))),
    "LEG-09 legacy list campaigns by name": Case(
        lambda w: ops.ActiveCampaignLegacyListCampaignsOperator(task_id="t", name="Spring", campaign_type="single"),
        lambda w, r: [c["id"] for c in r] == [w.campaign]),
    "FLD-01 create a custom field": Case(
        lambda w: ops.ActiveCampaignCreateFieldOperator(task_id="t", title="Shoe size", field_type="Number",
                                                        perstag="SHOE_SIZE"),
        lambda w, r: by(w.emu, "fields", title="Shoe size", type="number", perstag="SHOE_SIZE")),
    "FLD-02 create field options": Case(
        lambda w: ops.ActiveCampaignCreateFieldOptionsOperator(
            task_id="t", field_id=w.size, options=["S", {"value": "M", "label": "Medium", "isdefault": True}]),
        lambda w, r: [(o["value"], o["label"], str(o["orderid"])) for o in by(w.emu, "fieldOptions", field=w.size)]
        == [("S", "S", "1"), ("M", "Medium", "2")] and len(r) == 2),
    "FLD-03 list custom fields by perstag": Case(
        lambda w: ops.ActiveCampaignListFieldsOperator(task_id="t", perstag="SIZE"),
        lambda w, r: [f["id"] for f in r] == [w.size]),
    "CMP-01 get a campaign": Case(
        lambda w: ops.ActiveCampaignGetCampaignOperator(task_id="t", campaign_id=w.campaign),
        lambda w, r: r["name"] == "Spring sale"),
    "CMP-02 delete a campaign (legacy)": Case(
        lambda w: ops.ActiveCampaignDeleteCampaignOperator(task_id="t", campaign_id=w.campaign),
        lambda w, r: w.emu.record("campaigns", w.campaign) is None and r["deleted"] == w.campaign),
    "CMP-03 list campaigns": Case(
        lambda w: ops.ActiveCampaignListCampaignsOperator(task_id="t", order_by="sdate", order="desc"),
        lambda w, r: [c["id"] for c in r] == [w.campaign]),
    "MSG-01 create a message": Case(
        lambda w: ops.ActiveCampaignCreateMessageOperator(task_id="t", from_name="Shop", from_email="s@example.com",
                                                          reply_to="r@example.com", subject="News",
                                                          html="<p>Hi</p>"),
        lambda w, r: by(w.emu, "messages", subject="News", html="<p>Hi</p>", fromemail="s@example.com")),
    "MSG-02 update a message": Case(
        lambda w: ops.ActiveCampaignUpdateMessageOperator(task_id="t", message_id=w.message, subject="Bye"),
        lambda w, r: w.emu.record("messages", w.message)["subject"] == "Bye"),
    "MSG-03 delete a message": Case(
        lambda w: ops.ActiveCampaignDeleteMessageOperator(task_id="t", message_id=w.message),
        lambda w, r: w.emu.record("messages", w.message) is None),
    "MSG-04 list messages": Case(
        lambda w: ops.ActiveCampaignListMessagesOperator(task_id="t"),
        lambda w, r: [m["id"] for m in r] == [w.message]),
    "LST-01 create a list (stringid from the name)": Case(
        lambda w: ops.ActiveCampaignCreateListOperator(task_id="t", name="VIP Buyers!", sender_url="https://x.io",
                                                       sender_reminder="You bought"),
        lambda w, r: by(w.emu, "lists", name="VIP Buyers!", stringid="vip-buyers")),
    "LST-02 list lists": Case(
        lambda w: ops.ActiveCampaignListListsOperator(task_id="t", name="Master", order="ASC"),
        lambda w, r: [x["id"] for x in r] == ["1"]),
    "EVT-01 create a tracking event": Case(
        lambda w: ops.ActiveCampaignCreateTrackingEventOperator(task_id="t", name="Viewed Pricing 2"),
        lambda w, r: [e["name"] for e in w.emu.records("eventTrackingEvents")] == ["Viewed Pricing 2"]),
    "EVT-02 enable event tracking": Case(
        lambda w: ops.ActiveCampaignSetEventTrackingOperator(task_id="t", enabled="true"),
        lambda w, r: r == {"enabled": True}
        and ActiveCampaignHook().request("GET", "eventTracking") == {"eventTracking": {"enabled": True}}),
    "AUT-01 list automations": Case(
        lambda w: ops.ActiveCampaignListAutomationsOperator(task_id="t", limit=1),
        lambda w, r: [a["name"] for a in r] == ["Welcome series"]),
    "AUT-02 add a contact to an automation": Case(
        lambda w: ops.ActiveCampaignAddContactToAutomationOperator(task_id="t", contact_id=w.bob, automation_id=2),
        lambda w, r: by(w.emu, "contactAutomations", contact=w.bob, automation="2") and r["automation"] == "2"),
    "AUT-03 get a contact's automation": Case(
        lambda w: ops.ActiveCampaignGetContactAutomationOperator(task_id="t", contact_automation_id=w.entry),
        lambda w, r: r["contact"] == w.ada and r["automation"] == "1"),
    "AUT-04 remove a contact from an automation": Case(
        lambda w: ops.ActiveCampaignRemoveContactFromAutomationOperator(task_id="t", contact_automation_id=w.entry),
        lambda w, r: w.emu.record("contactAutomations", w.entry) is None),
    "AUT-05 list a contact's automations": Case(
        lambda w: ops.ActiveCampaignListContactAutomationsOperator(task_id="t", contact_id=w.ada),
        lambda w, r: [e["id"] for e in r] == [w.entry]),
    "create a webhook": Case(
        lambda w: ops.ActiveCampaignCreateWebhookOperator(task_id="t", name="Subs", url=HOOK_URL,
                                                          events=["subscribe", "Unsubscribe"]),
        lambda w, r: (lambda h: h["events"] == ["subscribe", "unsubscribe"]
                      and sorted(h["sources"]) == ["admin", "api", "public", "system"])(
            by(w.emu, "webhooks", name="Subs")[0])),
    "get a webhook": Case(
        lambda w: ops.ActiveCampaignGetWebhookOperator(task_id="t", webhook_id=w.webhook),
        lambda w, r: r["name"] == "Deals"),
    "update a webhook": Case(
        lambda w: ops.ActiveCampaignUpdateWebhookOperator(task_id="t", webhook_id=w.webhook,
                                                          events=["deal_add", "deal_update"]),
        lambda w, r: w.emu.record("webhooks", w.webhook)["events"] == ["deal_add", "deal_update"]),
    "delete a webhook": Case(
        lambda w: ops.ActiveCampaignDeleteWebhookOperator(task_id="t", webhook_id=w.webhook),
        lambda w, r: w.emu.records("webhooks") == []),
    "list webhooks": Case(
        lambda w: ops.ActiveCampaignListWebhooksOperator(task_id="t", url=HOOK_URL),
        lambda w, r: [h["id"] for h in r] == [w.webhook]),
    "list webhook events": Case(
        lambda w: ops.ActiveCampaignListWebhookEventsOperator(task_id="t"),
        lambda w, r: "deal_add" in r and "subscribe" in r),
    "W-06 ensure creates a missing webhook": Case(
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Airflow subs", url=HOOK_URL + "/subs",
                                                          events=["subscribe"], sources=["public"]),
        lambda w, r: len(w.emu.records("webhooks")) == 2 and by(w.emu, "webhooks", name="Airflow subs")),
    "W-06 ensure leaves an up-to-date webhook alone": Case(
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Deals", url=HOOK_URL,
                                                          events=["deal_add"], sources=["api"]),
        lambda w, r: r["id"] == w.webhook and [q.method for q in w.emu.requests] == ["GET"]),
    "W-06 ensure updates a changed webhook, never a second one": Case(
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Deals", url=HOOK_URL + "/v2",
                                                          events=["deal_update", "deal_add"]),
        lambda w, r: (lambda hooks: len(hooks) == 1 and hooks[0]["url"] == HOOK_URL + "/v2"
                      and sorted(hooks[0]["events"]) == ["deal_add", "deal_update"]
                      and len(hooks[0]["sources"]) == 4)(w.emu.records("webhooks"))),
    "W-06 ensure finds a renamed webhook by its URL": Case(
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="Deals renamed", url=HOOK_URL,
                                                          events=["deal_add"], sources=["api"]),
        lambda w, r: [h["name"] for h in w.emu.records("webhooks")] == ["Deals renamed"]),
}


@pytest.mark.parametrize("case", HAPPY.values(), ids=HAPPY.keys())
def test_happy_path(w, case: Case) -> None:
    result = run(case.make(w))
    assert case.check(w, result), result
    assert not w.emu.server_errors


# --------------------------------------------------------------------------- bad input


BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignUpsertFieldValueOperator, {"contact_id": "ada", "field_id": 1, "value": "x"}, "contact"),
    (ops.ActiveCampaignUpsertFieldValueOperator, {"contact_id": 1, "field_id": 1, "value": None}, "value"),
    (ops.ActiveCampaignGetFieldValueOperator, {"field_value_id": "0"}, "id"),
    (ops.ActiveCampaignListFieldValuesOperator, {"contact_id": 1, "field_id": 2}, "filters"),
    (ops.ActiveCampaignUpdateFieldValueOperator, {"field_value_id": 1, "contact_id": 1, "field_id": "x", "value": 1},
     "field"),
    (ops.ActiveCampaignUpdateListStatusOperator, {"contact_id": 1, "list_id": 1, "status": 3}, "status"),
    (ops.ActiveCampaignAddTagToContactOperator, {"contact_id": 1, "tag_id": "vip"}, "tag"),
    (ops.ActiveCampaignRemoveTagFromContactOperator, {"contact_tag_id": -4}, "id"),
    (ops.ActiveCampaignListSubscribedContactsOperator, {"status": 7}, "status"),
    (ops.ActiveCampaignLegacySyncContactOperator, {"first_name": "Nobody"}, "email or contact_id"),
    (ops.ActiveCampaignLegacySyncContactOperator, {"email": "x@example.com", "field_values": {"bad key": 1}},
     "field_values.bad key"),
    (ops.ActiveCampaignLegacyCreateContactOperator, {"email": "x@example.com"}, "list_id"),
    (ops.ActiveCampaignLegacyGetContactOperator, {"contact_id": "one"}, "contact_id"),
    (ops.ActiveCampaignLegacyUpdateContactOperator, {"contact_id": 1, "email": "not-an-email"}, "email"),
    (ops.ActiveCampaignLegacyManageAutomationOperator,
     {"action": "pause", "automation_id": 1, "contact_email": "a@example.com"}, "action"),
    (ops.ActiveCampaignLegacyManageTagsOperator, {"action": "add", "tags": ["a,b"], "contact_email": "a@example.com"},
     "tags"),
    (ops.ActiveCampaignLegacyAddContactNoteOperator, {"contact_id": 1, "note": None, "list_id": 1}, "note"),
    (ops.ActiveCampaignLegacyCreateCampaignOperator, {"name": "N", "list_ids": [1], "message_id": 1,
                                                      "campaign_type": "weekly"}, "campaign_type"),
    (ops.ActiveCampaignLegacyCreateCampaignOperator, {"name": "N", "list_ids": [1]}, "message_id or message_split"),
    (ops.ActiveCampaignLegacyListCampaignsOperator, {"created_since": "last tuesday"}, "created_since"),
    (ops.ActiveCampaignCreateFieldOperator, {"title": "T", "field_type": "colour"}, "type"),
    (ops.ActiveCampaignCreateFieldOptionsOperator, {"field_id": 1, "options": []}, "options"),
    (ops.ActiveCampaignCreateFieldOptionsOperator, {"field_id": 1, "options": [{"label": "no value"}]},
     "options[0].value"),
    (ops.ActiveCampaignListFieldsOperator, {"limit": -1}, "limit"),
    (ops.ActiveCampaignGetCampaignOperator, {"campaign_id": "latest"}, "id"),
    (ops.ActiveCampaignDeleteCampaignOperator, {"campaign_id": None}, "campaign_id"),
    (ops.ActiveCampaignListCampaignsOperator, {"order_by": "name"}, "orders.name"),
    (ops.ActiveCampaignCreateMessageOperator, {"from_name": "S", "from_email": "nope", "reply_to": "r@example.com"},
     "fromemail"),
    (ops.ActiveCampaignUpdateMessageOperator, {"message_id": 1, "reply_to": "nope"}, "reply2"),
    (ops.ActiveCampaignDeleteMessageOperator, {"message_id": "1.5"}, "id"),
    (ops.ActiveCampaignListMessagesOperator, {"limit": "many"}, "limit"),
    (ops.ActiveCampaignCreateListOperator, {"name": "L", "sender_url": None, "sender_reminder": "r"}, "sender_url"),
    (ops.ActiveCampaignListListsOperator, {"order": "sideways"}, "orders.name"),
    (ops.ActiveCampaignCreateTrackingEventOperator, {"name": "signed-up!"}, "name"),
    (ops.ActiveCampaignSetEventTrackingOperator, {"enabled": "maybe"}, "enabled"),
    (ops.ActiveCampaignListAutomationsOperator, {"limit": -5}, "limit"),
    (ops.ActiveCampaignAddContactToAutomationOperator, {"contact_id": 1, "automation_id": None}, "automation"),
    (ops.ActiveCampaignGetContactAutomationOperator, {"contact_automation_id": ""}, "id"),
    (ops.ActiveCampaignRemoveContactFromAutomationOperator, {"contact_automation_id": "x"}, "id"),
    (ops.ActiveCampaignListContactAutomationsOperator, {"contact_id": None}, "contact_id"),
    (ops.ActiveCampaignCreateWebhookOperator, {"name": "H", "url": HOOK_URL, "events": ["deal_add", "dael_upd"]},
     "events"),
    (ops.ActiveCampaignGetWebhookOperator, {"webhook_id": "abc"}, "id"),
    (ops.ActiveCampaignUpdateWebhookOperator, {"webhook_id": 1, "sources": ["cron"]}, "sources"),
    (ops.ActiveCampaignDeleteWebhookOperator, {"webhook_id": 0}, "id"),
    (ops.ActiveCampaignListWebhooksOperator, {"list_id": "first"}, "filters.list_id"),
    (ops.ActiveCampaignEnsureWebhookOperator, {"name": "Airflow: deals", "url": HOOK_URL, "events": ["deal_add"]},
     "name"),
    (ops.ActiveCampaignEnsureWebhookOperator, {"name": "A", "url": "ftp://x", "events": ["deal_add"]}, "url"),
]


@pytest.mark.parametrize(("operator", "kwargs", "field"), BAD_INPUT,
                         ids=[f"{op.__name__.removeprefix('ActiveCampaign')}-{f}" for op, _, f in BAD_INPUT])
def test_bad_input_is_refused_before_any_request(w, operator: type, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(operator(task_id="bad_input", **kwargs))
    assert caught.value.field == field
    assert f"{operator.__name__}(task_id='bad_input')" in str(caught.value)
    assert caught.value.expected in str(caught.value)
    assert w.emu.requests == []


# --------------------------------------------------------------------------- API errors


@dataclass
class Failure:
    """An operator that ActiveCampaign refuses: the status and the words that must reach the exception."""

    make: Callable[[SimpleNamespace], Any]
    status: int
    words: str
    fault: dict[str, Any] | None = None  # inject this emulator fault first


FORBIDDEN = {"status": 403, "body": '{"message": "You do not have permission"}', "count": 2}  # one is retried

API_ERRORS: dict[str, Failure] = {
    "CON-07 unknown field value id": Failure(
        lambda w: ops.ActiveCampaignUpsertFieldValueOperator(task_id="t", contact_id=w.ada, field_id=w.colour,
                                                             value="x", field_value_id=999),
        404, "No Result found for FieldValue with id 999"),
    "CON-08 unknown field value": Failure(
        lambda w: ops.ActiveCampaignGetFieldValueOperator(task_id="t", field_value_id=999), 404, "FieldValue"),
    "CON-09 unknown contact": Failure(
        lambda w: ops.ActiveCampaignListFieldValuesOperator(task_id="t", contact_id=999), 404, "Subscriber"),
    "CON-10 unknown field value": Failure(
        lambda w: ops.ActiveCampaignUpdateFieldValueOperator(task_id="t", field_value_id=999, contact_id=w.ada,
                                                             field_id=w.colour, value="x"), 404, "FieldValue"),
    "CON-11 unknown list": Failure(
        lambda w: ops.ActiveCampaignUpdateListStatusOperator(task_id="t", contact_id=w.ada, list_id=999),
        404, "999"),
    "CON-12 unknown tag": Failure(
        lambda w: ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=w.ada, tag_id=999),
        404, "Tag not found"),
    "CON-13 unknown contact tag": Failure(
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_tag_id=999),
        404, "No Result found for SubscriberTag with id 999"),
    "LEG-01 sync by id without e-mail": Failure(
        lambda w: ops.ActiveCampaignLegacySyncContactOperator(task_id="t", contact_id=w.ada, first_name="A"),
        200, "Contact Email Address is not valid"),
    "LEG-02 unknown list": Failure(
        lambda w: ops.ActiveCampaignLegacyCreateContactOperator(task_id="t", email="e@example.com", list_id=999),
        200, "List 999 does not exist"),
    "LEG-03 unknown contact": Failure(
        lambda w: ops.ActiveCampaignLegacyGetContactOperator(task_id="t", contact_id=999), 200, "Nothing is returned"),
    "LEG-04 unknown contact": Failure(
        lambda w: ops.ActiveCampaignLegacyUpdateContactOperator(task_id="t", contact_id=999, first_name="X"),
        200, "Contact not found"),
    "LEG-05 unknown automation": Failure(
        lambda w: ops.ActiveCampaignLegacyManageAutomationOperator(task_id="t", action="add", automation_id=999,
                                                                   contact_email="ada@example.com"),
        200, "Automation not found"),
    "LEG-06 unknown contact": Failure(
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="add", tags="vip",
                                                             contact_email="nobody@example.com"),
        200, "Contact not found"),
    "LEG-07 unknown contact": Failure(
        lambda w: ops.ActiveCampaignLegacyAddContactNoteOperator(task_id="t", contact_id=999, note="n", list_id=1),
        200, "Contact not found"),
    "LEG-08 unknown message": Failure(
        lambda w: ops.ActiveCampaignLegacyCreateCampaignOperator(task_id="t", name="N", list_ids=1, message_id=999),
        200, "Message 999 does not exist"),
    "FLD-01 duplicate title": Failure(
        lambda w: ops.ActiveCampaignCreateFieldOperator(task_id="t", title="Colour", field_type="text"),
        422, "There is already a field with this title"),
    "FLD-02 unknown field": Failure(
        lambda w: ops.ActiveCampaignCreateFieldOptionsOperator(task_id="t", field_id=999, options=["a"]), 404, "999"),
    "CMP-01 unknown campaign": Failure(
        lambda w: ops.ActiveCampaignGetCampaignOperator(task_id="t", campaign_id=999),
        404, "No Result found for Campaign with id 999"),
    "CMP-02 unknown campaign": Failure(
        lambda w: ops.ActiveCampaignDeleteCampaignOperator(task_id="t", campaign_id=999), 200, "Campaign not found"),
    "MSG-01 refused": Failure(
        lambda w: ops.ActiveCampaignCreateMessageOperator(task_id="t", from_name="S", from_email="s@example.com",
                                                          reply_to="r@example.com"),
        422, "Subject is required",
        {"status": 422, "body": '{"errors": [{"title": "Subject is required", "source": {"pointer": "/subject"}}]}'}),
    "MSG-02 unknown message": Failure(
        lambda w: ops.ActiveCampaignUpdateMessageOperator(task_id="t", message_id=999, subject="S"),
        404, "No Result found for Message with id 999"),
    "MSG-03 unknown message": Failure(
        lambda w: ops.ActiveCampaignDeleteMessageOperator(task_id="t", message_id=999), 404, "Message"),
    "LST-01 refused": Failure(
        lambda w: ops.ActiveCampaignCreateListOperator(task_id="t", name="L", sender_url="https://x.io",
                                                       sender_reminder="r"),
        422, "List name already in use",
        {"status": 422, "body": '{"errors": [{"title": "List name already in use", "code": "duplicate"}]}'}),
    "EVT-01 duplicate event": Failure(
        lambda w: ops.ActiveCampaignCreateTrackingEventOperator(task_id="t", name="Signed up"),
        422, "An event with this name already exists", None),
    "EVT-02 no permission": Failure(
        lambda w: ops.ActiveCampaignSetEventTrackingOperator(task_id="t", enabled=False), 403,
        "You do not have permission", FORBIDDEN),
    "AUT-02 unknown automation": Failure(
        lambda w: ops.ActiveCampaignAddContactToAutomationOperator(task_id="t", contact_id=w.ada, automation_id=999),
        403, "Could not create SubscriberSeries"),  # as the API documents it
    "AUT-03 unknown entry": Failure(
        lambda w: ops.ActiveCampaignGetContactAutomationOperator(task_id="t", contact_automation_id=999),
        404, "No Result found for SubscriberSeries with id 999"),
    "AUT-04 unknown entry": Failure(
        lambda w: ops.ActiveCampaignRemoveContactFromAutomationOperator(task_id="t", contact_automation_id=999),
        404, "SubscriberSeries"),
    "AUT-05 unknown contact": Failure(
        lambda w: ops.ActiveCampaignListContactAutomationsOperator(task_id="t", contact_id=999),
        404, "No Result found for Subscriber with id 999"),
    "create webhook refused": Failure(
        lambda w: ops.ActiveCampaignCreateWebhookOperator(task_id="t", name="H", url=HOOK_URL, events=["open"]),
        422, "URL must use port 443",
        {"status": 422, "body": '{"errors": [{"title": "URL must use port 443"}]}'}),
    "get unknown webhook": Failure(
        lambda w: ops.ActiveCampaignGetWebhookOperator(task_id="t", webhook_id=999), 404, "Webhook"),
    "update unknown webhook": Failure(
        lambda w: ops.ActiveCampaignUpdateWebhookOperator(task_id="t", webhook_id=999, name="N"), 404, "Webhook"),
    "delete unknown webhook": Failure(
        lambda w: ops.ActiveCampaignDeleteWebhookOperator(task_id="t", webhook_id=999), 404, "Webhook"),
    "W-06 ensure: create refused": Failure(
        lambda w: ops.ActiveCampaignEnsureWebhookOperator(task_id="t", name="New one", url=HOOK_URL + "/new",
                                                          events=["open"]),
        422, "URL must use port 443",
        {"status": 422, "method": "POST", "body": '{"errors": [{"title": "URL must use port 443"}]}'}),
}


#: Read-only operators without required arguments: refused for want of permission (a 403).
NO_PERMISSION: list[type] = [
    ops.ActiveCampaignListSubscribedContactsOperator,
    ops.ActiveCampaignLegacyListCampaignsOperator,
    ops.ActiveCampaignListFieldsOperator,
    ops.ActiveCampaignListCampaignsOperator,
    ops.ActiveCampaignListMessagesOperator,
    ops.ActiveCampaignListListsOperator,
    ops.ActiveCampaignListAutomationsOperator,
    ops.ActiveCampaignListWebhooksOperator,
    ops.ActiveCampaignListWebhookEventsOperator,
]
API_ERRORS.update({
    f"{operator.__name__.removeprefix('ActiveCampaign')} no permission": Failure(
        lambda w, operator=operator: operator(task_id="t"), 403, "You do not have permission", FORBIDDEN)
    for operator in NO_PERMISSION
})


@pytest.mark.parametrize("case", API_ERRORS.values(), ids=API_ERRORS.keys())
def test_api_error_reaches_the_exception(w, case: Failure) -> None:
    w.emu.insert("eventTrackingEvents", name="Signed up")
    if case.fault:
        w.emu.inject_fault(**case.fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        run(case.make(w))
    assert caught.value.status == case.status
    assert case.words in str(caught.value)
    assert f"HTTP {case.status}" in str(caught.value)


# --------------------------------------------------------------------------- listing with filters


def test_list_field_values_filters_by_field_and_value_over_every_page(w) -> None:
    emu = w.emu
    for n in range(220):
        contact = emu.insert("contacts", email=f"c{n}@example.com")
        emu.insert("fieldValues", contact=contact["id"], field=w.colour, value="blue" if n % 2 else "red")
    emu.clear_requests()
    op = ops.ActiveCampaignListFieldValuesOperator(task_id="t", field_id="{{ params.field }}", value="blue")
    op.render_template_fields({"params": {"field": w.colour}})
    result = run(op)
    assert len(result) == 110 + 1  # the odd ones, and Ada's: two pages
    assert {v["value"] for v in result} == {"blue"} and {v["field"] for v in result} == {w.colour}
    assert [q.query["filters[fieldid]"] for q in emu.requests] == [[w.colour]] * len(emu.requests)
    assert [q.query["offset"] for q in emu.requests] == [["0"], ["100"]]


def test_unknown_filter_is_refused(w) -> None:
    op = ops.ActiveCampaignListOperator(task_id="t", resource="webhook", filters={"events": "open"})
    with pytest.raises(ActiveCampaignInputError, match="known filter"):
        run(op)
    assert w.emu.requests == []


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


def test_templated_arguments_are_rendered_before_validation(w) -> None:
    op = ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="{{ params.action }}", tags="vip",
                                                    contact_email="{{ params.email }}")
    op.render_template_fields({"params": {"action": "add", "email": "ada@example.com"}})
    run(op)
    assert len(by(w.emu, "contactTags", contact=w.ada)) == 2


def test_ensure_webhook_is_idempotent(w) -> None:
    make = lambda: ops.ActiveCampaignEnsureWebhookOperator(  # noqa: E731
        task_id="t", name="Airflow contacts", url=HOOK_URL + "/contacts", events=["subscribe", "update"])
    first, second = run(make()), run(make())
    assert first["id"] == second["id"]
    assert len(by(w.emu, "webhooks", name="Airflow contacts")) == 1
    assert [q.method for q in w.emu.requests].count("POST") == 1


def _classes(cases: Any) -> set[type]:
    dummy = SimpleNamespace(**dict.fromkeys(_IDS, "1"))
    return {type(case.make(dummy)) for case in cases}


def test_every_operator_of_the_section_is_in_every_table() -> None:
    section = {getattr(ops, name) for name in SECTION_A}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(HAPPY.values()), "BAD_INPUT": {op for op, _, _ in BAD_INPUT} | no_input,
              "API_ERRORS": _classes(API_ERRORS.values())}
    for table, classes in tables.items():
        assert section <= classes, (table, sorted(c.__name__ for c in section - classes))


SECTION_A = [
    "ActiveCampaignUpsertFieldValueOperator", "ActiveCampaignGetFieldValueOperator",
    "ActiveCampaignListFieldValuesOperator", "ActiveCampaignUpdateFieldValueOperator",
    "ActiveCampaignUpdateListStatusOperator", "ActiveCampaignAddTagToContactOperator",
    "ActiveCampaignRemoveTagFromContactOperator", "ActiveCampaignListSubscribedContactsOperator",
    "ActiveCampaignLegacySyncContactOperator", "ActiveCampaignLegacyCreateContactOperator",
    "ActiveCampaignLegacyGetContactOperator", "ActiveCampaignLegacyUpdateContactOperator",
    "ActiveCampaignLegacyManageAutomationOperator", "ActiveCampaignLegacyManageTagsOperator",
    "ActiveCampaignLegacyAddContactNoteOperator", "ActiveCampaignLegacyCreateCampaignOperator",
    "ActiveCampaignLegacyListCampaignsOperator", "ActiveCampaignCreateFieldOperator",
    "ActiveCampaignCreateFieldOptionsOperator", "ActiveCampaignListFieldsOperator",
    "ActiveCampaignGetCampaignOperator", "ActiveCampaignDeleteCampaignOperator", "ActiveCampaignListCampaignsOperator",
    "ActiveCampaignCreateMessageOperator", "ActiveCampaignUpdateMessageOperator", "ActiveCampaignDeleteMessageOperator",
    "ActiveCampaignListMessagesOperator", "ActiveCampaignCreateListOperator", "ActiveCampaignListListsOperator",
    "ActiveCampaignCreateTrackingEventOperator", "ActiveCampaignSetEventTrackingOperator",
    "ActiveCampaignListAutomationsOperator", "ActiveCampaignAddContactToAutomationOperator",
    "ActiveCampaignGetContactAutomationOperator", "ActiveCampaignRemoveContactFromAutomationOperator",
    "ActiveCampaignListContactAutomationsOperator", "ActiveCampaignCreateWebhookOperator",
    "ActiveCampaignGetWebhookOperator", "ActiveCampaignUpdateWebhookOperator", "ActiveCampaignDeleteWebhookOperator",
    "ActiveCampaignListWebhooksOperator", "ActiveCampaignListWebhookEventsOperator",
    "ActiveCampaignEnsureWebhookOperator",
]
_IDS = ("ada", "bob", "colour", "size", "value", "lead", "link", "entry", "message", "campaign", "webhook")
