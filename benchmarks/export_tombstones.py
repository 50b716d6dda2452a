"""Incremental export with tombstones: what a reconciliation costs, in requests and state size.

For N records of two resources (contacts: a date filter, keyset pages; calendars: no date
filter, offset pages in id order re-reading one record a page), an export with
``tombstones=True`` runs once, 1 % of the records are deleted, it runs again, then once more
with ``tombstones`` off. Reported per resource: pages read by each run, the reconciliation's
extra requests per 100k records, tombstone rows and the state object's size. ``BENCH_TOMBSTONE_RECORDS``
changes N (default 10,000; 100,000 takes about a minute).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from _common import isolated_airflow, machine, table

N = int(os.environ.get("BENCH_TOMBSTONE_RECORDS", "10000"))
API_KEY = "bench-tombstones-key-0123456789"


def measure(emulator: Any, resource: str, plural: str, folder: Path, fields: Callable[[int, str], dict]) -> list[str]:
    from airflow_provider_activecampaign.operators import ActiveCampaignIncrementalExportOperator

    start = datetime.now(timezone.utc) - timedelta(days=2)  # one second apart: a later run reads few
    ids = [emulator.insert(plural, **fields(n, (start + timedelta(seconds=n)).isoformat()))["id"] for n in range(N)]

    def export(run_id: str, tombstones: bool) -> tuple[dict, int]:
        emulator.clear_requests()
        result = ActiveCampaignIncrementalExportOperator(
            task_id="export", resource=resource, output_path=str(folder / f"{resource}-{run_id}.jsonl"),
            state_path=str(folder / f"{resource}.state.json"), tombstones=tombstones).execute({"run_id": run_id})
        return result, sum(1 for r in emulator.requests if r.path == f"/api/3/{plural}" and "orders[id]" in r.query)

    _, first = export("first", True)
    for rid in ids[::100]:
        emulator.delete(plural, rid)
    result, on = export("second", True)
    state = (folder / f"{resource}.state.json").stat().st_size
    _, off = export("third", False)  # no change since: the same records read
    rows = [json.loads(line) for line in Path(result["path"]).read_text().splitlines()]
    return [plural, f"{N:,}", str(first), str(off), str(on), f"{round((on - off) * 100_000 / N):,}",
            str(sum(1 for r in rows if r.get("tombstone") is True)), f"{state:,} B"]


def main() -> None:
    isolated_airflow("ERROR")
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    rows = []
    with ActiveCampaignEmulator(api_key=API_KEY) as emulator, tempfile.TemporaryDirectory() as folder:
        conn = json.loads(emulator.connection_json())
        conn["extra"].update({"requests_per_second": 0})
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
        rows.append(measure(emulator, "contact", "contacts", Path(folder),
                            lambda n, at: {"email": f"c{n}@example.com", "cdate": at, "udate": at}))
        rows.append(measure(emulator, "calendar", "calendars", Path(folder),
                            lambda n, at: {"title": f"cal {n}", "type": "All", "cdate": at, "mdate": at}))
    print(machine("Export tombstones"))
    print(table(["resource", "records", "1st run (on)", "later run, off", "later run, on",
                 "extra per 100k", "tombstones", "state"], rows))


if __name__ == "__main__":
    main()
