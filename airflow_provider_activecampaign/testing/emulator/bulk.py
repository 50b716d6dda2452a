"""The bulk import API: ``POST /import/bulk_import`` and ``GET /import/info``, with its limits.

As ActiveCampaign documents it: at most ``max_contacts`` (250) contacts a request and
``per_window`` (100) imports a ``window`` (60 s), both refused with HTTP 400 (not 429). A
request whose contacts do not pass validation (no e-mail, no ``@``) is refused whole with the
index of each bad contact. An accepted import is processed asynchronously: its status is
"pending", then "processing", and "completed" once ``processing_seconds`` have passed; the
contacts are written when the status is next asked (or another import arrives), and the
reply then lists the ids of the contacts imported and the e-mails of those that failed (an
e-mail the API does not take, an unknown custom field or list). Imported contacts fire no
webhooks (source ``import``).
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from dataclasses import dataclass, field, fields, replace
from typing import Any

from airflow_provider_activecampaign.testing.emulator.resources import RESOURCES
from airflow_provider_activecampaign.testing.emulator.store import Store
from airflow_provider_activecampaign.testing.emulator.values import EMAIL_RE, ApiError, Call, Record, Reply, as_text

SOURCE = "import"
RATE_MESSAGE = ("Up to 100 imports may be requested per minute.Please batch contacts into larger requests, "
                "or retry this request in a minute.")
INVALID_MESSAGE = ("JSON payload did not pass validation. Please fix failure Reasons and retry. "
                   "The import was not queued for processing.")
EMAIL_FORMAT = "Field\u2018 email\u2019 incorrect format"


@dataclass(frozen=True)
class BulkSettings:
    """The bulk API's limits and how long an import takes (tests shorten the window)."""

    max_contacts: int = 250
    per_window: int = 100
    window: float = 60.0
    processing_seconds: float = 0.2


@dataclass
class _Import:
    batch_id: str
    contacts: list[dict[str, Any]]
    submitted: float
    success: list[str] = field(default_factory=list)
    failure: list[str] = field(default_factory=list)
    done: bool = False


