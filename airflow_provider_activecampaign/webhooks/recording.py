"""Recording a delivery durably: retried through short database outages, with a stable key per event.

ActiveCampaign never retries a delivery, so the receiver retries the recording itself (with
backoff, within ``[activecampaign] webhook_record_retry_seconds``) before it answers 5xx.
Every asset event carries ``delivery_key``: the same for the same event delivered twice, so
DAGs can de-duplicate across runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger("airflow_provider_activecampaign.webhooks")

#: Payload fields left out of ``delivery_key``: they may differ between two deliveries of one event.
VOLATILE_FIELDS = frozenset({"date_time"})
FIRST_DELAY = 0.1
MAX_DELAY = 2.0


def delivery_key(account: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 of the account, the event type and the payload without :data:`VOLATILE_FIELDS`."""
    stable = {key: value for key, value in payload.items() if key not in VOLATILE_FIELDS}
    text = json.dumps([account, payload.get("type"), stable], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def transient(error: BaseException) -> bool:
    """A database failure that may pass: lost or refused connection, lock, pool timeout."""
    try:
        from sqlalchemy import exc
    except ImportError:  # pragma: no cover - Airflow brings SQLAlchemy
        return False
    if isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)):
        return True
    return isinstance(error, exc.DBAPIError) and bool(getattr(error, "connection_invalidated", False))


def record_with_retry(record: Callable[[], int | None], *, budget: float, what: str,
                      sleep: Callable[[float], None] = time.sleep) -> int | None:
    """``record()``, retried with doubling delays while it fails transiently and ``budget`` seconds last."""
    deadline = time.monotonic() + budget
    delay, attempt = FIRST_DELAY, 1
    while True:
        try:
            return record()
        except Exception as error:
            left = deadline - time.monotonic()
            if not transient(error) or left <= 0:
                raise
            wait = min(delay, left)
            log.warning("Recording %s failed (attempt %d, %s); retrying in %.2f s", what, attempt,
                        type(error).__name__, wait)
            sleep(wait)
            delay, attempt = min(delay * 2, MAX_DELAY), attempt + 1
