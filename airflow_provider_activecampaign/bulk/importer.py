"""The bulk import's work, shared by the operator's deferrable and synchronous modes.

:class:`Importer` reads the input into batches, sends them to ``POST /import/bulk_import``
within the API's limits and writes each batch's report once ActiveCampaign finished it.
Every step is saved in the :class:`~airflow_provider_activecampaign.bulk.ledger.Ledger`
before and after the request it protects, so a resumed or retried task never sends a batch
twice: a batch whose request may have reached the API is reported ``unknown``, not resent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from airflow_provider_activecampaign.bulk.contacts import to_contact
from airflow_provider_activecampaign.bulk.ledger import Ledger
from airflow_provider_activecampaign.bulk.sources import Source, SourceRow
from airflow_provider_activecampaign.bulk.status import (
    BULK_PATH,
    FAILED_REASON,
    ImportWindow,
    contact_reasons,
    rate_limited,
)
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignConnectionError,
    ActiveCampaignError,
    ActiveCampaignInputError,
)

UNKNOWN_REASON = ("the request sending this batch may have reached ActiveCampaign (the task stopped or the reply "
                  "was lost); it was not sent again: check these contacts in ActiveCampaign")


def new_state(source: Source) -> dict[str, Any]:
    return {"source": source.describe(), "next_row": 0, "position": 0, "exhausted": False, "next_index": 0,
            "batches": [], "counts": {"imported": 0, "failed": 0, "unknown": 0}, "recent": [], "not_before": 0.0,
            "finished": False}


class Importer:
    """One import's batches: cut, sent, finished; ``state`` is what the ledger keeps."""

    def __init__(self, *, hook: Any, ledger: Ledger, source: Source, state: dict[str, Any], batch_size: int,
                 max_in_flight: int, window: ImportWindow, log: Any, clock: Callable[[], float] = time.time,
                 field_ids: Callable[[], set[str]] | None = None) -> None:
        self.hook = hook
        #: reads the ids of the account's contact custom fields (called once, when a row has custom fields)
        self.field_ids = field_ids
        self._known_ids: set[str] | None = None
        self.ledger = ledger
        self.source = source
        self.state = state
        self.batch_size = batch_size
        self.max_in_flight = max_in_flight
        self.window = window
        self.log = log
        self.clock = clock
        self._rows: Iterator[SourceRow] | None = None

    # progress -------------------------------------------------------------------

    @property
    def in_flight(self) -> list[dict[str, Any]]:
        return self.state["batches"]

    @property
    def done(self) -> bool:
        return self.state["exhausted"] and not self.in_flight

    def queued(self) -> list[dict[str, Any]]:
        return [b for b in self.in_flight if b["state"] == "queued"]

    def summary(self) -> dict[str, Any]:
        return {**self.state["counts"], "report": self.ledger.report_path}

    def save(self) -> None:
        self.state["recent"] = self.window.recent(self.state["recent"], self.clock())
        self.ledger.save(self.state)

    def wait(self) -> float:
        """Seconds until another batch may be sent (0: now)."""
        now = self.clock()
        return max(0.0, self.state["not_before"] - now, self.window.wait(self.state["recent"], now))

    def close(self) -> None:
        if self._rows is not None:
            self._rows.close()  # type: ignore[attr-defined]
            self._rows = None

    # recovery -------------------------------------------------------------------

    def recover(self) -> None:
        """Batches the task was sending when it stopped may have been imported: report them ``unknown``."""
        for batch in [b for b in self.in_flight if b["state"] == "sending"]:
            self.unknown(batch, UNKNOWN_REASON)

    def unknown(self, batch: dict[str, Any], reason: str) -> None:
        rows = [_report_row(row, "unknown", reason) if "contact" in row else _report_row(row, "failed", row["reason"])
                for row in self.ledger.read_rows(batch["index"])]
        self._finish_batch(batch, rows)

    # sending --------------------------------------------------------------------

    def fill(self) -> None:
        """Send batches while the input lasts, fewer than ``max_in_flight`` are queued and the limits allow."""
        while len(self.queued()) < self.max_in_flight and self.wait() == 0:
            batch = next((b for b in self.in_flight if b["state"] == "ready"), None) or self._cut()
            if batch is None:
                return
            self._send(batch)

    def _cut(self) -> dict[str, Any] | None:
        """The next batch of rows from the input (rows that fail the checks are reported, not sent)."""
        if self._rows is None:
            self._rows = self.source.rows(self.state["next_row"], self.state["position"])
        while not self.state["exhausted"]:
            entries, sendable, last = [], 0, None
            for last in self._rows:
                entries.append(self._with_known_fields(_entry(last)))
                sendable += "contact" in entries[-1]
                if sendable >= self.batch_size or len(entries) >= 2 * self.batch_size:
                    break
            else:
                self.state["exhausted"] = True
            if last is None:
                self.save()
                return None
            batch = {"index": self.state["next_index"], "first_row": entries[0]["row"], "last_row": last.number,
                     "state": "ready", "batch_id": None}
            self.ledger.write_rows(batch["index"], entries)
            self.state.update(next_index=batch["index"] + 1, next_row=last.number, position=last.position)
            self.in_flight.append(batch)
            if sendable:
                self.save()
                return batch
            self._finish_batch(batch, [_report_row(e, "failed", e["reason"]) for e in entries])
        return None

    def _with_known_fields(self, entry: dict[str, Any]) -> dict[str, Any]:
        """The entry, or a failed row (not sent) when its contact names a custom field the account lacks."""
        fields = entry.get("contact", {}).get("fields")
        if not fields or self.field_ids is None:
            return entry
        if self._known_ids is None:
            self._known_ids = self.field_ids()
        unknown = [f["id"] for f in fields if str(f["id"]) not in self._known_ids]
        if not unknown:
            return entry
        error = ActiveCampaignInputError(f"fields id {str(unknown[0])!r}", "the id of one of the account's custom "
                                         "fields (none has it in GET /fields)", unknown[0])
        return {"row": entry["row"], "email": entry["email"], "reason": str(error)}

    def _send(self, batch: dict[str, Any]) -> None:
        """Send one batch; saved as ``sending`` first, ``queued`` with its batch id after."""
        rows = self.ledger.read_rows(batch["index"])
        contacts = [row["contact"] for row in rows if "contact" in row]
        if not contacts:  # every row was refused by the API's checks
            self._finish_batch(batch, [_report_row(row, "failed", row.get("reason")) for row in rows])
            return
        batch["state"] = "sending"
        self.save()
        try:
            reply = self.hook.send(self.hook.core.v3("POST", BULK_PATH, json={"contacts": contacts}, expect="batchId"))
        except (ActiveCampaignApiError, ActiveCampaignConnectionError) as error:
            self._refused(batch, rows, error)
            return
        batch.update(state="queued", batch_id=str(reply["batchId"]))
        self.state["recent"].append(self.clock())
        self.save()
        self.log.info("Bulk import batch %d (rows %d-%d, %d contacts) queued as %s", batch["index"],
                      batch["first_row"], batch["last_row"], len(contacts), batch["batch_id"])

    def _refused(self, batch: dict[str, Any], rows: list[dict[str, Any]], error: ActiveCampaignError) -> None:
        """A send that failed: wait out the rate limit, drop the contacts the API named, or give up."""
        if getattr(error, "may_have_been_processed", False):
            self.unknown(batch, f"{UNKNOWN_REASON} ({error})")
            raise error
        batch["state"] = "ready"
        if isinstance(error, ActiveCampaignApiError) and rate_limited(error):
            self.state["not_before"] = self.clock() + self.window.retry_after
            self.log.warning("ActiveCampaign refused batch %d: too many imports a minute; sending it again in %.0f s",
                             batch["index"], self.window.retry_after)
            self.save()
            return
        reasons = contact_reasons(error) if isinstance(error, ActiveCampaignApiError) else {}
        if not reasons:
            self.save()
            raise error
        sent = [row for row in rows if "contact" in row]
        named = [position for position in reasons if 0 <= position < len(sent)]
        if not named:  # the API named no contact of this batch: sending it again would not help
            self.save()
            raise error
        for position in named:
            row = sent[position]
            row["reason"] = f"ActiveCampaign: {reasons[position]}"
            del row["contact"]
        self.ledger.write_rows(batch["index"], rows)
        self.log.warning("ActiveCampaign refused %d contacts of batch %d; sending the others again", len(reasons),
                         batch["index"])
        self.save()

    # finishing ------------------------------------------------------------------

    def complete(self, batch: dict[str, Any], failures: list[str]) -> None:
        """ActiveCampaign finished ``batch``: each row imported, or failed when its e-mail is listed."""
        failed = {email.strip().lower() for email in failures}
        rows = []
        for row in self.ledger.read_rows(batch["index"]):
            if "contact" not in row:
                rows.append(_report_row(row, "failed", row.get("reason")))
            elif row["email"].lower() in failed:
                rows.append(_report_row(row, "failed", FAILED_REASON, batch["batch_id"]))
            else:
                rows.append(_report_row(row, "imported", None, batch["batch_id"]))
        self._finish_batch(batch, rows)

    def _finish_batch(self, batch: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        self.ledger.write_part(batch["index"], rows)
        for row in rows:
            self.state["counts"][row["status"]] += 1
        self.in_flight.remove(batch)
        self.save()

    def finish(self) -> dict[str, Any]:
        """Join the report, mark the import finished, remove the parts and checkpoint; the summary."""
        if not self.state["finished"]:
            self.ledger.write_report(self.state["next_index"])
            self.state["finished"] = True
            self.save()
        self.ledger.clean()
        return self.summary()


def _entry(row: SourceRow) -> dict[str, Any]:
    """A row as kept until its batch is finished: the contact to send, or why it is not sent."""
    email = row.data.get("email") if isinstance(row.data, dict) else None
    entry: dict[str, Any] = {"row": row.number, "email": None if email is None else str(email)}
    if row.error is not None:
        return {**entry, "reason": row.error}
    try:
        contact = to_contact(row.data)
    except ActiveCampaignInputError as error:
        return {**entry, "reason": str(error)}
    return {**entry, "email": contact["email"], "contact": contact}


def _report_row(row: dict[str, Any], status: str, reason: str | None, batch_id: str | None = None) -> dict[str, Any]:
    out = {"row": row["row"], "email": row.get("email"), "status": status}
    if reason:
        out["reason"] = reason
    if batch_id:
        out["batch_id"] = batch_id
    return out
