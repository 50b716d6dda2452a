"""One run at a time changes a Watch watermark: a ticket per run, written before the others are read.

The Task SDK offers no compare-and-set on Variables, so the watermark's Variable is changed
only under a lock made of Variables with a single writer each. A run that wants to claim
a window:

1. writes its *ticket*, a Variable of its own (``<watermark key>__claim__<digest of run>``);
2. reads the other runs' tickets; if it finds a live one it deletes its own, waits a
   random while and tries again (a few times, then :class:`WatermarkBusy`, which the
   task's retry resolves);
3. otherwise it holds the lock: it reads the watermark, claims its window, and deletes
   its ticket.

Two runs can never both hold the lock: each writes before it reads, so of two runs the
one that reads last sees the other's ticket. Simultaneous runs may all back off once;
the random waits part them.

A ticket names its task instance (DAG, task, map index and run), so several tasks (in one
DAG or several) may share one ``watermark_key``. The tickets are found by listing the
Variables under the ticket prefix (``Variable.keys``, Airflow 3.3+). Airflow 3.0-3.2 cannot
list Variables: there every task that claims the key lists itself (DAG and task) in
``<watermark key>__tasks`` first (:class:`TaskList`), and a run reads the tickets of the
running instances of every task listed there (``ti.get_task_states``). A ticket is stale,
and ignored and removed, once its task instance no longer runs or after :data:`TICKET_LEASE`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import pendulum

from airflow_provider_activecampaign.exceptions import ActiveCampaignError
from airflow_provider_activecampaign.task_states import alive, holder, state_text

log = logging.getLogger(__name__)

#: A ticket older than this is stale whatever its task's state (a claim takes a second or two).
TICKET_LEASE = timedelta(minutes=5)


class WatermarkBusy(ActiveCampaignError):
    """Another run of the same sensor holds the watermark, or claims it at this moment (runs overlap)."""


def ticket_prefix(key: str) -> str:
    """The Variables holding the tickets of ``key``'s claims (two keys sharing 200 characters share a lock)."""
    return f"{key[:200]}__claim__"


def ticket_key(key: str, run_id: str, map_index: Any = -1, dag_id: Any = None, task_id: Any = None) -> str:
    """The ticket Variable of one task instance (a digest: run ids may be 250 characters long)."""
    digest = hashlib.sha256(f"{dag_id}|{task_id}|{run_id}|{map_index}".encode()).hexdigest()[:20]
    return ticket_prefix(key) + digest


def tasks_key(key: str) -> str:
    """Airflow 3.0-3.2: the Variable listing every task (DAG and task id) that claims ``key``."""
    return f"{key[:200]}__tasks"


def _variable() -> Any:
    from airflow.providers.common.compat.sdk import Variable

    return Variable


