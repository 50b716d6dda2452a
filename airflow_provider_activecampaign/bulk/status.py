"""The bulk import API's words: its paths, its per-minute limit, its refusals and its import status.

Shared by the operator (sync hook) and the trigger (async hook).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError, ActiveCampaignReplyError

BULK_PATH = "import/bulk_import"
INFO_PATH = "import/info"
MAX_BATCH = 250
IMPORTS_PER_MINUTE = 100
DONE = "completed"
FAILED_REASON = "ActiveCampaign did not import this contact (the import lists failures by e-mail, without a reason)"


@dataclass(frozen=True)
class ImportWindow:
    """At most ``limit`` imports in any ``seconds`` (a sliding window over the times imports were accepted).

    The times are those of the replies (on or after the API counted the import), kept in
    the checkpoint, so the window holds across deferrals and retries on any worker.
    ``retry_after`` is the wait after the API refused an import for the limit anyway
    (another task or integration of the account imports too).
    """

    limit: int = IMPORTS_PER_MINUTE
    seconds: float = 60.0

    @property
    def retry_after(self) -> float:
        return self.seconds / 6

    def recent(self, times: list[float], now: float) -> list[float]:
        """The times still inside the window."""
        return [t for t in times if now - t < self.seconds]

    def wait(self, times: list[float], now: float) -> float:
        """Seconds until one more import fits in the window."""
        inside = sorted(self.recent(times, now))
        if len(inside) < self.limit:
            return 0.0
        return max(0.0, inside[len(inside) - self.limit] + self.seconds - now)


def rate_limited(error: ActiveCampaignApiError) -> bool:
    """The API's 400 for more than 100 imports a minute (it does not answer 429 for this)."""
    text = " ".join([error.message, *(str(e.get("reason", "")) for e in error.errors)]).lower()
    return error.status == 400 and ("rate limit" in text or "imports may be requested" in text)


def contact_reasons(error: ActiveCampaignApiError) -> dict[int, str]:
    """For a request refused whole: ``{index of the contact in the request: ActiveCampaign's reason}``."""
    if error.status != 400:
        return {}
    return {int(e["contact"]): str(e.get("reason")) for e in error.errors
            if isinstance(e.get("contact"), int) or str(e.get("contact", "")).isdigit()}


def read_status(reply: Any, batch_id: str) -> tuple[bool, list[str]]:
    """``(finished, e-mails that failed)`` from ``GET /import/info``; raises for a reply not as the API promises."""
    if not isinstance(reply, Mapping) or not isinstance(reply.get("status"), str):
        raise _broken(batch_id, "it has no status")
    if reply["status"] != DONE:
        return False, []
    success, failure = reply.get("success"), reply.get("failure")
    if not isinstance(success, list) or not isinstance(failure, list):
        raise _broken(batch_id, "a completed import lists no 'success' and 'failure'")
    if not all(isinstance(email, str) for email in failure):
        raise _broken(batch_id, "'failure' is not a list of e-mail addresses")
    return True, list(failure)


def _broken(batch_id: str, why: str) -> ActiveCampaignReplyError:
    return ActiveCampaignReplyError("GET", f"/api/3/{INFO_PATH}?batchId={batch_id}", 200,
                                    f"the reply is not what the API promises: {why}")


def info_call(core: Any, batch_id: str) -> Any:
    """The prepared ``GET /import/info?batchId=...`` (for either hook's ``send``)."""
    return core.v3("GET", INFO_PATH, params={"batchId": batch_id}, expect="status")
