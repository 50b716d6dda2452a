"""Recording a delivery durably: retried through short database outages, with a stable key per event.

ActiveCampaign never retries a delivery, so the receiver retries the recording itself (with
backoff, within ``[activecampaign] webhook_record_retry_seconds``) before it answers 5xx.
Every asset event carries ``delivery_key``: the same for the same event delivered twice, and
different for two events, so DAGs can de-duplicate across runs (rule: :func:`delivery_key`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

log = logging.getLogger("airflow_provider_activecampaign.webhooks")

FIRST_DELAY = 0.1
MAX_DELAY = 2.0


def _instant(value: Any) -> Any:
    """``date_time`` as the UTC instant it names (one event written with two offsets is one event);
    other values, and text that is no ISO 8601 date-time, as they are."""
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    return parsed.astimezone(timezone.utc).isoformat() if parsed.tzinfo else value


def delivery_key(account: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 of the account label and the whole payload, ``date_time`` (when the event happened) included.

    A re-delivery is the same event sent again: same fields, same values, same ``date_time``;
    the order of the form's fields and the offset ``date_time`` is written with do not count.
    Two events differ in ``date_time`` (a contact opening a campaign twice, a re-subscribe, a
    deal changed A->B->A) or in some other field. Not separated: two events identical in every
    field within the same ``date_time`` second, which no payload can tell apart.
    """
    canonical = {key: _instant(value) if key == "date_time" else value for key, value in payload.items()}
    text = json.dumps([account, canonical], sort_keys=True, separators=(",", ":"))
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
                      sleep: Callable[[float], None] = time.sleep,
                      clock: Callable[[], float] = time.monotonic) -> int | None:
    """``record()``, retried with doubling delays while it fails transiently.

    A retry starts only if it can end within ``budget`` seconds of the start, judging by how
    long the failed attempt took: so the reply comes within about ``budget``, not ``budget``
    plus a last slow attempt.
    """
    deadline = clock() + budget
    delay, attempt = FIRST_DELAY, 1
    while True:
        started = clock()
        try:
            return record()
        except Exception as error:
            now = clock()
            took = now - started
            wait = min(delay, max(deadline - now - took, 0.0))
            if not transient(error) or now + wait + took > deadline:
                raise
            log.warning("Recording %s failed (attempt %d, %s); retrying in %.2f s", what, attempt,
                        type(error).__name__, wait)
            sleep(wait)
            delay, attempt = min(delay * 2, MAX_DELAY), attempt + 1
