"""`make demo`: run the example DAGs in real Airflow against the ActiveCampaign emulator.

Starts the emulator (demo data, ActiveCampaign's 5 requests/second limit enforced) on a free
port, points the ``activecampaign_default`` connection at it, runs each example DAG with
``airflow dags test`` (a real Airflow, in a subprocess), prints what the DAGs did as the
emulator saw it, and stops the emulator. Exits non-zero if any DAG run fails.

The Watch DAG runs first, while its window holds no deal: its sensor checks once, defers to
the triggerer, and the demo creates two deals through the API only after that first check,
so the trigger is what finds them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demo-output"
DAGS = ["example_activecampaign_watch", "example_activecampaign_crm", "example_activecampaign_export"]
# Tomorrow (UTC): the Watch DAG's first run then watches the day up to it, which holds "now".
LOGICAL_DATE = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d")
API_KEY = "demo-api-key-0123456789"
SHOWN = ("Exported", "New deals", "DEFERRED", "deferred", "Wrote ", "ERROR", "Traceback", "marked as")


def main() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "airflow-home").mkdir(parents=True)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(OUT / "airflow-home"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{OUT / 'airflow-home' / 'airflow.db'}",
        "ACTIVECAMPAIGN_EXPORT_URL": str(OUT / "export"),
        "ACTIVECAMPAIGN_WATCH_URL": str(OUT / "watch"),
        "ACTIVECAMPAIGN_WATCH_POKE_INTERVAL": "2",  # the example polls every 5 minutes
    }
    started = time.monotonic()
    with ActiveCampaignEmulator(api_key=API_KEY, seed="demo", rate_limit=5) as emulator:
        print(f"emulator: {emulator.url} (demo data, 5 requests/s per account enforced)")
        env["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(
            {"conn_type": "activecampaign", "host": emulator.url, "password": API_KEY, "extra": {"allow_http": True}}
        )
        before = snapshot(emulator)
        run([sys.executable, "-m", "airflow", "db", "migrate"], env, quiet=True)
        failed = []
        for dag_id in DAGS:
            print(f"\n=== airflow dags test {dag_id} {LOGICAL_DATE}")
            feeder = feed_deals_after_first_check(emulator) if dag_id.endswith("_watch") else None
            code = run([sys.executable, "-m", "airflow", "dags", "test", dag_id, LOGICAL_DATE], env)
            if feeder is not None:
                feeder.join(timeout=5)
            print(f"--> {dag_id}: {'success' if code == 0 else f'FAILED (exit {code})'}")
            if code:
                failed.append(dag_id)
        after = snapshot(emulator)
        statuses = Counter(r.status for r in emulator.requests)
        crm = crm_story(emulator)

    print("\n=== what the DAGs did (records in the emulator, before -> after)")
    for name in after:
        print(f"  {name:<12} {before[name]:>4} -> {after[name]:>4}")
    for line in crm:
        print(f"  {line}")
    for path in sorted(OUT.rglob("*.jsonl")):
        print(f"  {len(path.read_text().splitlines()):>4} records in {path.relative_to(ROOT)}")
    print(f"  {sum(statuses.values())} API requests; replies by status: {dict(sorted(statuses.items()))}"
          " (no 429: the client-side limiter kept to the account's rate)")
    print(f"\ndemo took {time.monotonic() - started:.1f} s; Airflow's logs in {(OUT / 'logs.txt').relative_to(ROOT)}")
    return 1 if failed else 0


def feed_deals_after_first_check(emulator: ActiveCampaignEmulator) -> threading.Thread:
    """Once the sensor has looked at the deals (and found none), create two through the API."""

    def feed() -> None:
        deadline = time.monotonic() + 120
        while not any(r.path == "/api/3/deals" for r in emulator.requests):
            if time.monotonic() > deadline:
                return
            time.sleep(0.1)
        time.sleep(1)
        with httpx.Client(base_url=emulator.url + "/api/3", headers={"Api-Token": API_KEY}) as client:
            for n, value in enumerate((25000, 4900)):
                client.post("/deals", json={"deal": {
                    "title": f"Demo deal {n + 1}", "value": value, "currency": "usd",
                    "group": "1", "stage": "1", "owner": "1", "contact": "1"}}).raise_for_status()
                time.sleep(0.25)  # the account's rate limit applies to us too
        print("  (demo) created 2 deals while the sensor was deferred")

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def crm_story(emulator: ActiveCampaignEmulator) -> list[str]:
    """The CRM example's records, read back from the emulator."""
    deals = [d for d in emulator.records("deals") if d["title"].startswith("Subscription for ")]
    if not deals:
        return ["CRM flow: no deal found"]
    deal = deals[-1]
    contact = emulator.record("contacts", deal["contact"]) or {}
    tags = [emulator.record("tags", link["tag"])["tag"] for link in emulator.records("contactTags")
            if link["contact"] == contact.get("id")]
    tasks = [t["title"] for t in emulator.records("dealTasks") if t["relid"] == deal["id"]]
    notes = [n["note"] for n in emulator.records("notes") if n["relid"] == deal["id"]]
    return [f"CRM flow: contact {contact.get('email')} (id {contact.get('id')}) tagged {tags}",
            f"          deal {deal['id']} {deal['title']!r}: {int(deal['value']) / 100:.2f} "
            f"{deal['currency'].upper()}, stage {deal['stage']}; tasks {tasks}; notes {notes}"]


def snapshot(emulator: ActiveCampaignEmulator) -> dict[str, int]:
    return {name: len(emulator.records(name))
            for name in ("contacts", "tags", "contactTags", "deals", "dealTasks", "notes")}


def run(cmd: list[str], env: dict[str, str], *, quiet: bool = False) -> int:
    with (OUT / "logs.txt").open("a") as log:
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        log.write(proc.stdout)
    if not quiet:
        for line in proc.stdout.splitlines():
            if any(word in line for word in SHOWN):
                print("  " + line.strip()[:160])
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
