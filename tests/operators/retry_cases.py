"""Every create operator, for the retry tests (tests/operators/test_retry_safe.py) and their DAG file.

A case builds its operator against the retry account (:func:`prepare`: contact 1, deal 1, dropdown
field 1 on top of the emulator's seed), names the collection that must grow by ``grows`` records,
the path of the create's POST (sent ``posts`` times; relative to ``/api/3`` unless absolute, as the
legacy API's), and the path the create looks the record up at (None: the operator is safe without
looking: the API upserts, or it reads before writing anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import airflow_provider_activecampaign.operators as ops

HOOK_URL = "https://127.0.0.1:9/activecampaign"


@dataclass(frozen=True)
class RetryCase:
    make: Callable[[str], Any]
    plural: str
    post: str
    lookup: str | None
    grows: int = 1
    posts: int = 1  # POSTs over both attempts: an upsert endpoint is simply sent again


def prepare(emulator: Any) -> None:
    """The records the cases write to: contact 1, deal 1 (pipeline 1), dropdown field 1 and message 1."""
    emulator.insert("contacts", id="1", email="ada@example.com", firstName="Ada")
    emulator.insert("deals", id="1", title="Existing", contact="1", value="100", currency="usd", group="1",
                    stage="1")
    emulator.insert("fields", id="1", title="Colour", type="dropdown", perstag="COLOUR")
    if emulator.record("messages", "1") is None:  # a campaign needs a message to send
        emulator.insert("messages", id="1", name="newsletter", subject="News", fromname="Shop",
                        fromemail="shop@example.com", reply2="shop@example.com")


CASES: dict[str, RetryCase] = {
    "generic_create": RetryCase(
        lambda t: ops.ActiveCampaignCreateOperator(task_id=t, resource="tag", body={"tag": "vip"}),
        "tags", "tags", "tags"),
    "create_contact": RetryCase(
        lambda t: ops.ActiveCampaignCreateContactOperator(task_id=t, email="new@example.com"),
        "contacts", "contacts", "contacts"),
    "sync_contact": RetryCase(
        lambda t: ops.ActiveCampaignSyncContactOperator(task_id=t, email="new@example.com"),
        "contacts", "contact/sync", None, posts=2),
    "upsert_field_value": RetryCase(
        lambda t: ops.ActiveCampaignUpsertFieldValueOperator(task_id=t, contact_id=1, field_id=1, value="red"),
        "fieldValues", "fieldValues", None),
    "update_list_status": RetryCase(
        lambda t: ops.ActiveCampaignUpdateListStatusOperator(task_id=t, contact_id=1, list_id=1),
        "contactLists", "contactLists", None, posts=2),
    "add_tag_to_contact": RetryCase(
        lambda t: ops.ActiveCampaignAddTagToContactOperator(task_id=t, contact_id=1, tag_id=1),
        "contactTags", "contactTags", "contacts/1/contactTags"),
    "create_field": RetryCase(
        lambda t: ops.ActiveCampaignCreateFieldOperator(task_id=t, title="Size", field_type="text"),
        "fields", "fields", "fields"),
    "create_field_options": RetryCase(
        lambda t: ops.ActiveCampaignCreateFieldOptionsOperator(task_id=t, field_id=1, options=["red", "blue"]),
        "fieldOptions", "fieldOption/bulk", "fields/1/options", grows=2),
    "create_deal": RetryCase(
        lambda t: ops.ActiveCampaignCreateDealOperator(task_id=t, title="Renewal", value=100, currency="usd",
                                                       contact_id=1, pipeline_id=1),
        "deals", "deals", "deals"),
    "create_deal_note": RetryCase(
        lambda t: ops.ActiveCampaignCreateDealNoteOperator(task_id=t, deal_id=1, note="Called back"),
        "notes", "deals/1/notes", "deals/1/notes"),
    "create_pipeline": RetryCase(
        lambda t: ops.ActiveCampaignCreatePipelineOperator(task_id=t, title="Renewals", currency="usd"),
        "dealGroups", "dealGroups", "dealGroups"),
    "create_stage": RetryCase(
        lambda t: ops.ActiveCampaignCreateStageOperator(task_id=t, title="Won", pipeline_id=1),
        "dealStages", "dealStages", "dealStages"),
    "create_task": RetryCase(
        lambda t: ops.ActiveCampaignUpsertTaskOperator(task_id=t, owner_id=1, task_type_id=1, title="Call",
                                                       due_date="2030-01-02T16:00:00Z",
                                                       end_date="2030-01-02T16:15:00Z"),
        "dealTasks", "dealTasks", "dealTasks"),
    "create_task_type": RetryCase(
        lambda t: ops.ActiveCampaignCreateTaskTypeOperator(task_id=t, title="Meeting"),
        "dealTasktypes", "dealTasktypes", "dealTasktypes"),
    "create_note": RetryCase(
        lambda t: ops.ActiveCampaignCreateNoteOperator(task_id=t, note="Met at the fair", object_type="Subscriber",
                                                       object_id=1),
        "notes", "notes", "contacts/1/notes"),
    "create_message": RetryCase(
        lambda t: ops.ActiveCampaignCreateMessageOperator(task_id=t, from_name="Shop", from_email="shop@example.com",
                                                          reply_to="shop@example.com", subject="Hello",
                                                          name="welcome"),
        "messages", "messages", "messages"),
    "create_list": RetryCase(
        lambda t: ops.ActiveCampaignCreateListOperator(task_id=t, name="Newsletter", sender_url="https://example.com",
                                                       sender_reminder="You signed up."),
        "lists", "lists", "lists"),
    "create_account": RetryCase(
        lambda t: ops.ActiveCampaignCreateAccountOperator(task_id=t, name="Globex"),
        "accounts", "accounts", "accounts"),
    "create_calendar_feed": RetryCase(
        lambda t: ops.ActiveCampaignUpsertCalendarFeedOperator(task_id=t, title="Team", feed_type="All"),
        "calendars", "calendars", "calendars"),
    "create_tracking_event": RetryCase(
        lambda t: ops.ActiveCampaignCreateTrackingEventOperator(task_id=t, name="signed up"),
        "eventTrackingEvents", "eventTrackingEvents", "eventTrackingEvents"),
    "add_contact_to_automation": RetryCase(
        lambda t: ops.ActiveCampaignAddContactToAutomationOperator(task_id=t, contact_id=1, automation_id=1),
        "contactAutomations", "contactAutomations", "contacts/1/contactAutomations"),
    "create_webhook": RetryCase(
        lambda t: ops.ActiveCampaignCreateWebhookOperator(task_id=t, name="crm", url=HOOK_URL, events=["subscribe"]),
        "webhooks", "webhooks", "webhooks"),
    "legacy_create_contact": RetryCase(
        lambda t: ops.ActiveCampaignLegacyCreateContactOperator(task_id=t, email="legacy@example.com", list_id=1),
        "contacts", "/admin/api.php", "contacts"),
    "legacy_add_contact_note": RetryCase(
        lambda t: ops.ActiveCampaignLegacyAddContactNoteOperator(task_id=t, contact_id=1, note="Called", list_id=1),
        "notes", "/admin/api.php", "contacts/1/notes"),
    "legacy_add_to_automation": RetryCase(
        lambda t: ops.ActiveCampaignLegacyManageAutomationOperator(task_id=t, action="add", automation_id=1,
                                                                   contact_email="ada@example.com"),
        "contactAutomations", "/admin/api.php", "contacts/1/contactAutomations"),
    "legacy_create_campaign": RetryCase(
        lambda t: ops.ActiveCampaignLegacyCreateCampaignOperator(task_id=t, name="November", list_ids=1,
                                                                 message_id=1),
        "campaigns", "/admin/api.php", "campaigns"),
    "ensure_webhook": RetryCase(
        lambda t: ops.ActiveCampaignEnsureWebhookOperator(task_id=t, name="crm", url=HOOK_URL, events=["subscribe"]),
        "webhooks", "webhooks", None),
}

#: The DAG file the real-Airflow test runs: one DAG per case, one task, retried once at once.
DAG_FILE = '''
from datetime import timedelta

from airflow.sdk import DAG

from tests.operators.retry_cases import CASES

for name, case in CASES.items():
    with DAG(f"retry_{name}", schedule=None, catchup=False,
             default_args={"retries": 1, "retry_delay": timedelta(0)}) as dag:
        case.make("create")
    globals()[dag.dag_id] = dag
'''
