"""`make demo`: run the example DAGs in real Airflow against the ActiveCampaign emulator.

Starts the emulator (demo data, ActiveCampaign's 5 requests/second limit enforced) on a free
port, points the ``activecampaign_default`` connection at it, runs each example DAG with
``airflow dags test`` (a real Airflow, in a subprocess), prints what the DAGs did as the
emulator saw it, and stops the emulator. Exits non-zero if any DAG run or step fails.

The Watch DAG runs first, while its window holds no deal: its sensor checks once, defers to
the triggerer, and the demo creates two deals through the API only after that first check,
so the trigger is what finds them.

Then webhooks: this process serves the webhook receiver (the plugin's app, mounted at
``/activecampaign`` as the API server mounts it) with a fresh token, the setup DAG registers
the webhook in the emulator, a deal created through the API is delivered to the receiver and
recorded as an asset event in the demo's metadata DB, which queues ``example_activecampaign_events``;
the demo then runs that DAG on the event (``dag.test()``, standing in for the scheduler's run).

Last, change events: a real ``airflow triggerer`` runs the change-events example's AssetWatcher
(polling every 2 s here), the demo changes one deal and creates another through the API, each
becomes one asset event with its ``change_key``, and the example DAG runs on those events.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demo-output"
DAGS = ["example_activecampaign_watch", "example_activecampaign_crm", "example_activecampaign_export"]
# Tomorrow (UTC): the Watch DAG's first run then watches the day up to it, which holds "now".
LOGICAL_DATE = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d")
API_KEY = "demo-api-key-0123456789"
#: The webhook receiver's token: fresh each run, never printed (the demo checks Airflow's output for it).
WEBHOOK_TOKEN = secrets.token_urlsafe(24)
#: Airflow's configuration, for the subprocesses and for this process (which imports Airflow for the webhooks).
AIRFLOW_ENV = {
    "AIRFLOW_HOME": str(OUT / "airflow-home"),
    "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{OUT / 'airflow-home' / 'airflow.db'}",
}
EVENTS_DAG = "example_activecampaign_events"
SETUP_DAG = "example_activecampaign_events_setup"
DEAL_ADD_ASSET = "activecampaign_default_deal_add"
CHANGES_DAG = "example_activecampaign_change_events"
CHANGES_ASSET = "activecampaign://myaccount/deals"  # the example's asset (its name is its URI)
SHOWN = ("Exported", "New deal", "DEFERRED", "deferred", "Wrote ", "ERROR", "Traceback", "marked as",
         "Created ", "Updated ", "Unchanged ", "Deleted ", "Synced ", "ActiveCampaign webhook")
#: Shown lines are wrapped (never cut) at this width, continuation lines indented under the first.
WIDTH = 160


class StepFailed(Exception):
    """A demo step did not do what it should (the message says what)."""


def main() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "airflow-home").mkdir(parents=True)
    # Before anything imports airflow here: this process records the webhook's asset events and runs
    # the events DAG, in the demo's Airflow home and database.
    os.environ.update(AIRFLOW_ENV)
    env = {
        **os.environ,
        "AIRFLOW_VAR_ACTIVECAMPAIGN_EXPORT_URL": str(OUT / "export"),
        "AIRFLOW_VAR_ACTIVECAMPAIGN_WATCH_URL": str(OUT / "watch"),
        "ACTIVECAMPAIGN_WATCH_POKE_INTERVAL": "2",  # the example polls every 5 minutes
    }
    started = time.monotonic()
    with ActiveCampaignEmulator(api_key=API_KEY, seed="demo", rate_limit=5) as emulator:
        print(f"emulator: {emulator.url} (demo data, 5 requests/s per account enforced)")
        env["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(
            {"conn_type": "activecampaign", "host": emulator.url, "password": API_KEY, "extra": {"allow_http": True}}
        )
        before = snapshot(emulator)
        failed = []
        if run([sys.executable, "-m", "airflow", "db", "migrate"], env, quiet=True):
            print("--> airflow db migrate: FAILED")
            failed.append("db migrate")
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

        print("\n=== what the DAGs did (records in the emulator, before -> after)")
        for name in after:
            print(f"  {name:<12} {before[name]:>4} -> {after[name]:>4}")
        for line in crm_story(emulator):
            print(f"  {line}")
        for path in sorted(OUT.rglob("*.jsonl")):
            print(f"  {len(path.read_text().splitlines()):>4} records in {path.relative_to(ROOT)}")
        print(f"  {sum(statuses.values())} API requests; replies by status: {dict(sorted(statuses.items()))}"
              " (no 429: the client-side limiter kept to the account's rate)")

        try:
            webhooks_demo(emulator, env)
        except Exception as exc:  # any failure of the webhook part fails the demo
            with (OUT / "logs.txt").open("a") as log:
                log.write(traceback.format_exc().replace(WEBHOOK_TOKEN, "***"))
            reason = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
            print(f"--> webhooks: FAILED ({reason.replace(WEBHOOK_TOKEN, '***')}; traceback in logs.txt)")
            failed.append("webhooks")

        try:
            changes_demo(emulator, env)
        except Exception as exc:  # any failure of the change-events part fails the demo
            with (OUT / "logs.txt").open("a") as log:
                log.write(traceback.format_exc())
            reason = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
            print(f"--> change events: FAILED ({reason}; traceback in logs.txt)")
            failed.append("change events")

    print(f"\ndemo took {time.monotonic() - started:.1f} s; Airflow's logs in {(OUT / 'logs.txt').relative_to(ROOT)}")
    return 1 if failed else 0


# ------------------------------------------------------------------------------------------ webhooks


def webhooks_demo(emulator: ActiveCampaignEmulator, env: dict[str, str]) -> None:
    """Setup DAG registers the webhook; a new deal is delivered, recorded as an asset event, queues the DAG."""
    print(f"\n=== webhooks: a deal created in ActiveCampaign triggers {EVENTS_DAG}")
    # The asset exists once a DAG using it is in the metadata DB; the receiver refuses events before that.
    if run([sys.executable, "-m", "airflow", "dags", "reserialize"], env, quiet=True):
        raise StepFailed("airflow dags reserialize failed")
    with airflow_output_in_this_process("unpause"):  # the first import of Airflow in this process
        unpause(EVENTS_DAG)  # as in the UI: the asset queues runs of unpaused DAGs only
    print(f"  airflow dags reserialize: asset {DEAL_ADD_ASSET} is in the metadata DB; {EVENTS_DAG} unpaused")

    os.environ["AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN"] = WEBHOOK_TOKEN  # [activecampaign] webhook_token
    with airflow_output_in_this_process("receiver start"):
        from airflow_provider_activecampaign.testing.webhooks import WebhookReceiver

        receiver = WebhookReceiver(log_level="warning").start()
    try:
        with airflow_output_in_this_process("receiver health"):
            health = httpx.get(f"{receiver.url}/activecampaign/health", timeout=10).json()
        print(f"  receiver: {receiver.url}/activecampaign/webhooks/<account> (the plugin's app under uvicorn); "
              f"health {health}")
        if health != {"status": "ok", "token_configured": True}:
            raise StepFailed(f"the receiver is not ready: {health}")

        print(f"\n=== airflow dags test {SETUP_DAG} {LOGICAL_DATE}")
        setup_env = {**env, "AIRFLOW_VAR_ACTIVECAMPAIGN_WEBHOOK_BASE_URL": receiver.url,
                     "AIRFLOW_VAR_ACTIVECAMPAIGN_WEBHOOK_TOKEN": WEBHOOK_TOKEN}
        code = run([sys.executable, "-m", "airflow", "dags", "test", SETUP_DAG, LOGICAL_DATE], setup_env)
        print(f"--> {SETUP_DAG}: {'success' if code == 0 else f'FAILED (exit {code})'}")
        if code:
            raise StepFailed(f"{SETUP_DAG} failed")
        expected_url = f"{receiver.url}/activecampaign/webhooks/default?token={WEBHOOK_TOKEN}"
        hooks = [w for w in emulator.records("webhooks") if w["url"] == expected_url]
        if len(hooks) != 1:
            raise StepFailed(f"expected one webhook to the receiver in the emulator, found {len(hooks)}")
        print(f"  webhook {hooks[0]['id']} {hooks[0]['name']!r} in the emulator: events {hooks[0]['events']} -> "
              f"{expected_url.replace(WEBHOOK_TOKEN, '***')}")

        print("\n=== a deal created through the API is delivered to the receiver")
        delivered, last_event = len(emulator.deliveries), last_event_id(DEAL_ADD_ASSET)
        print("  (demo) creating a deal through the API; the receiver logs what it records:")
        with airflow_output_in_this_process("receiver"):
            with httpx.Client(base_url=emulator.url + "/api/3", headers={"Api-Token": API_KEY}, timeout=10) as api:
                deal = api.post("/deals", json={"deal": {
                    "title": "Webhook demo deal", "value": 129900, "currency": "usd",
                    "group": "1", "stage": "1", "owner": "1", "contact": "1"}}).raise_for_status().json()["deal"]
            arrived = emulator.wait_for_deliveries(delivered + 1, timeout=15)
        if not arrived:
            raise StepFailed("the emulator made no webhook delivery within 15 s")
        delivery = emulator.deliveries[delivered]
        path = delivery["url"].split("?")[0].removeprefix(receiver.url)
        print(f"  deal {deal['id']} {deal['title']!r} created; the emulator POSTed {delivery['type']} to {path}: "
              f"{delivery.get('status', delivery.get('error'))}")
        if delivery.get("status") != 200:
            raise StepFailed(f"the receiver answered {delivery.get('status', delivery.get('error'))}")

        events = asset_events_after(DEAL_ADD_ASSET, last_event)
        if len(events) != 1 or events[0]["extra"]["payload"]["deal"]["id"] != str(deal["id"]):
            raise StepFailed(f"expected one asset event for deal {deal['id']}, found {len(events)}")
        event = events[0]
        extra, delivered_deal = event["extra"], event["extra"]["payload"]["deal"]
        print(f"  asset event {event['id']} on {DEAL_ADD_ASSET} (metadata DB): {extra['event_type']} of account "
              f"{extra['account']!r}, deal {delivered_deal['id']} {delivered_deal['title']!r} "
              f"{delivered_deal['value']} {delivered_deal['currency']}, initiated from {extra['initiated_from']!r}")
        queued = queued_dag_ids(DEAL_ADD_ASSET)
        print(f"  queued to run on it (asset_dag_run_queue, what the scheduler reads): {sorted(queued)}")
        if EVENTS_DAG not in queued:
            raise StepFailed(f"{EVENTS_DAG} is not queued on {DEAL_ADD_ASSET}")
    finally:
        receiver.stop()

    print(f"\n=== {EVENTS_DAG} on asset event {event['id']} (dag.test() in this process, "
          "as the scheduler's asset-triggered run)")
    with airflow_output_in_this_process(EVENTS_DAG):
        state, summary = run_consuming(EVENTS_DAG, "summarise_new_deals", [event["id"]])
    print(f"  summary (XCom of summarise_new_deals): {summary}")
    print(f"--> {EVENTS_DAG}: {state}")
    if state != "success" or [d["id"] for d in summary] != [str(deal["id"])]:
        raise StepFailed(f"{EVENTS_DAG} run {state}, summarised {[d['id'] for d in summary]}")

    log_lines = (OUT / "logs.txt").read_text().splitlines()
    leaks = [line for line in log_lines if WEBHOOK_TOKEN in line]
    if not leaks:
        print(f"  the webhook token appears in none of the {len(log_lines)} lines of Airflow's output (logs.txt)")
    elif all("[debug" in line and ("MaskSecret(" in line or "SetRenderedFields(" in line) for line in leaks):
        # Seen on Airflow 3.0.6: `airflow dags test` prints the task's supervisor messages at DEBUG, unmasked
        print(f"  note: the webhook token appears in {len(leaks)} DEBUG lines of Airflow's output: this Airflow's "
              "`airflow dags test` logs its task-supervisor messages (MaskSecret, SetRenderedFields) unmasked at DEBUG")
    else:
        raise StepFailed(f"the webhook token appears in {len(leaks)} lines of Airflow's output (demo-output/logs.txt)")


def unpause(dag_id: str) -> None:
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        if not session.execute(update(DagModel).where(DagModel.dag_id == dag_id).values(is_paused=False)).rowcount:
            raise StepFailed(f"{dag_id} is not in the metadata DB")


def last_event_id(asset_name: str) -> int:
    events = asset_events_after(asset_name, 0)
    return max((event["id"] for event in events), default=0)


def asset_events_after(asset_name: str, event_id: int) -> list[dict[str, Any]]:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(AssetEvent.id, AssetEvent.extra)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.name == asset_name, AssetEvent.id > event_id)
            .order_by(AssetEvent.id)
        ).all()
    return [{"id": row.id, "extra": row.extra} for row in rows]


def queued_dag_ids(asset_name: str) -> set[str]:
    from airflow.models.asset import AssetDagRunQueue, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return set(session.scalars(
            select(AssetDagRunQueue.target_dag_id)
            .join(AssetModel, AssetDagRunQueue.asset_id == AssetModel.id)
            .where(AssetModel.name == asset_name)
        ))


def run_consuming(dag_id: str, task_id: str, event_ids: list[int]) -> tuple[str, Any]:
    """Run an example DAG with ``dag.test()`` on these asset events; its state and the task's XCom."""
    spec = importlib.util.spec_from_file_location(f"_demo_{dag_id}", ROOT / "example_dags" / f"{dag_id}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from airflow_provider_activecampaign.testing.webhooks import dag_test_consumes

    with dag_test_consumes(event_ids):
        dag_run = module.dag.test()
    return str(dag_run.state), xcom(dag_id, dag_run.run_id, task_id) or []


def xcom(dag_id: str, run_id: str, task_id: str) -> Any:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        value = session.scalars(select(XComModel.value).where(
            XComModel.dag_id == dag_id, XComModel.run_id == run_id, XComModel.task_id == task_id,
            XComModel.key == "return_value")).one_or_none()
    return json.loads(value) if isinstance(value, str) else value


# ------------------------------------------------------------------------------------------ change events


def changes_demo(emulator: ActiveCampaignEmulator, env: dict[str, str]) -> None:
    """A real ``airflow triggerer`` runs the example's AssetWatcher: deals changed through the API are asset events."""
    print(f"\n=== change events: a real `airflow triggerer` turns deal changes into asset events ({CHANGES_DAG})")
    env = {**env, "ACTIVECAMPAIGN_CHANGE_POLL_INTERVAL": "2"}  # the example polls every 30 s
    with airflow_output_in_this_process("unpause changes"):
        unpause(CHANGES_DAG)  # Airflow runs the watchers of assets that unpaused DAGs are scheduled on
    if run([sys.executable, "-m", "airflow", "dags", "reserialize"], env, quiet=True):
        raise StepFailed("airflow dags reserialize failed")
    seen = len(emulator.requests)
    with triggerer_running(env):
        polls = wait_for(lambda: sum(r.path == "/api/3/deals" for r in emulator.requests[seen:]) >= 2, 120)
        if not polls:
            raise StepFailed("the triggerer did not poll the deals within 120 s (see demo-output/triggerer.log)")
        print("  airflow triggerer started: its stream polls the deals every 2 s, from now on")
        with httpx.Client(base_url=emulator.url + "/api/3", headers={"Api-Token": API_KEY}, timeout=10) as api:
            updated = api.put("/deals/1", json={"deal": {"title": "Renewal (changed in the demo)"}}).raise_for_status()
            created = api.post("/deals", json={"deal": {
                "title": "Change events demo deal", "value": 990, "currency": "usd",
                "group": "1", "stage": "1", "owner": "1", "contact": "1"}}).raise_for_status()
        ids = {updated.json()["deal"]["id"], created.json()["deal"]["id"]}
        print(f"  (demo) changed deal 1 and created deal {created.json()['deal']['id']} through the API")
        with airflow_output_in_this_process("change events"):
            found = wait_for(lambda: ids <= {e["extra"]["payload"]["id"] for e in asset_events_after(CHANGES_ASSET, 0)},
                             60)
    events = asset_events_after(CHANGES_ASSET, 0)
    for event in events:
        change = event["extra"]["payload"]
        print(f"  asset event {event['id']} on {CHANGES_ASSET}: deal {change['id']} {change['watch']} at "
              f"{change['stamp']}, change_key {change['change_key']}")
    if not found:
        raise StepFailed(f"expected asset events for deals {sorted(ids)} within 60 s, found {len(events)}")
    keys = [event["extra"]["payload"]["change_key"] for event in events]
    if len(set(keys)) != len(keys):
        raise StepFailed(f"a change was reported twice: {keys}")
    print(f"  airflow triggerer stopped; {stream_position()}")

    print(f"\n=== {CHANGES_DAG} on asset events {[e['id'] for e in events]} (dag.test() in this process, "
          "as the scheduler's asset-triggered run)")
    with airflow_output_in_this_process(CHANGES_DAG):
        state, reported = run_consuming(CHANGES_DAG, "report_changes", [event["id"] for event in events])
    print(f"  change keys (XCom of report_changes): {reported}")
    print(f"--> {CHANGES_DAG}: {state}")
    if state != "success" or sorted(reported) != sorted(keys):
        raise StepFailed(f"{CHANGES_DAG} run {state}, reported {reported}")


@contextlib.contextmanager
def triggerer_running(env: dict[str, str]) -> Iterator[None]:
    """``airflow triggerer`` in the demo's home for the block; its output is appended to logs.txt after."""
    log_path = OUT / "triggerer.log"
    with log_path.open("ab") as log:
        triggerer = subprocess.Popen(
            [sys.executable, "-m", "airflow", "triggerer"], stdout=log, stderr=subprocess.STDOUT,
            env={**env, "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port())}, start_new_session=True)
    try:
        yield
    finally:
        os.killpg(triggerer.pid, signal.SIGTERM)
        try:
            triggerer.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(triggerer.pid, signal.SIGKILL)
            triggerer.wait()
        with (OUT / "logs.txt").open("a") as out:
            out.write(f"--- airflow triggerer\n{log_path.read_text(errors='replace')}")
        log_path.unlink()


def stream_position() -> str:
    """Where the stream keeps its position: the asset's state store (Airflow 3.3+) or a Variable (before)."""
    from airflow.utils.session import create_session
    from sqlalchemy import inspect, text

    with create_session() as session:
        tables = [t for t in ("asset_state_store", "variable") if inspect(session.get_bind()).has_table(t)]
        for table in tables:
            keys = session.execute(text(f"SELECT key FROM {table} WHERE key LIKE 'activecampaign_changes__%' "
                                        "AND key NOT LIKE '%__holder'")).scalars().all()
            if keys:
                where = "the asset's state store" if table == "asset_state_store" else "a Variable"
                return f"the stream's position is kept in {where} ({keys[0]}), where a restarted triggerer goes on"
    return "no stream position found"


def wait_for(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------------------ the other DAGs


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
            for n, value in enumerate((25000, 4900)):  # back to back: two requests are within the rate
                client.post("/deals", json={"deal": {
                    "title": f"Demo deal {n + 1}", "value": value, "currency": "usd",
                    "group": "1", "stage": "1", "owner": "1", "contact": "1"}}).raise_for_status()
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
        show(proc.stdout)
    return proc.returncode


@contextlib.contextmanager
def airflow_output_in_this_process(label: str) -> Iterator[None]:
    """Send what this process writes meanwhile (Airflow's log lines) to logs.txt; show the notable ones after.

    Redirects the file descriptors, so it catches every handler and logger, however Airflow set them up.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile("w+") as captured:
        os.dup2(captured.fileno(), 1)
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            captured.seek(0)
            text = captured.read()
            with (OUT / "logs.txt").open("a") as log:
                log.write(f"--- in the demo process: {label}\n{text}")
            show(text)


def show(output: str) -> None:
    """Print the notable lines of Airflow's output whole: long ones wrap between words (a long word, such as a
    URL, stays on one line)."""
    for line in output.splitlines():
        if any(word in line for word in SHOWN):
            print(textwrap.fill(line.strip().replace(WEBHOOK_TOKEN, "***"), WIDTH, initial_indent="  ",
                                subsequent_indent="      ", break_long_words=False, break_on_hyphens=False))


if __name__ == "__main__":
    sys.exit(main())
