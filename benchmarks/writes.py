"""Writes benchmark: duplicates left by Airflow re-runs of creates whose reply was lost.

200 creates (deals and deal notes, alternately) against the emulator; 20 % of them meet a
post-send fault: the server processes the POST, then the reply is lost (connection dropped,
502 or 504). Half of those also meet a failing look-up (400) in the same attempt. A task that
fails is run again as Airflow would (``try_number`` 2, then 3), with the run's start date.

Printed side by side: the old behaviour (the POST alone: a failed attempt is simply sent again)
and the new one (a retried or may-have-been-processed create looks for its record first):
duplicates created (goal 0), creates lost, tasks that still failed after 3 tries, and requests.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter
from types import SimpleNamespace
from typing import Any

from _common import isolated_airflow, machine, table

WRITES = 200
FAULT_SHARE = 0.2
TRIES = 3
API_KEY = "bench-writes-key-0123456789"


def _old_create_once(post: Any, find: Any, **kwargs: Any) -> Any:
    """The old behaviour: send the POST, whatever happened before."""
    return post()


def run(behaviour: str, seed: int) -> list[str]:
    import pendulum

    import airflow_provider_activecampaign.operators.deals as deals
    import airflow_provider_activecampaign.operators.generic as generic
    from airflow_provider_activecampaign.exceptions import ActiveCampaignError
    from airflow_provider_activecampaign.operators import (
        ActiveCampaignCreateDealNoteOperator,
        ActiveCampaignCreateDealOperator,
    )
    from airflow_provider_activecampaign.operators.retry_safe import create_once
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    chosen = _old_create_once if behaviour == "old" else create_once
    generic.create_once, deals.create_once = chosen, chosen  # type: ignore[assignment]
    rng = random.Random(seed)
    faults = reruns = failed = 0
    with ActiveCampaignEmulator(api_key=API_KEY) as emu:
        conn = json.loads(emu.connection_json())
        conn["extra"].update(requests_per_second=0, retries=3)
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
        emu.insert("contacts", id="1", email="ada@example.com")
        emu.insert("deals", id="1", title="Parent", contact="1", value="0", currency="usd", group="1", stage="1")
        started = pendulum.now("UTC")
        for n in range(WRITES):
            if n % 2:
                make, post, lookup = (lambda t, n=n: ActiveCampaignCreateDealNoteOperator(
                    task_id=t, deal_id=1, note=f"note {n}"), "deals/1/notes", "deals/1/notes")
            else:
                make, post, lookup = (lambda t, n=n: ActiveCampaignCreateDealOperator(
                    task_id=t, title=f"deal {n}", value=100, currency="usd", contact_id=1, pipeline_id=1),
                    "deals", "deals")
            if rng.random() < FAULT_SHARE:
                faults += 1
                emu.inject_fault(method="POST", path=post, after_processing=True,
                                 **rng.choice([{"drop": True}, {"status": 502}, {"status": 504}]))
                if rng.random() < 0.5:
                    emu.inject_fault(method="GET", path=lookup, status=400)
            for attempt in range(1, TRIES + 1):
                context = {"ti": SimpleNamespace(try_number=attempt), "dag_run": SimpleNamespace(start_date=started)}
                try:
                    make(f"write_{n}").execute(context=context)
                    break
                except ActiveCampaignError:
                    if attempt == TRIES:
                        failed += 1
                    else:
                        reruns += 1
        made = Counter([d["title"] for d in emu.records("deals")] + [x["note"] for x in emu.records("notes")])
        wanted = [f"deal {n}" if n % 2 == 0 else f"note {n}" for n in range(WRITES)]
        duplicates = sum(max(0, made[name] - 1) for name in wanted)
        lost = sum(1 for name in wanted if made[name] == 0)
        return [behaviour, str(WRITES), str(faults), str(reruns), str(duplicates), str(lost), str(failed),
                str(len(emu.requests))]


def main() -> int:
    started = time.perf_counter()
    isolated_airflow("CRITICAL")
    print(machine("Writes"))
    print(f"{WRITES} creates (deals and deal notes), {FAULT_SHARE:.0%} with a post-send fault "
          f"(dropped / 502 / 504 after processing), failed tasks re-run up to {TRIES} tries\n")
    rows = [run("old", seed=10), run("new", seed=10)]
    print(table(["behaviour", "writes", "faults", "re-runs", "duplicates", "lost", "failed tasks", "requests"], rows))
    print(f"\n(total {time.perf_counter() - started:.1f} s)")
    return 0 if rows[1][4] == "0" else 1


if __name__ == "__main__":
    sys.exit(main())
