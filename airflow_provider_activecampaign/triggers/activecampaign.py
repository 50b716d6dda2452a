"""Deferrable triggers for ActiveCampaign (async hook only; never block the event loop)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import timezone
from typing import Any

import pendulum
from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_activecampaign.exceptions import error_context
from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID, ActiveCampaignAsyncHook
from airflow_provider_activecampaign.watch import WatchSearch, parse_timestamp

#: Records carried in a success event at most; above it the event carries only the count.
DEFAULT_MAX_EVENT_RECORDS = 100


class ActiveCampaignWatchTrigger(BaseTrigger):
    """Polls one Watch search until at least ``min_records`` records fall in its window.

    Used by every Watch sensor (the search comes from
    :class:`~airflow_provider_activecampaign.watch.WatchSearch`). All arguments are JSON
    primitives and the window is fixed in them (ISO text), so a trigger re-created from
    :meth:`serialize` after a triggerer restart keeps watching the same window.

    Events (JSON only):

    - ``{"status": "success", "count": n, "records": [...] | None, "since": ..., "until": ...}``;
      ``records`` is None when more than ``max_records`` matched (the task reads them again);
    - ``{"status": "timeout", "message": ...}`` when ``deadline`` (ISO text) passed first;
    - ``{"status": "error", "message": ...}`` for any failure, in ActiveCampaign's words.

    :param resource, since, until, watch, filters, parent_id: the search (see ``WatchSearch``).
    :param min_records: how many matching records end the wait.
    :param poke_interval: seconds between two polls.
    :param max_records: most records to carry in the event.
    :param deadline: when to give up (ISO 8601), normally the sensor's start + ``timeout``.
    :param activecampaign_conn_id: the connection.
    :param retries, retry_backoff, request_timeout: the async hook's retry settings (numbers;
        None = the connection's).
    """

    def __init__(self, *, resource: str, since: str, until: str, watch: str = "created",
                 filters: Mapping[str, Any] | None = None, parent_id: str | None = None, min_records: int = 1,
                 poke_interval: float = 60.0, max_records: int = DEFAULT_MAX_EVENT_RECORDS,
                 deadline: str | None = None, activecampaign_conn_id: str = DEFAULT_CONN_ID,
                 retries: int | None = None, retry_backoff: float = 0.5, request_timeout: float | None = None) -> None:
        super().__init__()
        self.resource = resource
        self.since = since
        self.until = until
        self.watch = watch
        self.filters = dict(filters or {})
        self.parent_id = parent_id
        self.min_records = int(min_records)
        self.poke_interval = float(poke_interval)
        self.max_records = int(max_records)
        self.deadline = deadline
        self.activecampaign_conn_id = activecampaign_conn_id
        self.retries = retries
        self.retry_backoff = float(retry_backoff)
        self.request_timeout = request_timeout

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "resource": self.resource,
                "since": self.since,
                "until": self.until,
                "watch": self.watch,
                "filters": dict(self.filters),
                "parent_id": self.parent_id,
                "min_records": self.min_records,
                "poke_interval": self.poke_interval,
                "max_records": self.max_records,
                "deadline": self.deadline,
                "activecampaign_conn_id": self.activecampaign_conn_id,
                "retries": self.retries,
                "retry_backoff": self.retry_backoff,
                "request_timeout": self.request_timeout,
            },
        )

    def search(self) -> WatchSearch:
        with error_context(type(self).__name__):
            return WatchSearch.from_kwargs(resource=self.resource, since=self.since, until=self.until,
                                           watch=self.watch, filters=self.filters, parent_id=self.parent_id)

    def hook(self) -> ActiveCampaignAsyncHook:
        return ActiveCampaignAsyncHook(self.activecampaign_conn_id, retries=self.retries,
                                       timeout=self.request_timeout, retry_backoff=self.retry_backoff)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        yield TriggerEvent(await self.wait())

    async def wait(self) -> dict[str, Any]:
        """Poll until the search is satisfied, the deadline passes or something fails; the event's payload."""
        try:
            search = self.search()
            deadline = parse_timestamp(self.deadline, assume=timezone.utc) if self.deadline else None
            async with self.hook() as hook:
                polls = 0
                while True:
                    records = await search.afetch(hook)
                    polls += 1
                    if len(records) >= self.min_records:
                        self.log.info("%d %s (poll %d)", len(records), search.describe(), polls)
                        return self.success(search, records)
                    wait = self.poke_interval
                    if deadline is not None:
                        left = (deadline - pendulum.now("UTC")).total_seconds()
                        if left <= 0:
                            return {
                                "status": "timeout",
                                "message": f"{len(records)} of {self.min_records} {search.describe()} "
                                           f"when the sensor timed out at {self.deadline}",
                            }
                        wait = min(wait, left)
                    self.log.info("%d of %d %s (poll %d); next poll in %.1f s", len(records), self.min_records,
                                  search.describe(), polls, wait)
                    await asyncio.sleep(wait)
        except Exception as error:  # every failure becomes an event the task turns into an exception
            self.log.warning("Watch trigger failed: %s", error)
            return {"status": "error", "message": str(error) or type(error).__name__}

    def success(self, search: WatchSearch, records: list[dict[str, Any]]) -> dict[str, Any]:
        since, until = search.window.iso()
        return {
            "status": "success",
            "count": len(records),
            "records": records if len(records) <= self.max_records else None,
            "since": since,
            "until": until,
        }
