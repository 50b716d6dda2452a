"""Bad input, table-driven: every case is refused before any request, by an error that names the
operator, the task, the parameter as the user wrote it and what was expected.

A literal value is refused when the DAG is parsed (the operator's constructor); a templated one
once rendered, when the task runs (``params.v`` is what the template renders from; ``None`` is a
missing XCom, which renders as the text "None"); a few rules that combine parameters are checked
when the task runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError

T = "{{ params.v }}"
ID = "an ActiveCampaign id (a whole number from 1 to 2147483647)"
XCOM = "what a template renders for a missing XCom"
BOOL = "true or false"
GIVEN = "given"
DATE = "a date or date/time"
KEYED = "keyed by a custom field id or personalization tag"

CONTACT = {"email": "ada@example.com"}
DEAL = {"title": "Order", "value": 100, "currency": "usd", "contact_id": 1, "pipeline_id": 1}
TASK = {"owner_type": "deal", "owner_id": 1, "task_type_id": 1, "due_date": "2030-01-02"}
CAMPAIGN = {"name": "Autumn", "list_ids": [1], "message_id": 1}
LIST = {"name": "News", "sender_url": "https://example.com", "sender_reminder": "You signed up"}
WEBHOOK = {"name": "Deals", "url": "https://example.com/hook", "events": ["deal_add"]}
MESSAGE = {"from_name": "Shop", "from_email": "shop@example.com", "reply_to": "help@example.com"}


@dataclass(frozen=True)
class Bad:
    """One bad input: the operator (its name without ``ActiveCampaign``/``Operator``), its arguments,
    the parameter the error must name, words of the expectation, and when it is refused."""

    operator: str
    kwargs: dict[str, Any]
    parameter: str
    expected: str
    when: str = "parse"  # parse (constructor), render (templated, checked after rendering) or run
    params: dict[str, Any] = field(default_factory=dict)


def parse(operator: str, parameter: str, expected: str, /, **kwargs: Any) -> Bad:
    return Bad(operator, kwargs, parameter, expected)


def render(operator: str, parameter: str, expected: str, value: Any, /, **kwargs: Any) -> Bad:
    """The parameter is templated (``T``); ``value`` is what the template renders from."""
    return Bad(operator, kwargs, parameter, expected, "render", {"v": value})


def run(operator: str, parameter: str, expected: str, /, **kwargs: Any) -> Bad:
    return Bad(operator, kwargs, parameter, expected, "run")


CASES: list[Bad] = [
    # contacts (v3)
    parse("CreateContact", "email", "an e-mail address", email="not-an-e-mail"),
    parse("CreateContact", "email", GIVEN, email=None),
    parse("CreateContact", "extra_fields.firstname", "a contact field (email, firstName", **CONTACT,
          extra_fields={"firstname": "Ada"}),
    parse("CreateContact", "extra_fields.firstName", "left out (the parameter first_name sets it)", **CONTACT,
          first_name="Ada", extra_fields={"firstName": "Augusta"}),
    parse("CreateContact", "field_values.favourite colour!", KEYED, **CONTACT,
          field_values={"favourite colour!": "blue"}),
    parse("CreateContact", "field_values", "{field id: value} or a list", **CONTACT, field_values="blue"),
    parse("CreateContact", "field_values[0]", KEYED, **CONTACT, field_values=[{"field": 0, "value": "x"}]),
    parse("CreateContact", "field_values[0]", "a 'value' given", **CONTACT, field_values=[{"field": 1}]),
    parse("CreateContact", "first_name", "text", **CONTACT, first_name=True),
    parse("CreateContact", "phone", "text", **CONTACT, phone=["555"]),
    render("CreateContact", "email", "an e-mail address", "nobody", email=T),
    render("CreateContact", "email", "an e-mail address", None, email=T),
    parse("SyncContact", "email", "an e-mail address", email="ada at example.com"),
    parse("SyncContact", "extra_fields.orgname", "a contact field", **CONTACT, extra_fields={"orgname": "X"}),
    parse("UpdateContact", "contact_id", ID, contact_id="ada", first_name="Ada"),
    parse("UpdateContact", "contact_id", ID, contact_id=2147483648, first_name="Ada"),
    parse("UpdateContact", "contact_id", XCOM, contact_id="None", first_name="Ada"),
    render("UpdateContact", "contact_id", XCOM, None, contact_id=T, first_name="Ada"),
    parse("UpdateContact", "email or first_name or last_name or phone or field_values",
          "at least one field to change", contact_id=1),
    parse("UpdateContact", "email", "an e-mail address", contact_id=1, email="nope"),
    parse("DeleteContact", "contact_id", ID, contact_id=0),
    parse("DeleteContact", "contact_id", GIVEN, contact_id=None),
    parse("GetContact", "contact_id", ID, contact_id="1.5"),
    render("GetContact", "contact_id", GIVEN, "", contact_id=T),
    parse("ListContacts", "status", "one of -1, 0, 1, 2, 3", status=7),
    parse("ListContacts", "created_after", DATE, created_after="yesterday-ish"),
    parse("ListContacts", "order_by", "an orderable field (id, cdate, email", order_by="colour"),
    parse("ListContacts", "order", "ASC or DESC", order_by="email", order="UP"),
    parse("ListContacts", "limit", "a whole number from 0 to 2147483647", limit=-1),
    parse("ListContacts", "tag_id", ID, tag_id="vip"),
    parse("ListContacts", "email", "an e-mail address", email="ada@"),
    render("ListContacts", "list_id", XCOM, None, list_id=T),
    render("ListContacts", "updated_before", DATE, "the day before", updated_before=T),
    # contacts (legacy)
    parse("ListSubscribedContacts", "email", "an e-mail address", email="x"),
    parse("ListSubscribedContacts", "status", "one of", status="gone"),
    parse("ListSubscribedContacts", "list_id", ID, list_id="main"),
    run("LegacySyncContact", "email or contact_id", GIVEN, first_name="Ada"),
    run("LegacySyncContact", "field_values.bad key!", KEYED.split(" or ")[0], **CONTACT,
        field_values={"bad key!": "x"}),
    parse("LegacyCreateContact", "list_id", ID, **CONTACT, list_id="first"),
    parse("LegacyCreateContact", "list_status", "one of 1, 2", **CONTACT, list_id=1, list_status=3),
    run("LegacyCreateContact", "tags", "tag names", **CONTACT, list_id=1, tags=["a,b"]),
    run("LegacyCreateContact", "list_id", GIVEN, **CONTACT),
    parse("LegacyUpdateContact", "contact_id", ID, contact_id="abc"),
    run("LegacyUpdateContact", "contact_id", GIVEN, email="ada@example.com"),
    parse("LegacyGetContact", "contact_id", GIVEN, contact_id=None),
    render("LegacyGetContact", "contact_id", XCOM, None, contact_id=T),
    # custom fields
    parse("CreateField", "field_type", "one of 'text'", title="T", field_type="colour"),
    parse("CreateField", "perstag", "text matching", title="T", field_type="text", perstag="has space"),
    parse("CreateField", "visible", BOOL, title="T", field_type="text", visible="maybe"),
    parse("CreateField", "ordernum", "a whole number from 0 to 2147483647", title="T", field_type="text",
          ordernum=-1),
    parse("CreateField", "extra_fields.isrequired", "a field field (title, type", title="T", field_type="text",
          extra_fields={"isrequired": 1}),
    parse("CreateFieldOptions", "options", "a non-empty list", field_id=1, options=[]),
    parse("CreateFieldOptions", "options[0].isdefault", BOOL, field_id=1,
          options=[{"value": "S", "isdefault": "perhaps"}]),
    parse("CreateFieldOptions", "options[0].value", GIVEN, field_id=1, options=[{"label": "no value"}]),
    parse("CreateFieldOptions", "options[1].colour", "one of value, label, orderid, isdefault", field_id=1,
          options=["S", {"value": "M", "colour": "red"}]),
    parse("CreateFieldOptions", "field_id", ID, field_id="size", options=["S"]),
    render("CreateFieldOptions", "field_id", XCOM, None, field_id=T, options=["S"]),
    render("CreateFieldOptions", "options[0].orderid", "a whole number", "x", field_id=1,
           options=[{"value": "S", "orderid": T}]),
    parse("UpsertFieldValue", "contact_id", ID, contact_id="ada", field_id=1, value="x"),
    parse("UpsertFieldValue", "value", GIVEN, contact_id=1, field_id=1, value=None),
    parse("UpsertFieldValue", "field_value_id", ID, contact_id=1, field_id=1, value="x", field_value_id="x"),
    render("UpsertFieldValue", "field_id", XCOM, None, contact_id=1, field_id=T, value="x"),
    parse("UpdateFieldValue", "field_id", ID, field_value_id=1, contact_id=1, field_id="colour", value="x"),
    parse("GetFieldValue", "field_value_id", ID, field_value_id=-1),
    parse("ListFieldValues", "field_id", ID, field_id="x"),
    parse("ListFields", "limit", "a whole number", limit="ten"),
    # lists
    parse("CreateList", "name", GIVEN, **{**LIST, "name": ""}),
    parse("CreateList", "send_last_broadcast", BOOL, **LIST, send_last_broadcast="sometimes"),
    parse("CreateList", "channel", "one of 'email', 'sms'", **LIST, channel="fax"),
    parse("CreateList", "user_id", ID, **LIST, user_id="bob"),
    parse("CreateList", "extra_fields.sender_nam", "a list field (name", **LIST, extra_fields={"sender_nam": "x"}),
    parse("UpdateListStatus", "status", "one of 1, 2", contact_id=1, list_id=1, status=3),
    parse("UpdateListStatus", "list_id", ID, contact_id=1, list_id="all"),
    parse("UpdateListStatus", "source_id", "a whole number", contact_id=1, list_id=1, source_id="four"),
    render("UpdateListStatus", "contact_id", XCOM, None, contact_id=T, list_id=1),
    render("UpdateListStatus", "status", "one of 1, 2", "subscribed", contact_id=1, list_id=1, status=T),
    parse("ListLists", "order", "ASC or DESC", order="sideways"),
    # tags
    parse("AddTagToContact", "tag_id", ID, contact_id=1, tag_id="vip"),
    render("AddTagToContact", "contact_id", XCOM, None, contact_id=T, tag_id=1),
    parse("AddTagToContact", "tag_id or tag", "exactly one of them", contact_id=1, tag_id=2, tag="vip"),
    parse("AddTagToContact", "tag", "a tag name on one line", contact_id=1, tag="vip\r\nX"),
    render("AddTagToContact", "tag", XCOM, None, contact_id=1, tag=T),
    parse("RemoveTagFromContact", "tag", "a tag name on one line", contact_id=1, tag="vip\nlead"),
    run("LegacyManageTags", "tags", "no line breaks", action="add", tags=["vip\r\n"],
          contact_email="ada@example.com"),
    parse("RemoveTagFromContact", "contact_tag_id", ID, contact_tag_id=-4),
    parse("RemoveTagFromContact", "tag_id or tag", "exactly one of them", contact_id=1),
    parse("RemoveTagFromContact", "tag_id or tag", "exactly one of them", contact_id=1, tag_id=2, tag="vip"),
    parse("RemoveTagFromContact", "contact_id", GIVEN, tag="vip"),
    parse("RemoveTagFromContact", "contact_tag_id", "given alone", contact_tag_id=5, contact_id=1),
    parse("RemoveTagFromContact", "tag_id", ID, contact_id=1, tag_id="vip"),
    render("RemoveTagFromContact", "contact_id", XCOM, None, contact_id=T, tag="vip"),
    parse("LegacyManageTags", "action", "one of 'add', 'remove'", action="toggle", tags="vip",
          contact_email="ada@example.com"),
    parse("LegacyManageTags", "tags", GIVEN, action="add", tags="", contact_email="ada@example.com"),
    parse("LegacyManageTags", "contact_email", "an e-mail address", action="add", tags="vip", contact_email="x"),
    # automations
    parse("AddContactToAutomation", "automation_id", GIVEN, contact_id=1, automation_id=None),
    parse("GetContactAutomation", "contact_automation_id", GIVEN, contact_automation_id=""),
    parse("RemoveContactFromAutomation", "contact_automation_id", ID, contact_automation_id="x"),
    run("ListContactAutomations", "contact_id", GIVEN, contact_id=None),
    parse("LegacyManageAutomation", "action", "one of 'add', 'remove'", action="pause", automation_id=1,
          contact_email="ada@example.com"),
    parse("LegacyManageAutomation", "automation_id", ID, action="add", automation_id="welcome",
          contact_email="ada@example.com"),
    parse("ListAutomations", "limit", "from 0 to", limit=-5),
    # campaigns
    parse("LegacyCreateCampaign", "send_date", DATE, **CAMPAIGN, send_date="next tuesday"),
    parse("LegacyCreateCampaign", "public", BOOL, **CAMPAIGN, public="sometimes"),
    parse("LegacyCreateCampaign", "track_links", "one of 'all'", **CAMPAIGN, track_links="some"),
    parse("LegacyCreateCampaign", "campaign_type", "one of 'single'", **CAMPAIGN, campaign_type="weekly"),
    parse("LegacyCreateCampaign", "status", "one of 0, 1", **CAMPAIGN, status=2),
    parse("LegacyCreateCampaign", "segment_id", "from 0 to", **CAMPAIGN, segment_id=-1),
    run("LegacyCreateCampaign", "message_id or message_split", "exactly one", name="A", list_ids=[1]),
    run("LegacyCreateCampaign", "message_split.1", "from 0 to 100", name="A", list_ids=[1],
        message_split={1: 150}),
    run("LegacyCreateCampaign", "list_ids", ID, name="A", list_ids=["first"], message_id=1),
    render("LegacyCreateCampaign", "track_reads", BOOL, "maybe", **CAMPAIGN, track_reads=T),
    render("LegacyCreateCampaign", "send_date", DATE, None, **CAMPAIGN, send_date=T),
    parse("LegacyListCampaigns", "created_since", DATE, created_since="soon"),
    parse("LegacyListCampaigns", "campaign_type", "one of", campaign_type="weekly"),
    parse("GetCampaign", "campaign_id", ID, campaign_id="spring"),
    parse("DeleteCampaign", "campaign_id", GIVEN, campaign_id=None),
    parse("ListCampaigns", "order_by", "an orderable field (sdate, ldate)", order_by="name"),
    parse("ListCampaigns", "automation_id", ID, automation_id="x"),
    # messages
    parse("CreateMessage", "from_email", "an e-mail address", **{**MESSAGE, "from_email": "nope"}),
    parse("CreateMessage", "reply_to", GIVEN, **{**MESSAGE, "reply_to": None}),
    parse("CreateMessage", "extra_fields.fromemail", "the parameter from_email sets it", **MESSAGE,
          extra_fields={"fromemail": "a@example.com"}),
    parse("UpdateMessage", "reply_to", "an e-mail address", message_id=1, reply_to="x"),
    parse("DeleteMessage", "message_id", ID, message_id="m1"),
    # deals
    parse("CreateDeal", "value", "a whole number from 0 to 2147483647", **{**DEAL, "value": 99999999999}),
    parse("CreateDeal", "value", "a whole number from 0 to 2147483647", **{**DEAL, "value": -1}),
    parse("CreateDeal", "value", "a whole number", **{**DEAL, "value": "12.50"}),
    parse("CreateDeal", "currency", "a 3-letter ISO 4217 currency code", **{**DEAL, "currency": "dollars"}),
    parse("CreateDeal", "contact_id or account_id", "at least one of them", **{**DEAL, "contact_id": None}),
    parse("CreateDeal", "pipeline_id or stage_id", "at least one of them", **{**DEAL, "pipeline_id": None}),
    parse("CreateDeal", "percent", "from 0 to 100", **DEAL, percent=101),
    parse("CreateDeal", "status", "one of 0, 1, 2", **DEAL, status="pending"),
    parse("CreateDeal", "custom_fields.colour!", KEYED, **DEAL, custom_fields={"colour!": "red"}),
    parse("CreateDeal", "custom_fields[0]", "a 'fieldValue' given", **DEAL, custom_fields=[{"customFieldId": 1}]),
    parse("CreateDeal", "extra_fields.titel", "a deal field (title", **DEAL, extra_fields={"titel": "x"}),
    parse("CreateDeal", "extra_fields.group", "the parameter pipeline_id sets it", **DEAL,
          extra_fields={"group": 2}),
    render("CreateDeal", "value", "a whole number from 0 to 2147483647", "99999999999", **{**DEAL, "value": T}),
    render("CreateDeal", "value", "a whole number", "12.5", **{**DEAL, "value": T}),
    render("CreateDeal", "contact_id", XCOM, None, **{**DEAL, "contact_id": T}),
    render("CreateDeal", "currency", "currency code", "", **{**DEAL, "currency": T}),
    parse("UpdateDeal", "deal_id", XCOM, deal_id="None", title="x"),
    parse("UpdateDeal", "owner_id", ID, deal_id=1, owner_id="bob"),
    render("UpdateDeal", "deal_id", XCOM, None, deal_id=T, title="x"),
    render("UpdateDeal", "stage_id", ID, "0", deal_id=1, stage_id=T),
    parse("GetDeal", "deal_id", ID, deal_id=0),
    parse("DeleteDeal", "deal_id", GIVEN, deal_id=None),
    parse("MoveDealsToStage", "stage_id", ID, stage_id="x", target_stage_id=2),
    run("MoveDealsToStage", "target_stage_id", "a stage other than stage_id", stage_id=1, target_stage_id=1),
    render("MoveDealsToStage", "target_stage_id", XCOM, None, stage_id=1, target_stage_id=T),
    parse("CreateDealNote", "note", GIVEN, deal_id=1, note=""),
    parse("UpdateDealNote", "note_id", ID, deal_id=1, note_id="n", note="x"),
    parse("ListDeals", "status", "one of 0, 1, 2", status="pending"),
    parse("ListDeals", "minimum_value", "a number, 0 or more", minimum_value="lots"),
    parse("ListDeals", "order_by", "an orderable field (title, value", order_by="owner"),
    parse("ListDeals", "pipeline", ID, pipeline="Sales"),
    parse("ListDeals", "created_before", DATE, created_before="not a date"),
    render("ListDeals", "owner", XCOM, None, owner=T),
    # pipelines and stages
    parse("CreatePipeline", "all_groups", BOOL, title="P", currency="usd", all_groups="everyone"),
    parse("CreatePipeline", "auto_assign", "one of 0, 1, 2", title="P", currency="usd", auto_assign=3),
    parse("CreatePipeline", "currency", "currency code", title="P", currency="xyz"),
    parse("UpdatePipeline", "pipeline_id", ID, pipeline_id="sales", title="P"),
    render("UpdatePipeline", "all_users", BOOL, "all", pipeline_id=1, all_users=T),
    parse("ListPipelines", "have_stages", BOOL, have_stages="some"),
    parse("CreateStage", "color", "text matching", title="S", pipeline_id=1, color="red"),
    parse("CreateStage", "width", "from 1 to 2147483647", title="S", pipeline_id=1, width=0),
    parse("UpdateStage", "order", "a whole number", stage_id=1, order="first"),
    parse("ListStages", "pipeline", ID, pipeline="x"),
    # tasks
    parse("UpsertTask", "due_date", DATE, **{**TASK, "due_date": "whenever"}),
    parse("UpsertTask", "owner_type", "one of 'deal', 'contact'", **{**TASK, "owner_type": "company"}),
    parse("UpsertTask", "owner_id", GIVEN, **{**TASK, "owner_id": None}),
    parse("UpsertTask", "status", "one of 0, 1", **TASK, status=2),
    parse("UpsertTask", "deal_task_id", XCOM, deal_task_id="None", title="x"),
    render("UpsertTask", "deal_task_id", XCOM, None, deal_task_id=T, title="x"),
    render("UpsertTask", "due_date", DATE, "31/02/2030", **{**TASK, "due_date": T}),
    parse("UpsertTask", "extra_fields.duedate", "the parameter due_date sets it", **TASK,
          extra_fields={"duedate": "2030-01-03"}),
    parse("UpsertTask", "extra_fields.reltype", "a dealTask field", **TASK, extra_fields={"reltype": "Deal"}),
    parse("DeleteTask", "deal_task_id", ID, deal_task_id="t1"),
    parse("ListTasks", "due_after", DATE, due_after="later"),
    parse("ListTasks", "status", "one of 0, 1", status=5),
    parse("CreateTaskType", "title", GIVEN, title=""),
    parse("UpdateTaskType", "status", "one of 0, 1", task_type_id=1, status=3),
    # notes
    parse("CreateNote", "object_type", "one of 'Activity'", note="n", object_type="Company", object_id=1),
    parse("CreateNote", "object_id", ID, note="n", object_type="Deal", object_id="deal"),
    parse("DeleteNote", "note_id", GIVEN, note_id=None),
    parse("LegacyAddContactNote", "list_id", ID, contact_id=1, note="n", list_id="main"),
    # accounts
    parse("CreateAccount", "name", GIVEN, name=""),
    parse("CreateAccount", "owner_id", ID, name="Acme", owner_id="me"),
    run("CreateAccount", "custom_fields", "keyed by custom field ids (accounts take no personalization tags)",
        name="Acme", custom_fields={"COLOUR": "red"}),
    parse("ListAccounts", "count_deals", BOOL, count_deals="maybe"),
    parse("GetAccount", "account_id", ID, account_id="acme"),
    # calendars
    parse("UpsertCalendarFeed", "feed_type", "one of 'All', 'Deals', 'Contacts'", title="C", feed_type="Tasks"),
    parse("UpsertCalendarFeed", "notification", BOOL, title="C", feed_type="All", notification="loud"),
    parse("UpsertCalendarFeed", "calendar_id", ID, calendar_id="cal", title="C"),
    render("UpsertCalendarFeed", "calendar_id", XCOM, None, calendar_id=T, title="C"),
    # event tracking
    parse("CreateTrackingEvent", "name", "text matching", name="signed-up!"),
    render("CreateTrackingEvent", "name", XCOM, None, name=T),
    parse("SetEventTracking", "enabled", BOOL, enabled="maybe"),
    render("SetEventTracking", "enabled", BOOL, "sometimes", enabled=T),
    render("SetEventTracking", "enabled", XCOM, None, enabled=T),
    # webhooks
    parse("CreateWebhook", "url", "text matching", **{**WEBHOOK, "url": "ftp://example.com"}),
    parse("CreateWebhook", "events", "a non-empty list of", **{**WEBHOOK, "events": ["deal_added"]}),
    parse("CreateWebhook", "events", "a non-empty list", **{**WEBHOOK, "events": []}),
    parse("CreateWebhook", "sources", "a non-empty list of", **WEBHOOK, sources=["email"]),
    parse("UpdateWebhook", "list_id", ID, webhook_id=1, list_id="main"),
    parse("GetWebhook", "webhook_id", GIVEN, webhook_id=""),
    parse("ListWebhooks", "list_id", ID, list_id="first"),
    # users
    parse("GetUser", "user_id", ID, user_id="bob"),
    parse("ListUsers", "limit", "a whole number", limit=-1),
    # generic operators: the body's fields and the filters as written (body.X, filters.X, orders.X)
    parse("Create", "body.tag", GIVEN, resource="tag", body={"description": "x"}),
    parse("Create", "body.value", "a whole number from 0 to 2147483647", resource="deal",
          body={"title": "T", "value": 2**31, "currency": "usd", "contact": 1, "group": 1}),
    parse("Create", "resource", "a catalogue resource", resource="widget", body={"name": "x"}),
    render("Create", "body.value", "a whole number", "12.5", resource="deal",
           body={"title": "T", "value": T, "currency": "usd", "contact": 1, "group": 1}),
    parse("Update", "body.tagtype", "a tag field (tag, tagType, description)", resource="tag", record_id=1,
          body={"tagtype": "contact"}),
    parse("Update", "record_id", XCOM, resource="tag", record_id="None", body={"tag": "x"}),
    parse("Get", "record_id", ID, resource="deal", record_id="first"),
    parse("Delete", "record_id", GIVEN, resource="deal", record_id=None),
    parse("List", "filters.status", "one of 0, 1, 2", resource="deal", filters={"status": "pending"}),
    parse("List", "filters.colour", "a known filter", resource="deal", filters={"colour": "red"}),
    parse("List", "orders.owner", "an orderable field", resource="deal", orders={"owner": "ASC"}),
    render("List", "filters.owner", XCOM, None, resource="deal", filters={"owner": T}),
    parse("LegacyApiCall", "api_action", "text matching", api_action="Contact View"),
    parse("LegacyApiCall", "method", "one of 'GET', 'POST'", api_action="contact_view", method="PATCH"),
    render("LegacyApiCall", "api_action", GIVEN, "", api_action=T),
    parse("ApiCall", "method", "one of 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'", path="contacts", method="FETCH"),
    parse("ApiCall", "limit", "from 0 to", path="contacts", paginate_envelope="contacts", limit=-2),
    render("ApiCall", "method", "one of 'GET'", "FETCH", path="contacts", method=T),
    # values that reached the API before (issue #17, item 4)
    parse("CreateContact", "email", "an e-mail address", email="ada\u200b@example.com"),
    render("SyncContact", "email", "an e-mail address", "ada@exam\u200bple.com", email=T),
    parse("UpsertTask", "end_date", "no earlier than due_date", **TASK, end_date="2030-01-01"),
    render("UpsertTask", "end_date", "no earlier than due_date", "2029-12-31T23:00:00+00:00", **TASK, end_date=T),
    parse("UpsertTask", "due_date", "from 1900 on", **{**TASK, "due_date": "1899-12-31"}),
    parse("ListContacts", "created_after", "from 1900 on", created_after="0001-01-01"),
    parse("CreateContact", "field_values.1", "a field value", **CONTACT, field_values={"1": {"nested": "x"}}),
    parse("CreateDeal", "custom_fields[0]", "a field value", **DEAL,
          custom_fields=[{"customFieldId": 1, "fieldValue": {"a": 1}}]),
    parse("CreateWebhook", "events", "each once", **{**WEBHOOK, "events": ["deal_add", "Deal_Add"]}),
    parse("CreateFieldOptions", "options[1].value", "a value no other option has", field_id=1, options=["S", "s"]),
    parse("GetContactByEmail", "missing_ok", BOOL, email="ada@example.com", missing_ok="False "),
    parse("GetDeal", "include_custom_fields", BOOL, deal_id=1, include_custom_fields="yes please"),
    parse("SetEventTracking", "enabled", BOOL, enabled=" true"),
    render("List", "filters", "a mapping", {"status": 1}, resource="deal", filters=T),
    render("List", "orders", "a mapping", {"title": "ASC"}, resource="deal", orders=T),
    # the legacy API's own parameters cannot be injected; raw paths cannot leave /api/3
    parse("LegacySyncContact", "extra_fields.api_action", "left out", **CONTACT,
          extra_fields={"api_action": "contact_delete", "id": "1"}),
    parse("LegacyCreateContact", "extra_fields.api_key", "left out", **CONTACT, list_id=1,
          extra_fields={"api_key": "other"}),
    parse("LegacyUpdateContact", "extra_fields.api_output", "left out", contact_id=1,
          extra_fields={"api_output": "xml"}),
    parse("LegacyApiCall", "query.api_action", "left out", api_action="contact_view", query={"api_action": "x"}),
    parse("LegacyApiCall", "body.API_KEY", "left out", api_action="contact_sync", body={"API_KEY": "x"}),
    parse("ApiCall", "path", "a path under /api/3", path="https://evil.example.com/api/3/contacts"),
    parse("ApiCall", "path", "a path under /api/3", path="//evil.example.com/x"),
    parse("ApiCall", "path", "a path under /api/3", path="contacts/%2e%2e/%2E%2E/admin/api.php"),
    parse("ApiCall", "path", "a path under /api/3", path="contacts/%252e%252e/x"),
    parse("ApiCall", "path", "a path under /api/3", path="contacts\r\nX-Injected: 1"),
    render("ApiCall", "path", "a path under /api/3", "contacts/../../admin", path=T),
]


def _operator(case: Bad) -> type:
    return getattr(ops, f"ActiveCampaign{case.operator}Operator")


def _id(case: Bad) -> str:
    return f"{case.operator}-{case.parameter}-{case.when}-" + ",".join(
        f"{k}={v!r}"[:24] for k, v in case.kwargs.items() if k == case.parameter.split(".")[0].split("[")[0])


def test_the_table_has_at_least_120_distinct_cases():
    assert len(CASES) >= 120
    assert len({repr(case) for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{n:03d}-{_id(case)}" for n, case in enumerate(CASES)])
def test_bad_input_is_refused_before_any_request(case: Bad, emulator) -> None:
    operator = _operator(case)
    emulator.clear_requests()
    with pytest.raises(ActiveCampaignInputError) as caught:
        op = operator(task_id="bad_input", **case.kwargs)  # the DAG is parsed
        assert case.when != "parse", "a literal bad value must be refused when the DAG is parsed"
        if case.when == "render":
            op.render_template_fields({"params": case.params})
        op.execute(context={})
    error = caught.value
    assert error.field == case.parameter
    assert str(error).startswith(f"{operator.__name__}(task_id='bad_input'): field {case.parameter!r} must be ")
    assert case.expected in error.expected, str(error)
    assert emulator.requests == []
