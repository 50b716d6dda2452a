"""Bulk import: many contacts through ``POST /import/bulk_import``, with a report row per input row."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.common.compat.sdk import conf

from airflow_provider_activecampaign.bulk import (
    IMPORTS_PER_MINUTE,
    MAX_BATCH,
    Importer,
    ImportWindow,
    Ledger,
    Source,
    info_call,
    new_state,
    read_status,
)
from airflow_provider_activecampaign.catalogue import Rule
from airflow_provider_activecampaign.exceptions import ActiveCampaignConfigError, ActiveCampaignError, error_context
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator
from airflow_provider_activecampaign.operators.custom_fields import field_definitions
from airflow_provider_activecampaign.triggers.bulk_import import ActiveCampaignBulkImportTrigger

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignBulkImportContactsOperator(ActiveCampaignBaseOperator):
    """Import contacts in batches through ActiveCampaign's bulk import, and report every row.

    Contacts come from a JSON Lines or CSV file (``source_path``: a local path or an object
    storage URL such as ``s3://bucket/contacts.csv``, read as a stream) or from ``contacts``,
    a list. Each row names the API's contact fields: ``email`` (required), ``first_name``,
    ``last_name``, ``phone``, ``customer_acct_name``, ``tags`` (names), ``fields``
    (``[{"id": 12, "value": "x"}]`` or ``{12: "x"}``; in CSV, columns ``field:12``),
    ``subscribe`` and ``unsubscribe`` (list ids). In CSV, tags and list ids are
    comma-separated. Rows that fail the checks (no e-mail, a bad e-mail, an unknown column, a
    custom field id the account does not have) are reported as failed and not sent. Field ids
    are checked against the account's fields (``GET /fields``: one extra read per task, only
    when a row has custom fields).

    Batches of up to 250 contacts are sent while keeping under 100 imports a minute (the API
    refuses more with HTTP 400; a refusal is waited out and the batch sent again).
    ActiveCampaign imports each batch in the background; the task waits for it in the
    triggerer (``deferrable=True``) or by polling, with at most ``max_batches_in_flight``
    batches waiting at a time.

    The report (``report_path``, JSON Lines, local or object storage) has one line per input
    row: ``{"row": n, "email": ..., "status": "imported" | "failed" | "unknown", "reason": ...,
    "batch_id": ...}``. ``unknown`` means the request sending the row may have reached
    ActiveCampaign but its reply was lost: it is never sent twice. Progress is saved beside
    the report (``REPORT.checkpoint.json``, ``REPORT.parts/``), so a retried task goes on where
    it stopped; both are removed once the report is written.

    Returns ``{"imported": n, "failed": m, "unknown": k, "report": report_path}``.

    :param source_path: the file to import (templated); or give ``contacts``.
    :param contacts: the contacts to import, as a list of rows (templated).
    :param source_format: ``"jsonl"`` or ``"csv"``; by default read from the file name
        (``.jsonl``, ``.ndjson``, ``.json``, ``.csv``).
    :param report_path: where to write the report (templated, required).
    :param batch_size: contacts a request, 1 to 250 (default 250).
    :param imports_per_minute: the account's import budget this task may use, 1 to 100.
    :param max_batches_in_flight: batches sent and not yet finished, at most (default 100).
    :param poll_interval: seconds between two status checks of a batch (default 5).
    :param import_timeout: how long to wait for the batches in flight before failing.
    :param deferrable: wait in the triggerer instead of a worker slot.
    """

    template_fields: Sequence[str] = ("source_path", "contacts", "report_path")
    template_fields_renderers: ClassVar[dict[str, str]] = {"contacts": "json"}
    ui_color = "#c9f0d5"
    #: the API's window for ``imports_per_minute`` (seconds)
    import_window: ClassVar[float] = 60.0

    def __init__(self, *, report_path: str, source_path: str | None = None, contacts: list[Any] | None = None,
                 source_format: str | None = None, batch_size: int = MAX_BATCH,
                 imports_per_minute: int = IMPORTS_PER_MINUTE, max_batches_in_flight: int = 100,
                 poll_interval: float = 5.0, import_timeout: timedelta = timedelta(hours=1),
                 deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.report_path = report_path
        self.source_path = source_path
        self.contacts = contacts
        self.source_format = source_format
        self.batch_size = batch_size
        self.imports_per_minute = imports_per_minute
        self.max_batches_in_flight = max_batches_in_flight
        self.poll_interval = poll_interval
        self.import_timeout = import_timeout
        self.deferrable = deferrable

    # setting up -----------------------------------------------------------------

    def _importer(self) -> Importer:
        """The import's state from its checkpoint (or a new one), after every parameter is checked."""
        Rule("str", required=True).check(self.report_path, "report_path")
        batch_size = int(Rule("int", minimum=1, maximum=MAX_BATCH).check(self.batch_size, "batch_size"))
        per_minute = int(Rule("int", minimum=1, maximum=IMPORTS_PER_MINUTE).check(
            self.imports_per_minute, "imports_per_minute"))
        in_flight = int(Rule("int", minimum=1).check(self.max_batches_in_flight, "max_batches_in_flight"))
        Rule("number", minimum=0.001).check(self.poll_interval, "poll_interval")
        source = Source(path=self.source_path, contacts=self.contacts, file_format=self.source_format)
        ledger = Ledger(self.report_path)
        state = ledger.load()
        if state is None:
            state = new_state(source)
        elif state["source"] != source.describe():
            raise ActiveCampaignConfigError(
                f"{ledger.checkpoint} is the progress of another import ({state['source']}, not "
                f"{source.describe()}): give another report_path, or remove it to start again")
        else:
            self.log.info("Going on with the import saved in %s: %d rows read, %d batches waiting",
                          ledger.checkpoint, state["next_row"], len(state["batches"]))
        return Importer(hook=self.hook, ledger=ledger, source=source, state=state, batch_size=batch_size,
                        max_in_flight=in_flight, window=ImportWindow(per_minute, self.import_window), log=self.log,
                        field_ids=lambda: {str(d.get("id")) for d in field_definitions(self.hook, "field")})

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage: the source file (if any) into the account's contacts, and the report written."""
        from airflow_provider_activecampaign.catalogue import resource
        from airflow_provider_activecampaign.lineage import file_dataset, write_lineage

        lineage = write_lineage(self.hook.core.settings.base_url, resource("contact"), self.source_path)
        lineage.outputs.append(file_dataset(self.report_path))
        return lineage

    # running --------------------------------------------------------------------

    def perform(self, context: Context) -> Any:
        importer = self._importer()
        try:
            if importer.state["finished"]:
                return importer.finish()
            importer.recover()
            return self._go_on(importer)
        finally:
            importer.close()

    def execute_complete(self, context: Context, event: dict[str, Any]) -> Any:
        """Resume after the trigger: report the finished batches, then send more or finish."""
        with error_context(self.where):
            if event.get("status") != "success":
                raise ActiveCampaignError(f"Waiting for the bulk import failed: {event.get('message')}")
            importer = self._importer()
            try:
                failures = event.get("failures") or {}
                for batch in importer.queued():
                    if batch["batch_id"] in failures:
                        importer.complete(batch, failures[batch["batch_id"]])
                return self._go_on(importer)
            finally:
                importer.close()

    def _go_on(self, importer: Importer) -> Any:
        if not self.deferrable:
            return self._poll(importer)
        importer.fill()
        if importer.done:
            return self._finish(importer)
        wait = importer.wait()
        trigger = ActiveCampaignBulkImportTrigger(
            batch_ids=[b["batch_id"] for b in importer.queued()], not_before=time.time() + wait if wait else None,
            poll_interval=self.poll_interval, activecampaign_conn_id=self.activecampaign_conn_id)
        self.defer(trigger=trigger, method_name="execute_complete", timeout=self.import_timeout)

    def _poll(self, importer: Importer) -> Any:
        """Without a triggerer: send, poll the oldest batch, repeat."""
        since: dict[str, float] = {}
        while True:
            importer.fill()
            if importer.done:
                return self._finish(importer)
            queued = importer.queued()
            if not queued:
                time.sleep(max(importer.wait(), 0.01))
                continue
            batch = queued[0]
            finished, failed = read_status(self.hook.send(info_call(self.hook.core, batch["batch_id"])),
                                           batch["batch_id"])
            if finished:
                importer.complete(batch, failed)
                since.pop(batch["batch_id"], None)
                continue
            waited = time.monotonic() - since.setdefault(batch["batch_id"], time.monotonic())
            if waited > self.import_timeout.total_seconds():
                raise ActiveCampaignError(f"ActiveCampaign has not finished import batch {batch['batch_id']} after "
                                          f"{waited:.0f} s (import_timeout); the task can be retried")
            time.sleep(self.poll_interval)

    def _finish(self, importer: Importer) -> dict[str, Any]:
        summary = importer.finish()
        self.log.info("Bulk import done: %d imported, %d failed, %d unknown; report: %s", summary["imported"],
                      summary["failed"], summary["unknown"], summary["report"])
        return summary
