"""A real Airflow (dag-processor, scheduler, triggerer) in a throw-away home, for change-stream tests and benchmarks.

:class:`LiveAirflow` migrates a SQLite metadata database, writes the given DAG files and
starts the three processes with the emulator's connection in the environment; the
triggerer can be SIGKILLed and started again. Asset events are read from the database.
With ``run_tasks=True`` an api-server (its execution API only) starts too and the scheduler's
LocalExecutor runs the tasks, so a deferred task resumes on a worker after its trigger fired.
``triggerers=N`` runs N triggerers side by side (high availability), named ``triggerer``,
``triggerer#2``...
``database_url`` puts the metadata database elsewhere (a PostgreSQL server from
:mod:`tests.triggers.live_postgres`, read through psycopg2); by default it is SQLite in the home.
The home (the processes' logs among it) is deleted at exit, unless the environment variable
``BENCH_KEEP`` names a directory to move it to (kept for a benchmark run's diagnosis).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROCESSES = ("dag-processor", "scheduler", "triggerer")
#: Serves :meth:`LiveAirflow.rest`: one request per line of stdin, one ``REPLY`` line of stdout each.
REST_CLIENT = """
import json, sys
from fastapi.testclient import TestClient
from airflow.api_fastapi.app import create_app
client = TestClient(create_app())
for line in sys.stdin:
    method, path, body = json.loads(line)
    reply = client.request(method, path, json=body)
    print("REPLY", json.dumps([reply.status_code, reply.json() if reply.content else None]), flush=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveAirflow:
    """Airflow's processes on a SQLite database in a temporary home (use as a context manager)."""

    def __init__(self, dags: dict[str, str], connection_json: str, *, extra_env: dict[str, str] | None = None,
                 run_tasks: bool = False, triggerers: int = 1, database_url: str | None = None) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="ac-live-airflow-"))
        (self.home / "dags").mkdir()
        for name, text in dags.items():
            (self.home / "dags" / f"{name}.py").write_text(text)
        self.db = self.home / "airflow.db"
        self.database_url = database_url
        self.env = {**os.environ, "AIRFLOW_HOME": str(self.home), "AIRFLOW__CORE__DAGS_FOLDER": str(self.home / "dags"),
                    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": database_url or f"sqlite:///{self.db}",
                    "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
                    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "2",
                    "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "2",
                    "AIRFLOW__TRIGGERER__SHARED_STREAM_COHORT_GRACE_PERIOD": "2",
                    # a killed triggerer's triggers go to the next one after 10 s, not 30
                    "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "2",
                    "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": "10",
                    "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
                    # log servers on free ports: other Airflows on this machine keep theirs
                    "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                    "AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT": connection_json, **(extra_env or {})}
        self.env.pop("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", None)
        self.processes: tuple[str, ...] = PROCESSES
        self.args: dict[str, list[str]] = {}
        if run_tasks:
            port = free_port()
            self.processes = ("api-server", *PROCESSES)
            self.args["api-server"] = ["--apps", "execution", "--host", "127.0.0.1", "--port", str(port),
                                       "--workers", "1"]
            self.env.update({"AIRFLOW__CORE__EXECUTOR": "LocalExecutor", "AIRFLOW__CORE__PARALLELISM": "2",
                             "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
                             "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
                             "AIRFLOW__API_AUTH__JWT_SECRET": os.urandom(16).hex()})
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.api: subprocess.Popen[str] | None = None
        self.triggerers = ["triggerer", *(f"triggerer#{k}" for k in range(2, triggerers + 1))]
        self.kills = 0

    def __enter__(self) -> LiveAirflow:
        subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=self.env, check=True,
                       capture_output=True)
        for name in (*self.processes[:-1], *self.triggerers):
            self.start(name)
        return self

    def __exit__(self, *exc: object) -> None:
        for name in list(self.procs):
            self.stop(name)
        if self.api is not None:
            try:
                self.api.communicate(timeout=30)  # stdin closed: it ends
            except subprocess.TimeoutExpired:
                self.api.kill()
                self.api.communicate()
        keep = os.environ.get("BENCH_KEEP")
        if keep:
            shutil.move(str(self.home), keep)
            print(f"Airflow home and logs kept in {keep}")
        else:
            shutil.rmtree(self.home, ignore_errors=True)

    def start(self, name: str) -> None:
        log = (self.home / f"{name.replace('#', '-')}.log").open("ab")
        env = self.env  # a second triggerer serves its logs on a port of its own
        if "#" in name:
            env = {**env, "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port())}
        command = [sys.executable, "-m", "airflow", name.split("#")[0], *self.args.get(name, [])]
        self.procs[name] = subprocess.Popen(command, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        try:
            os.killpg(proc.pid, sig)  # the process and the children it started (its own session)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def kill_triggerer(self, name: str = "triggerer") -> None:
        """SIGKILL a triggerer (and its children) and start a new one."""
        self.stop(name, signal.SIGKILL)
        self.kills += 1
        self.start(name)

    def log(self, name: str) -> str:
        path = self.home / f"{name.replace('#', '-')}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Rows of a read-only query (``?`` placeholders); [] while a table is not made yet or the database busy."""
        if self.database_url:
            return self._query_postgres(sql, args)
        if not self.db.exists():
            return []
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10) as conn:
            try:
                return conn.execute(sql, args).fetchall()
            except sqlite3.OperationalError:  # a table not made yet, or the database busy
                return []

    def _query_postgres(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        import psycopg2

        assert self.database_url is not None
        try:
            conn = psycopg2.connect(self.database_url.replace("postgresql+psycopg2://", "postgresql://"))
        except psycopg2.OperationalError:
            return []
        try:
            with conn.cursor() as cursor:
                if args:  # psycopg2's placeholders are %s, and a literal % (LIKE 'x%') is then %%
                    cursor.execute(sql.replace("%", "%%").replace("?", "%s"), args)
                else:
                    cursor.execute(sql)
                return cursor.fetchall()
        except psycopg2.Error:
            return []
        finally:
            conn.close()

    def has_table(self, name: str) -> bool:
        """True once the metadata database has the table."""
        if self.database_url:
            return bool(self.query("SELECT 1 FROM information_schema.tables WHERE table_name = ?", name))
        return bool(self.query("SELECT name FROM sqlite_master WHERE name = ?", name))

    def asset_events(self) -> list[tuple[str, dict[str, Any], str]]:
        """(asset uri, the change (the trigger's payload), timestamp) of every asset event so far."""
        rows = self.query("SELECT a.uri, e.extra, e.timestamp FROM asset_event e JOIN asset a ON a.id = e.asset_id "
                          "ORDER BY e.id")
        out = []
        for uri, extra, ts in rows:
            data = json.loads(extra) if isinstance(extra, str) else (extra or {})
            out.append((uri, data.get("payload", data) if isinstance(data, dict) else {}, ts))
        return out

    def rest(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Call Airflow's public REST API: its app in one process of its own, every user an admin."""
        if self.api is None:
            env = {**self.env, "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True"}
            self.api = subprocess.Popen([sys.executable, "-c", REST_CLIENT], env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.api.stdin is not None and self.api.stdout is not None
        self.api.stdin.write(json.dumps([method, path, body]) + "\n")
        self.api.stdin.flush()
        while not (line := self.api.stdout.readline()).startswith("REPLY "):  # the app may log to stdout too
            if not line:
                raise AssertionError("Airflow's REST API app ended")
        status, reply = json.loads(line[len("REPLY "):])
        return status, reply

    def wait(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise AssertionError(f"airflow {name} exited: {self.log(name)[-3000:]}")
            if time.monotonic() > deadline:
                variables = self.query("SELECT key FROM variable")
                raise AssertionError(f"{what}: not within {timeout} s; variables {variables}"
                                     f"; triggerer log:\n{self.log('triggerer')[-6000:]}")
            time.sleep(0.5)
