"""Webhook deliveries: the form-encoded payloads a change causes, and the thread that POSTs them.

Payloads follow webhooks-asyncapi.yml; a delivery is one POST with no retries, and a 410 reply
removes the webhook, as ActiveCampaign does.
"""

from __future__ import annotations

import queue
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from airflow_provider_activecampaign.testing.emulator.resources import Resource
from airflow_provider_activecampaign.testing.emulator.store import Store
from airflow_provider_activecampaign.testing.emulator.values import Record, as_int, as_text, flatten_form, format_time

Delivery = tuple[str, str, str, list[tuple[str, str]]]  # (webhook id, url, event type, form pairs)


class Deliveries:
    """Listens to the store's changes, queues deliveries, sends them, and keeps the record of each."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.entries: list[dict[str, Any]] = []  # what was sent: url, type, payload, status or error
        self.changed = threading.Condition()
        self._outbox: queue.Queue[Delivery | None] = queue.Queue()
        store.on_change = self.notify

    def clear(self) -> None:
        with self.changed:
            self.entries.clear()

    def wait_for(self, n: int, timeout: float) -> bool:
        """Wait until at least ``n`` deliveries were attempted."""
        with self.changed:
            return self.changed.wait_for(lambda: len(self.entries) >= n, timeout)

    def close(self) -> None:
        """Let the sending thread end after the deliveries already queued."""
        self._outbox.put(None)

    def notify(self, res: Resource, rec: Record, old: Record | None, source: str, deleted: bool) -> None:
        """Queue the webhook deliveries a change causes (nothing when no webhook is registered)."""
        store = self.store
        if not store.tables["webhooks"]:
            return
        for event_type, payload, list_id in events(store, res, rec, old, deleted):
            envelope = {"type": event_type, "date_time": format_time(store.now()), "initiated_from": source,
                        "initiated_by": source, "list": list_id}
            pairs = flatten_form({**envelope, **payload})
            for hook in store.ordered("webhooks"):
                hook_list = as_text(hook.get("listid"))
                scoped = hook_list not in ("", "0") and list_id not in ("0", hook_list)
                if event_type in hook.get("events", []) and source in hook.get("sources", []) and not scoped:
                    self._outbox.put((hook["id"], as_text(hook["url"]), event_type, pairs))

    def send_loop(self) -> None:
        """Background sender: one POST per delivery, no retries; a 410 removes the webhook."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            item = self._outbox.get()
            if item is None:
                return
            hook_id, url, event_type, pairs = item
            entry: dict[str, Any] = {"url": url, "type": event_type, "payload": dict(pairs)}
            request = urllib.request.Request(
                url, data=urllib.parse.urlencode(pairs).encode(), method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "ActiveCampaign-Webhook"})
            try:
                with opener.open(request, timeout=5) as response:
                    entry["status"] = response.status
            except urllib.error.HTTPError as error:
                entry["status"] = error.code
            except (OSError, ValueError) as error:
                entry["error"] = f"{type(error).__name__}: {error}"
            if entry.get("status") == 410:
                with self.store.lock:
                    self.store.tables["webhooks"].pop(hook_id, None)
            with self.changed:
                self.entries.append(entry)
                self.changed.notify_all()


# --------------------------------------------------------------------------- payloads


