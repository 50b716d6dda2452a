"""Whether the task instance holding a lease or a claim still runs, asked through the Task SDK.

Used by the incremental export's lease and the Watch watermark's claims: a holder is written
down as its DAG, task, map index and run, and later asked about with ``ti.get_task_states``
(Airflow 3.0+; the metadata database is reachable only through the Task SDK).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Any

log = logging.getLogger(__name__)

#: Task instance states in which a lease's holder may still write (or resume from its checkpoint).
LIVE_STATES = frozenset({"running", "queued", "scheduled", "up_for_retry", "up_for_reschedule", "deferred",
                         "restarting", "none", None})


def holder(context: Any) -> dict[str, Any]:
    """Who holds it: the DAG, task and map index, for a later run to check it still runs."""
    ti = (context or {}).get("ti") if isinstance(context, Mapping) else None
    return {"dag_id": getattr(ti, "dag_id", None), "task_id": getattr(ti, "task_id", None),
            "map_index": getattr(ti, "map_index", -1)} if ti is not None else {}


def state_key(task_id: str, map_index: Any) -> str:
    """How ``get_task_states`` names a task instance: the task id, ``_<index>`` for a mapped one."""
    return task_id if map_index is None or int(map_index) < 0 else f"{task_id}_{map_index}"


def alive(context: Any, lease: Mapping[str, Any], live: Collection[Any] = LIVE_STATES) -> bool | None:
    """Whether ``lease``'s holder (``run_id`` plus :func:`holder`) is in a ``live`` state; None when
    that cannot be told (no task context, an older lease, an error)."""
    ti = (context or {}).get("ti") if isinstance(context, Mapping) else None
    ask = getattr(ti, "get_task_states", None)
    if ask is None or not lease.get("dag_id") or not lease.get("task_id"):
        return None
    key = state_key(lease["task_id"], lease.get("map_index", -1))
    try:
        states = ask(dag_id=lease["dag_id"], task_ids=[lease["task_id"]], run_ids=[lease["run_id"]])
    except Exception as error:  # the API is unreachable: keep the lease, say why
        log.warning("Could not ask whether run %r still runs: %s", lease["run_id"], error)
        return None
    runs = states if isinstance(states, Mapping) else {}
    if lease["run_id"] not in runs or key not in (runs[lease["run_id"]] or {}):
        return False  # the run, or its task, is gone
    return state_text(runs[lease["run_id"]][key]) in {str(s) for s in live}


def state_text(state: Any) -> str:
    """A task instance state (enum, text or None) as lower-case text."""
    return str(getattr(state, "value", state)).lower()
