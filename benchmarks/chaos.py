"""Chaos benchmark: 10,000-record exports of contacts and deals while the server misbehaves.

For each resource and seed, the emulator faults 10 % of the requests (5xx, 429 with Retry-After,
connection resets, slow replies, truncated and non-JSON bodies, all kinds equally likely) and
deletes and edits records between pages. Measured, side by side:

* new: ``ActiveCampaignListOperator(output_path=...)`` (keyset for contacts; offset in id order
  with a verified overlap for deals; written through part files);
* old: the paging this provider shipped before (offset, or keyset for contacts, a set of seen
  ids, stopping at the first short page), on today's transport (so broken replies are retried).

Lost = records that existed for the whole read and are missing from the file; duplicated = ids
written more than once. Figures only, no asserts. The rate limit is off; ``BENCH_RECORDS``
changes the size (default 10,000), ``BENCH_SEEDS`` the number of seeds (default 3).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import isolated_airflow, machine, table

N_RECORDS = int(os.environ.get("BENCH_RECORDS", "10000"))
SEEDS = range(1, int(os.environ.get("BENCH_SEEDS", "3")) + 1)
FAULT_RATE = 0.10
API_KEY = "bench-chaos-key-0123456789"
RESOURCES = {"contacts": "contact", "deals": "deal"}


def fill(emu: Any, plural: str) -> set[str]:
    for i in range(N_RECORDS):
        if plural == "contacts":
            emu.insert("contacts", email=f"c{i:06d}@example.com", firstName=f"First{i}")
        else:
            emu.insert("deals", title=f"Deal {i}", value=str(i), currency="usd")
    return set(emu.ids(plural))


def old_read(hook: Any, plural: str, keyset: bool, out: Path) -> None:
    """The old paging: offset (or keyset), de-duplicated by a set of ids, ending on a short page."""
    seen: set[str] = set()
    offset, last = 0, None
    with out.open("w") as file:
        while True:
            params: dict[str, Any] = {"limit": 100}
            if keyset:
                params.update({"orders[id]": "ASC", **({"id_greater": last} if last else {})})
            else:
                params["offset"] = offset
            page = hook.request("GET", plural, params=params).get(plural) or []
            offset += len(page)
            for record in page:
                if record["id"] not in seen:
                    seen.add(record["id"])
                    last = record["id"]
                    file.write(json.dumps(record) + "\n")
            if len(page) < 100:
                return


def new_read(plural: str, out: Path) -> None:
    from airflow_provider_activecampaign.operators import ActiveCampaignListOperator

    ActiveCampaignListOperator(task_id="export", resource=RESOURCES[plural], output_path=str(out)).execute({})


def one_run(emu: Any, plural: str, seed: int, way: str, folder: Path) -> list[str]:
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook
    from airflow_provider_activecampaign.testing.emulator.chaos import Churn

    emu.reset()
    before = fill(emu, plural)
    churn = Churn(plural, rate=0.5, seed=seed, deletes=2, edits=2)
    emu.on_request(churn)
    chaos = emu.chaos(FAULT_RATE, seed=seed)
    out = folder / f"{plural}-{seed}-{way}.jsonl"
    started = time.perf_counter()
    error = ""
    try:
        if way == "new":
            new_read(plural, out)
        else:
            old_read(ActiveCampaignHook(), plural, plural == "contacts", out)
    except Exception as failure:  # a clear error is a result too
        error = type(failure).__name__
    elapsed = time.perf_counter() - started
    emu.on_request(None)
    emu.chaos(0, seed=0)
    got = [json.loads(line)["id"] for line in out.read_text().splitlines()] if out.exists() else []
    lost = len((before - set(churn.deleted)) - set(got))
    faulted = sum(chaos.counts.values())
    return [f"{plural} seed {seed}", way, str(len(emu.requests)), str(faulted), str(len(churn.deleted)),
            str(len(churn.edited)), str(lost), str(len(got) - len(set(got))), f"{elapsed:.1f}", error or "-"]


def main() -> None:
    isolated_airflow("WARNING")
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    logging.getLogger("airflow_provider_activecampaign").setLevel(logging.ERROR)  # retries are expected here

    print(machine("Chaos"))
    print(f"{N_RECORDS:,} records a read, {FAULT_RATE:.0%} of requests faulted, records deleted and edited "
          f"between pages (half the requests: 2 deletes, 2 edits), seeds {list(SEEDS)}\n")
    rows = []
    with ActiveCampaignEmulator(api_key=API_KEY) as emu, tempfile.TemporaryDirectory() as folder:
        conn = json.loads(emu.connection_json())
        conn["extra"].update({"requests_per_second": 0, "retries": 8})
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
        for plural in RESOURCES:
            for seed in SEEDS:
                for way in ("old", "new"):
                    rows.append(one_run(emu, plural, seed, way, Path(folder)))
                    print("  " + " ".join(rows[-1]), file=sys.stderr)
    print(table(["read", "paging", "requests", "faulted", "deleted", "edited", "lost", "duplicated",
                 "wall s", "error"], rows))


if __name__ == "__main__":
    main()
