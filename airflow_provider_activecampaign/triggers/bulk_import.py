"""The trigger a deferred bulk import waits in: it polls ``GET /import/info`` until its batches are finished."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from airflow_provider_activecampaign.bulk import info_call, read_status
from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID
from airflow_provider_activecampaign.triggers.base import ActiveCampaignBaseTrigger


class ActiveCampaignBulkImportTrigger(ActiveCampaignBaseTrigger):
    """Waits until ActiveCampaign finished every batch of ``batch_ids`` and ``not_before`` has passed.

    Batches are polled oldest first (they finish in about the order they were sent), one
    request per poll, so waiting costs little of the account's request budget. It has no
    side effects: re-created from :meth:`serialize` after a triggerer restart, it polls again.

    Events (JSON only):

    - ``{"status": "success", "failures": {batch id: [e-mails that failed]}}``;
    - ``{"status": "error", "message": ...}`` for any failure, in ActiveCampaign's words.

    :param batch_ids: the batch ids ``POST /import/bulk_import`` returned.
    :param not_before: the earliest moment to fire (seconds since the epoch), when the
        import must wait for the per-minute limit anyway; None = as soon as the batches are done.
    :param poll_interval: seconds between two polls of an unfinished batch.
    :param activecampaign_conn_id: the connection.
    :param retries: the async hook's retry settings (numbers;
    :param retry_backoff: as ``retries``.
    :param request_timeout: as ``retries``.
        None = the connection's).
    """

    def __init__(self, *, batch_ids: list[str], not_before: float | None = None, poll_interval: float = 5.0,
                 activecampaign_conn_id: str = DEFAULT_CONN_ID, retries: int | None = None,
                 retry_backoff: float = 0.5, request_timeout: float | None = None) -> None:
        super().__init__()
        self.batch_ids = [str(b) for b in batch_ids]
        self.not_before = not_before
        self.poll_interval = float(poll_interval)
        self.activecampaign_conn_id = activecampaign_conn_id
        self.retries = retries
        self.retry_backoff = float(retry_backoff)
        self.request_timeout = request_timeout

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "batch_ids": list(self.batch_ids),
                "not_before": self.not_before,
                "poll_interval": self.poll_interval,
                "activecampaign_conn_id": self.activecampaign_conn_id,
                "retries": self.retries,
                "retry_backoff": self.retry_backoff,
                "request_timeout": self.request_timeout,
            },
        )

    async def wait(self) -> dict[str, Any]:
        """Poll until every batch is finished (then wait for ``not_before``); the event's payload."""
        try:
            failures: dict[str, list[str]] = {}
            async with self.hook() as hook:
                core = await hook.get_core()
                for batch_id in self.batch_ids:
                    while True:
                        finished, failed = read_status(await hook.send(info_call(core, batch_id)), batch_id)
                        if finished:
                            failures[batch_id] = failed
                            break
                        await asyncio.sleep(self.poll_interval)
            self.log.info("ActiveCampaign finished %d import batches", len(failures))
            if self.not_before is not None and self.not_before > time.time():
                await asyncio.sleep(self.not_before - time.time())
            return {"status": "success", "failures": failures}
        except Exception as error:  # every failure becomes an event the task turns into an exception
            self.log.warning("Bulk import trigger failed: %s", error)
            return {"status": "error", "message": str(error) or type(error).__name__}
