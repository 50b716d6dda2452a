"""Webhook events and sources as ActiveCampaign documents them, and the form of event-tracking names."""

from __future__ import annotations

#: Webhook events as ActiveCampaign documents them (``GET /webhook/events`` and the webhook reference):
#: the names a webhook registers for, and the event types the receiver plugin accepts.
WEBHOOK_EVENTS = (
    "subscribe", "unsubscribe", "update", "sent", "open", "click", "forward", "share", "bounce", "reply",
    "list_add", "contact_tag_added", "contact_tag_removed", "contact_task_add", "subscriber_note",
    "account_add", "account_update", "account_contact_add", "account_contact_update",
    "deal_add", "deal_update", "deal_note_add", "deal_pipeline_add", "deal_stage_add", "deal_task_add",
    "deal_task_complete", "deal_tasktype_add", "sms_sent", "sms_reply", "sms_unsub",
)
WEBHOOK_SOURCES = ("public", "admin", "api", "system")
#: Event-tracking event names (and the names of webhooks the Watch-events operator registers).
EVENT_NAME_PATTERN = r"^[A-Za-z0-9 ]+$"
