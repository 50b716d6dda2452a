"""Deferrable triggers for ActiveCampaign (async hook only; never block the event loop)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import pendulum

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignConnectionError,
    ActiveCampaignReplyError,
    error_context,
)
from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID, ActiveCampaignAsyncHook
from airflow_provider_activecampaign.triggers.base import ActiveCampaignBaseTrigger
from airflow_provider_activecampaign.triggers.poller import polling
from airflow_provider_activecampaign.watch import WatchSearch, parse_timestamp

#: Records carried in a success event at most; above it the event carries only the count.
DEFAULT_MAX_EVENT_RECORDS = 100
#: The first poll waits this long at most, so triggers started together share it (the sensor
#: looked itself just before deferring).
FIRST_POLL_WAIT = 1.0
#: The longest wait before trying a failing poll again (the wait doubles from ``poke_interval``).
MAX_RETRY_WAIT = 600.0
#: a poll that finds too little logs at INFO once in this many polls, at DEBUG otherwise
QUIET_POLLS = 60


def is_transient(error: Exception) -> bool:
    """A poll failure that may go away: no reply or a broken one, 408, 429, 5xx (after the hook's own retries).

    Anything else (401, 403, 404, 422 and other refusals, a host that does not resolve, a TLS
    failure, bad input, a broken connection setting) ends the wait at once.
    """
    if isinstance(error, ActiveCampaignConnectionError):
        return not error.permanent  # DNS and TLS failures do not go away
    if isinstance(error, ActiveCampaignReplyError):
        return True
    if isinstance(error, ActiveCampaignApiError):
        return error.status < 400 or error.status in (408, 429) or error.status >= 500
    return False


class _Found:
    """What a poll found, put into words only when a line is written (most quiet polls log nothing)."""

    __slots__ = ("found", "polls", "search", "wanted")

    def __init__(self, found: int, wanted: int, search: WatchSearch, polls: int) -> None:
        self.found, self.wanted, self.search, self.polls = found, wanted, search, polls

    def __str__(self) -> str:
        return f"{self.found} of {self.wanted} {self.search.describe()} (poll {self.polls})"


class ActiveCampaignWatchTrigger(ActiveCampaignBaseTrigger):
    """Polls one Watch search until at least ``min_records`` records fall in its window.

    Used by every Watch sensor (the search comes from
    :class:`~airflow_provider_activecampaign.watch.WatchSearch`). All arguments are JSON
    primitives and the window is fixed in them (ISO text), so a trigger re-created from
    :meth:`serialize` after a triggerer restart keeps watching the same window.

    Events (JSON only):

    - ``{"status": "success", "count": n, "records": [...] | None, "since": ..., "until": ...}``;
      ``records`` is None when more than ``max_records`` matched (the task reads them again);
    - ``{"status": "timeout", "message": ...}`` when ``deadline`` (ISO text) passed first;
    - ``{"status": "error", "message": ...}`` for a failure that will not go away (401, 403,
      404, 422, bad input), in ActiveCampaign's words.

    A poll that fails for a passing reason (no reply, a broken reply, 429, 5xx; see
    :func:`is_transient`) is tried again, the wait doubling from ``poke_interval`` up to
    10 minutes, until the deadline; the timeout event then names the last failure.

    Triggers of one account that watch the same resource the same way share their polls in
    the triggerer: one search per poll cycle covers all their windows and each takes its
    own records from it (see :mod:`~airflow_provider_activecampaign.triggers.poller`).

    :param resource: the search (see ``WatchSearch``).
    :param since: as ``resource``.
    :param until: as ``resource``.
    :param watch: as ``resource``.
    :param filters: as ``resource``.
    :param parent_id: as ``resource``.
    :param min_records: how many matching records end the wait.
    :param poke_interval: seconds between two polls.
    :param max_records: most records to carry in the event.
    :param deadline: when to give up (ISO 8601), normally the sensor's start + ``timeout``.
    :param activecampaign_conn_id: the connection.
    :param retries: the async hook's retry settings (numbers;
    :param retry_backoff: as ``retries``.
    :param request_timeout: as ``retries``.
        None = the connection's).
    :param coalesce: share polls with like triggers (default); False polls alone.
    """

    def __init__(self, *, resource: str, since: str, until: str, watch: str = "created",
                 filters: Mapping[str, Any] | None = None, parent_id: str | None = None, min_records: int = 1,
                 poke_interval: float = 60.0, max_records: int = DEFAULT_MAX_EVENT_RECORDS,
                 deadline: str | None = None, activecampaign_conn_id: str = DEFAULT_CONN_ID,
                 retries: int | None = None, retry_backoff: float = 0.5, request_timeout: float | None = None,
                 coalesce: bool = True) -> None:
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
        self.coalesce = bool(coalesce)

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
                **({} if self.coalesce else {"coalesce": False}),  # default left out: earlier versions read it
            },
        )

    def search(self) -> WatchSearch:
        with error_context(type(self).__name__):
            return WatchSearch.from_kwargs(resource=self.resource, since=self.since, until=self.until,
                                           watch=self.watch, filters=self.filters, parent_id=self.parent_id)

    async def wait(self) -> dict[str, Any]:
        """Poll until the search is satisfied, the deadline passes or something fails; the event's payload."""
        try:
            search = self.search()
            deadline = parse_timestamp(self.deadline, assume=timezone.utc) if self.deadline else None
            async with self.hook() as hook:
                return await self.watch_until_done(hook, search, deadline)
        except Exception as error:  # every failure becomes an event the task turns into an exception
            return self.failed(error)

    async def watch_until_done(self, hook: ActiveCampaignAsyncHook, search: WatchSearch,
                               deadline: datetime | None) -> dict[str, Any]:
        """Poll every ``poke_interval``; transient failures are tried again (backing off) until the deadline."""
        polls = failures = 0
        log = self.run_log()  # bound once: a triggerer's per-call logger does file I/O even at DEBUG
        due = time.monotonic() + min(self.poke_interval, FIRST_POLL_WAIT)
        async with polling(hook, search, coalesce=self.coalesce) as poll:
            while True:
                polled = await poll(due)
                polls += 1
                if polled.error is not None and not is_transient(polled.error):
                    return self.failed(polled.error)
                if polled.error is not None:
                    failures += 1
                    wait = min(MAX_RETRY_WAIT, self.poke_interval * 2 ** (failures - 1))
                    state: object = f"poll {polls} failed ({polled.error})"
                else:
                    records, failures = polled.records or [], 0
                    if len(records) >= self.min_records:  # Airflow logs the event: this line only at DEBUG
                        log.debug("%d %s (poll %d)", len(records), search.describe(), polls)
                        return self.success(search, records)
                    wait = self.poke_interval
                    state = _Found(len(records), self.min_records, search, polls)  # words only if written
                if deadline is not None:
                    left = (deadline - pendulum.now("UTC")).total_seconds()
                    if left <= 0:
                        return {"status": "timeout", "message": f"{state} when the sensor timed out at {self.deadline}"}
                    wait = min(wait, left)
                if polled.error is not None:
                    log.warning("%s; trying again in %.1f s", state, wait)
                else:  # a quiet poll: one INFO line in QUIET_POLLS (a triggerer runs thousands of these)
                    log.log(logging.INFO if polls % QUIET_POLLS == 0 else logging.DEBUG,
                            "%s; next poll in %.1f s", state, wait)
                due = time.monotonic() + wait

    def failed(self, error: Exception) -> dict[str, Any]:
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
