"""What the provider's triggers share: the async hook they poll with, and one event per run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook


class ActiveCampaignBaseTrigger(BaseTrigger):
    """A trigger that polls ActiveCampaign and fires once with the payload :meth:`wait` returns.

    Subclasses set ``activecampaign_conn_id``, ``retries``, ``request_timeout`` and
    ``retry_backoff`` (plain numbers, so they serialize) and implement :meth:`wait`.
    """

    activecampaign_conn_id: str
    retries: int | None
    request_timeout: float | None
    retry_backoff: float

    def run_log(self) -> Any:
        """The trigger's logger, bound once for its whole run.

        Airflow's triggerer gives each trigger a lazy logger that assembles a new logger, and
        opens the trigger's log file for a cache hint (``posix_fadvise``), on *every* call,
        even one filtered out at DEBUG: with a thousand triggers polling, that is file I/O on
        the event loop every poll. Bound once, a filtered call costs nothing.
        """
        log = self.log
        bind = getattr(log, "bind", None)  # a structlog proxy or logger; the stdlib's has none
        return bind() if callable(bind) else log

    def hook(self) -> ActiveCampaignAsyncHook:
        return ActiveCampaignAsyncHook(self.activecampaign_conn_id, retries=self.retries,
                                       timeout=self.request_timeout, retry_backoff=self.retry_backoff)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        yield TriggerEvent(await self.wait())

    async def wait(self) -> dict[str, Any]:
        """Poll until done; the event's JSON payload (failures included, as an error payload)."""
        raise NotImplementedError