class ClaimLock:
    """The lock around changing one watermark Variable: ``with ClaimLock(key, context): ...``."""

    #: Tries before giving up with :class:`WatermarkBusy`; the first wait and its growth per try.
    attempts = 6
    backoff = 0.5

    def __init__(self, key: str, context: Mapping[str, Any]) -> None:
        self.key = key
        self.context = context
        self.ti = context.get("ti")
        self.me = {"run_id": str(context["run_id"]), **holder(context)}
        self.ticket = ticket_key(key, self.me["run_id"], self.me.get("map_index", -1), self.me.get("dag_id"),
                                 self.me.get("task_id"))
        self.tasks = None if hasattr(_variable(), "keys") else TaskList(key, self.me)

    def __enter__(self) -> ClaimLock:
        rival: Mapping[str, Any] = {}
        for attempt in range(self.attempts):
            if self.tasks is not None:
                self.tasks.enlist()
            self.write_ticket()
            rival = next(self.rivals(), {})
            if not rival:
                return self
            self.drop(self.ticket)
            if attempt + 1 < self.attempts:
                time.sleep(random.uniform(0.5, 1.5) * self.backoff * 2**attempt)
        raise WatermarkBusy(
            f"run {rival.get('run_id')!r} is claiming the Watch watermark {self.key!r} at the same moment "
            f"(tried {self.attempts} times); runs of a watermark sensor must not overlap: the task's "
            "retry claims the next window once that run is done")

    def __exit__(self, *exc_info: object) -> None:
        self.drop(self.ticket)

    def write_ticket(self) -> None:
        ticket = {**self.me, "watermark_key": self.key, "at": pendulum.now("UTC").isoformat()}
        _variable().set(self.ticket, json.dumps(ticket),
                        description=f"ActiveCampaign Watch: a run claiming the watermark {self.key} "
                                    "(removed once claimed)")

    def rivals(self) -> Iterator[Mapping[str, Any]]:
        """The live tickets of other runs; stale ones are removed on the way."""
        for key in self.ticket_keys():
            if key == TaskList.DROPPED:  # a task listing itself at this moment dropped this one: try again
                yield {"run_id": "(a task listing itself)"}
                continue
            if key == self.ticket:
                continue
            raw = _variable().get(key, default=None)
            try:
                ticket = json.loads(raw) if raw else None
            except ValueError:
                ticket = None
            if not isinstance(ticket, dict):
                continue
            if self.stale(ticket):
                log.warning("Removing the stale claim ticket %s of run %r (its task no longer runs, or "
                            "it is older than %s)", key, ticket.get("run_id"), TICKET_LEASE)
                self.drop(key)
                continue
            yield ticket

    def ticket_keys(self) -> list[str]:
        """Where other runs' tickets may be: all under the prefix (3.3+), else those of running runs."""
        prefix = ticket_prefix(self.key)
        if self.tasks is None:
            return [key for key in _variable().keys(prefix=prefix) if key.startswith(prefix)]
        if not self.me.get("task_id"):
            return []
        listed = self.tasks.read()
        keys = [] if [self.me["dag_id"], self.me["task_id"]] in listed else [TaskList.DROPPED]
        for dag_id, task_id in listed:
            runs = self.ti.get_task_states(dag_id=dag_id, task_ids=[task_id]) or {}
            keys += [ticket_key(self.key, run_id, _map_index(name, task_id), dag_id, task_id)
                     for run_id, tasks in runs.items() for name, state in (tasks or {}).items()
                     if state_text(state) == "running" and _map_index(name, task_id) is not None]
        return keys

    def stale(self, ticket: Mapping[str, Any]) -> bool:
        try:
            age = pendulum.now("UTC") - pendulum.parse(ticket["at"])
        except (KeyError, TypeError, ValueError):
            return True
        if age > TICKET_LEASE:
            return True
        return alive(self.context, ticket, live={"running"}) is False

    def drop(self, key: str) -> None:
        try:
            _variable().delete(key)
        except Exception as error:  # gone already; or left to go stale (TICKET_LEASE)
            log.warning("Could not remove the claim ticket %s: %s", key, error)


class TaskList:
    """Airflow 3.0-3.2: ``<watermark key>__tasks``, the ``[dag_id, task_id]`` of every task claiming the key.

    Written by read-modify-write, so two tasks listing themselves at one moment may drop one:
    each reads the list back after writing it (and again with the tickets, where a task that
    finds itself dropped backs off as from a rival). Tasks are never removed (a DAG removed
    for good costs one more ``get_task_states`` per claim; delete the entry by hand).
    """

    DROPPED = "\0dropped"

    def __init__(self, key: str, me: Mapping[str, Any]) -> None:
        self.key = tasks_key(key)
        self.me = [me.get("dag_id"), me.get("task_id")]

    def read(self) -> list[list[str]]:
        raw = _variable().get(self.key, default=None)
        try:
            listed = json.loads(raw) if raw else []
        except ValueError:
            listed = []
        return [list(entry) for entry in listed if isinstance(entry, list) and len(entry) == 2] \
            if isinstance(listed, list) else []

    def enlist(self, tries: int = 5) -> None:
        if not self.me[1]:
            return
        for _ in range(tries):
            listed = self.read()
            if self.me in listed:
                return
            _variable().set(self.key, json.dumps([*listed, self.me]),
                            description="ActiveCampaign Watch: the tasks that claim this watermark")
            time.sleep(random.uniform(0.05, 0.25))  # then read back, apart from a concurrent writer


def _map_index(name: str, task_id: str) -> int | None:
    """The map index in a ``get_task_states`` name of ``task_id`` (-1 unmapped); None: another task."""
    if name == task_id:
        return -1
    index = name[len(task_id) + 1:] if name.startswith(f"{task_id}_") else ""
    return int(index) if index.isdigit() else None

