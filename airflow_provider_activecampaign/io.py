"""Where records go: XCom for a few, JSON Lines on a local path or object storage for many.

Shared by the list operators and the Watch sensors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

#: Above this many records a list operator without ``output_path`` warns that XCom is the wrong place.
XCOM_WARN_RECORDS = 1000


def deliver_records(records: Iterable[Any], output_path: str | None, *, log: Any, what: str) -> Any:
    """Return records for XCom, or stream them as JSON Lines to ``output_path`` and return path and count."""
    if not output_path:
        result = list(records)
        if len(result) > XCOM_WARN_RECORDS:
            log.warning("%d %s go to XCom; set output_path to write them to storage instead", len(result), what)
        log.info("Read %d %s", len(result), what)
        return result
    from airflow.providers.common.compat.sdk import ObjectStoragePath

    path = ObjectStoragePath(output_path)
    if "://" not in output_path:
        path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w") as out:
        for record in records:
            out.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
            count += 1
    log.info("Wrote %d %s to %s", count, what, output_path)
    return {"path": output_path, "count": count}