class BulkImports:
    """The account's imports: queued batches, the per-minute window and an e-mail index of contacts."""

    def __init__(self) -> None:
        self.settings = BulkSettings()
        self.imports: dict[str, _Import] = {}
        self._accepted: deque[float] = deque()
        self._emails: dict[str, str] = {}
        self._indexed = -1

    def configure(self, **changes: Any) -> None:
        """Change ``max_contacts``, ``per_window``, ``window`` (seconds) or ``processing_seconds``."""
        unknown = set(changes) - {f.name for f in fields(BulkSettings)}
        if unknown:
            raise ValueError(f"Unknown bulk import settings: {sorted(unknown)}")
        self.settings = replace(self.settings, **changes)

    def clear(self) -> None:
        self.imports.clear()
        self._accepted.clear()
        self._emails.clear()
        self._indexed = -1
        self.settings = BulkSettings()

    # requests -------------------------------------------------------------------

    def submit(self, store: Store, call: Call) -> Reply:
        contacts = call.body.get("contacts") if isinstance(call.body, dict) else None
        if not isinstance(contacts, list) or not contacts:
            raise ApiError(400, {"success": 0, "message": "'contacts' is a required field."})
        limit = self.settings.max_contacts
        if len(contacts) > limit:
            raise ApiError(400, {"success": 0, "message": f"Up to {limit} contacts may be imported in one request.",
                                 "failureReasons": [f"The request has {len(contacts)} contacts."]})
        bad = [{"contact": i, "failureReason": EMAIL_FORMAT} for i, contact in enumerate(contacts)
               if not isinstance(contact, dict) or "@" not in as_text(contact.get("email"))]
        if bad:
            raise ApiError(400, {"success": 0, "message": INVALID_MESSAGE, "failureReasons": bad})
        with store.lock:
            self.process(store)
            now = time.monotonic()
            while self._accepted and now - self._accepted[0] >= self.settings.window:
                self._accepted.popleft()
            if len(self._accepted) >= self.settings.per_window:
                raise ApiError(400, {"success": 0, "message": "Rate limit exceeded.", "failureReasons": [RATE_MESSAGE]})
            self._accepted.append(now)
            batch = _Import(str(uuid.uuid4()), contacts, now)
            self.imports[batch.batch_id] = batch
        return Reply(200, {"Success": 1, "queued_contacts": len(contacts), "batchId": batch.batch_id,
                           "message": "Contact import queued"})

    def info(self, store: Store, call: Call) -> Reply:
        batch_id = (call.query.get("batchId") or [""])[-1]
        if not batch_id:
            raise ApiError(400, {"success": 0, "message": "'batchId' is a required field."})
        with store.lock:
            self.process(store)
            batch = self.imports.get(batch_id)
            if batch is None:
                raise ApiError(404, {"message": f"No Result found for import with id {batch_id}"})
            if batch.done:
                return Reply(200, {"status": "completed", "success": batch.success, "failure": batch.failure})
            started = time.monotonic() - batch.submitted >= self.settings.processing_seconds / 2
            return Reply(200, {"status": "processing" if started else "pending", "success": [], "failure": []})

    # processing -----------------------------------------------------------------

    def process(self, store: Store) -> None:
        """Write every import whose processing time has passed, in the order they came."""
        now = time.monotonic()
        with store.lock:
            for batch in self.imports.values():
                if not batch.done and now - batch.submitted >= self.settings.processing_seconds:
                    for contact in batch.contacts:
                        contact_id = self._import_one(store, contact)
                        if contact_id is None:
                            batch.failure.append(as_text(contact.get("email")))
                        else:
                            batch.success.append(contact_id)
                    batch.contacts, batch.done = [], True

    def _import_one(self, store: Store, contact: dict[str, Any]) -> str | None:
        """Create or update one contact with its tags, fields and lists; its id, or None when it fails."""
        email = as_text(contact.get("email")).strip()
        fields_ = contact.get("fields") or []
        lists = [(item, "1") for item in contact.get("subscribe") or []] + [
            (item, "2") for item in contact.get("unsubscribe") or []]
        if not EMAIL_RE.fullmatch(email) or "'" in email:
            return None
        if any(not isinstance(f, dict) or store.get("fields", f.get("id")) is None for f in fields_):
            return None
        if any(not isinstance(item, dict) or store.get("lists", item.get("listid")) is None for item, _ in lists):
            return None
        data = {"email": email, **{name: contact[key] for key, name in
                                   (("first_name", "firstName"), ("last_name", "lastName"), ("phone", "phone"))
                                   if contact.get(key) not in (None, "")}}
        existing = self._contact(store, email)
        rec = store.save(RESOURCES["contacts"], data, existing, SOURCE)
        if existing is None:
            self._emails[email.lower()] = rec["id"]
            self._indexed = len(store.tables["contacts"])
        self._links(store, rec["id"], contact, lists, new=existing is None)
        return rec["id"]

    def _links(self, store: Store, contact_id: str, contact: dict[str, Any], lists: list[tuple[dict, str]],
               *, new: bool) -> None:
        """Tags (created by name when new), custom field values and list statuses of one imported contact."""
        for name in dict.fromkeys(as_text(n) for n in contact.get("tags") or []):
            tag = store.tag_by_name(name, create=True, source=SOURCE)
            _link(store, "contactTags", {"contact": contact_id, "tag": tag["id"]}, ("contact", "tag"),  # type: ignore[index]
                  new=new)
        for item in contact.get("fields") or []:
            value = {"contact": contact_id, "field": as_text(item["id"]), "value": as_text(item.get("value"))}
            _link(store, "fieldValues", value, ("contact", "field"), new=new)
        for item, status in lists:
            list_id = as_text(item["listid"])
            if not new and status == "1" and self._unsubscribed(store, contact_id, list_id):
                continue  # the API does not subscribe a contact again to a list it left
            _link(store, "contactLists", {"contact": contact_id, "list": list_id, "status": status},
                  ("contact", "list"), new=new)

    @staticmethod
    def _unsubscribed(store: Store, contact_id: str, list_id: str) -> bool:
        return any(as_text(rec.get("list")) == list_id and as_text(rec.get("status")) == "2"
                   for rec in store.children("contactLists", "contact", contact_id))

    def _contact(self, store: Store, email: str) -> Record | None:
        """The contact with this e-mail, through an index rebuilt whenever the table changed behind it."""
        table = store.tables["contacts"]
        for attempt in range(2):
            if attempt or len(table) != self._indexed:
                self._emails = {as_text(rec.get("email")).lower(): rid for rid, rec in table.items()}
                self._indexed = len(table)
            rec = table.get(self._emails.get(email.lower(), ""))
            if rec is not None and as_text(rec.get("email")).lower() == email.lower():
                return rec
            if email.lower() not in self._emails:
                return None
        return None


def _link(store: Store, plural: str, data: dict[str, Any], keys: tuple[str, ...], *, new: bool) -> None:
    """Save a contact's tag, field value or list status: a new contact has none to update (no table scan)."""
    if new:
        store.save(RESOURCES[plural], data, None, SOURCE)
    else:
        store.upsert(RESOURCES[plural], data, keys, SOURCE)


def imports(store: Store) -> BulkImports:
    """The bulk imports of the account ``store`` holds (made on first use)."""
    with store.lock:
        state = store.__dict__.get("bulk_imports")
        if state is None:
            state = store.__dict__["bulk_imports"] = BulkImports()
        return state


def bulk_import(store: Store, call: Call) -> Reply:
    return imports(store).submit(store, call)


def import_info(store: Store, call: Call) -> Reply:
    return imports(store).info(store, call)