def events(store: Store, res: Resource, rec: Record, old: Record | None,
           deleted: bool) -> list[tuple[str, Record, str]]:
    """(event type, payload, list id) for a change, following webhooks-asyncapi.yml."""
    kind, created = res.plural, old is None
    contact = contact_block(store, rec if kind == "contacts" else store.get("contacts", rec.get("contact")))
    if kind == "contacts" and not created and not deleted:
        return [("update", {"contact": contact}, "0")]
    if kind == "contactLists" and not deleted:
        status, before = as_text(rec.get("status")), as_text((old or {}).get("status"))
        event = {"1": "subscribe", "2": "unsubscribe"}.get(status)
        if event and status != before:
            return [(event, {"contact": contact}, as_text(rec["list"]))]
    if kind == "contactTags" and (created or deleted):
        tag = store.get("tags", rec.get("tag")) or {}
        payload = {"contact": contact, "tag": as_text(tag.get("tag"))}
        return [("contact_tag_removed" if deleted else "contact_tag_added", payload, "0")]
    if deleted:
        return []
    if kind == "deals":
        payload: Record = {"deal": deal_block(store, rec), "contact": contact}
        if created:
            return [("deal_add", payload, "0")]
        changed = [k for k in rec if k != res.updated and rec.get(k) != (old or {}).get(k)]
        return [("deal_update", {**payload, "updated_fields": changed}, "0")]
    if kind == "notes" and created and rec.get("reltype") in ("Deal", "Subscriber"):
        if rec["reltype"] == "Deal":
            deal = deal_block(store, store.get("deals", rec.get("relid")) or {})
            return [("deal_note_add", {"deal": deal, "note": {"id": rec["id"], "text": rec.get("note")}}, "0")]
        return [("subscriber_note", {"contact": contact_block(store, store.get("contacts", rec.get("relid"))),
                                     "note": rec.get("note")}, "0")]
    if kind == "dealTasks":
        task = {"id": rec["id"], "type_id": rec.get("dealTasktype"), "title": rec.get("title"),
                "note": rec.get("note"), "duedate": rec.get("duedate")}
        on_deal = rec.get("reltype") == "Deal"
        parent = store.get("deals" if on_deal else "contacts", rec.get("relid")) or {}
        block = {"deal": deal_block(store, parent)} if on_deal else {"contact": contact_block(store, parent)}
        if created:
            return [("deal_task_add" if on_deal else "contact_task_add", {**block, "task": task}, "0")]
        if as_int(rec.get("status")) == 1 and as_int((old or {}).get("status")) != 1:
            return [("deal_task_complete", {**block, "task": task}, "0")]
        return []
    simple = {"dealGroups": ("deal_pipeline_add", "pipeline", ("id", "title")),
              "dealStages": ("deal_stage_add", "stage", ("id", "title", "color")),
              "dealTasktypes": ("deal_tasktype_add", "tasktype", ("id", "title")),
              "lists": ("list_add", "list", ("id", "userid", "name", "sender_url", "sender_reminder"))}
    if created and kind in simple:
        event, key, names = simple[kind]
        return [(event, {key: {n: rec.get(n) for n in names}}, rec["id"] if kind == "lists" else "0")]
    return []

def contact_block(store: Store, contact: Record | None) -> Record:
    if not contact:
        return {}
    fields = {}
    for value in store.children("fieldValues", "contact", contact["id"]):
        definition = store.get("fields", value.get("field")) or {}
        fields[as_text(definition.get("perstag") or value.get("field")).lower()] = value.get("value")
    block = {"id": contact["id"], "email": contact.get("email"), "first_name": contact.get("firstName"),
             "last_name": contact.get("lastName"), "phone": contact.get("phone"), "orgname": contact.get("orgname"),
             "ip": contact.get("ip"), "tags": ", ".join(as_text(t.get("tag")) for t in store.tags_of(contact["id"]))}
    return {**block, "fields": fields} if fields else block

def deal_block(store: Store, deal: Record) -> Record:
    if not deal:
        return {}
    stage = store.get("dealStages", deal.get("stage")) or {}
    group = store.get("dealGroups", deal.get("group")) or {}
    owner = store.get("users", deal.get("owner")) or {}
    contact = store.get("contacts", deal.get("contact")) or {}
    return {
        "id": deal["id"], "title": deal.get("title"), "create_date": deal.get("cdate"),
        "orgid": deal.get("organization"), "orgname": contact.get("orgname"), "stageid": deal.get("stage"),
        "stage_title": stage.get("title"), "pipelineid": deal.get("group"), "pipeline_title": group.get("title"),
        "value": f"{as_int(deal.get('value')) / 100:.2f}", "currency": deal.get("currency"),
        "currency_symbol": {"usd": "$", "eur": "€", "gbp": "£"}.get(as_text(deal.get("currency")), ""),
        "owner": deal.get("owner"), "owner_firstname": owner.get("firstName"),
        "owner_lastname": owner.get("lastName"),
        "contactid": deal.get("contact"), "contact_email": contact.get("email"),
        "contact_firstname": contact.get("firstName"), "contact_lastname": contact.get("lastName"),
        "status": deal.get("status"),
    }

