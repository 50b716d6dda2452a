"""The durable watermark of a Watch sensor (``window_mode="watermark"``): every record reported once.

State lives in one Airflow Variable per sensor (default key
``activecampaign_watch__<dag_id>__<task_id>``), as JSON::

    {"watermark": "<ISO>" | null,
     "claim": {"dag_id": ..., "task_id": ..., "map_index": ..., "run_id": ...,
               "since": ..., "until": ..., "delivered": true | false} | null}

A run *claims* ``[watermark, until)`` before it reads, marks the claim ``delivered`` when it
hands the records on, and the claim becomes the watermark only once that run has succeeded
(checked by the next run). The rules:

- a retry of the claiming run reads the same window again (same records);
- a claim of a run that failed, or whose sensor delivered nothing (timed out, skipped), is
  dropped: the next run reads that window again;
- runs must not overlap: a claim held by a run still queued or running is an error (set
  ``max_active_runs=1``; backfills ignore it: their overlapping runs fail and are retried);
- the Variable is changed only under :class:`~.claims.ClaimLock`, so two runs claiming at
  the same moment (a backfill's runs) never both get a window;
- a run whose window ends at or before the watermark (a re-run of a run that later runs
  covered) has nothing left to report;
- a claim names its task instance (DAG, task, map index, run), so tasks sharing one
  ``watermark_key`` never take each other's claim for their own; a claim of another task
  in this very DAG run is settled by that task's state (its run is live while this one is).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.exceptions import ActiveCampaignError
from airflow_provider_activecampaign.task_states import LIVE_STATES as TASK_LIVE_STATES
from airflow_provider_activecampaign.task_states import holder, state_key, state_text
from airflow_provider_activecampaign.watch.claims import ClaimLock, WatermarkBusy
from airflow_provider_activecampaign.watch.timestamps import parse_when
from airflow_provider_activecampaign.watch.windows import Window

#: DAG run states in which a claim is still in use.
LIVE_STATES = ("queued", "running")


def watermark_key(dag_id: str, task_id: str) -> str:
    """The Variable that keeps a sensor's watermark (override with ``watermark_key=``)."""
    return f"activecampaign_watch__{dag_id}__{task_id}"


class Watermark:
    """Claim, deliver and commit windows of one sensor's Variable (see the module docstring)."""

    def __init__(self, key: str, context: Mapping[str, Any]) -> None:
        self.key = key
        self.context = context
        self.run_id = str(context["run_id"])
        dag_run = context.get("dag_run")
        self.dag_id = str(getattr(dag_run, "dag_id", None) or context["dag"].dag_id)
        self.ti = context.get("ti")
        who = holder(context)
        self.me = {"dag_id": self.dag_id, "task_id": who.get("task_id"), "map_index": who.get("map_index", -1),
                   "run_id": self.run_id}

    # the Variable -------------------------------------------------------------

    def load(self) -> dict[str, Any]:
        from airflow.providers.common.compat.sdk import Variable

        raw = Variable.get(self.key, default=None)
        state = json.loads(raw) if raw else {}
        if not isinstance(state, dict):
            raise ActiveCampaignError(f"Variable {self.key!r} holds no Watch watermark: {raw[:80]!r}")
        return {"watermark": state.get("watermark"), "claim": state.get("claim")}

    def save(self, state: Mapping[str, Any]) -> None:
        from airflow.providers.common.compat.sdk import Variable

        Variable.set(self.key, json.dumps(dict(state)), description="ActiveCampaign Watch sensor watermark")

    def run_state(self, run_id: str, dag_id: str | None = None) -> str:
        try:
            value = self.ti.get_dagrun_state(dag_id or self.dag_id, run_id)
        except Exception:  # the run was deleted: nothing will ever commit its claim
            return "gone"
        return str(getattr(value, "value", value))  # DagRunState or its text

    def claim_state(self, claim: Mapping[str, Any]) -> str:
        """The state that settles ``claim``: its DAG run's; its task's when that runs in this very DAG run."""
        dag_id = claim.get("dag_id") or self.dag_id
        if dag_id != self.dag_id or claim["run_id"] != self.run_id or not claim.get("task_id"):
            return self.run_state(claim["run_id"], dag_id)
        name = state_key(claim["task_id"], claim.get("map_index", -1))
        try:
            runs = self.ti.get_task_states(dag_id=dag_id, task_ids=[claim["task_id"]], run_ids=[self.run_id])
            state = state_text(((runs or {}).get(self.run_id) or {}).get(name, "gone"))
        except Exception:  # unknown: keep the claim
            return "running"
        return "running" if state in {str(s) for s in TASK_LIVE_STATES} else state

    # the rules ------------------------------------------------------------------

    def settle_previous(self, state: dict[str, Any]) -> None:
        """Commit or drop another run's claim; refuse while that run is still live."""
        claim = state.get("claim")
        if not claim:
            return
        run_state = self.claim_state(claim)
        if run_state in LIVE_STATES:
            raise WatermarkBusy(
                f"run {claim['run_id']!r} ({run_state}) still holds the Watch watermark {self.key!r} "
                f"for [{claim['since']}, {claim['until']}); runs of a watermark sensor must not overlap: "
                "set max_active_runs=1 on the DAG (the task's retry claims once that run is done)")
        if run_state == "success" and claim.get("delivered"):
            state["watermark"] = claim["until"]
        elif not state.get("watermark"):  # a failed first run: the next run reads its window again
            state["watermark"] = claim["since"]
        state["claim"] = None

    def claim(self, first: Window) -> Window | None:
        """This run's window: ``[watermark, first.until)`` (``first.since`` before any watermark).

        None when there is nothing new (the watermark is already at or past ``first.until``).
        """
        own = self.own_claim(self.load())
        if own is not None:  # a retry (or re-run) of the claiming run: no change, no lock
            return own
        with ClaimLock(self.key, self.context):
            state = self.load()
            own = self.own_claim(state)
            if own is not None:
                return own
            self.settle_previous(state)
            since = parse_when(state["watermark"], "watermark") if state["watermark"] else first.since
            if first.until <= since:
                self.save(state)
                return None
            window = Window(since, first.until)
            since_iso, until_iso = window.iso()
            state["claim"] = {**self.me, "since": since_iso, "until": until_iso, "delivered": False}
            self.save(state)
            return window

    def own_claim(self, state: Mapping[str, Any]) -> Window | None:
        """The window this run claimed before (its retry or re-run reads it again), if it did."""
        claim = state.get("claim")
        if self.mine(claim):
            return Window(parse_when(claim["since"], "since"), parse_when(claim["until"], "until"))
        return None

    def mine(self, claim: Mapping[str, Any] | None) -> bool:
        """Whether ``claim`` is this task instance's (a claim of an earlier version names its run only)."""
        if not claim or claim.get("run_id") != self.run_id:
            return False
        return all(claim.get(k, self.me[k]) == self.me[k] for k in ("dag_id", "task_id", "map_index"))

    def delivered(self) -> None:
        """Mark this run's claim as handed on (committed when the run succeeds)."""
        state = self.load()
        claim = state.get("claim")
        if self.mine(claim) and not claim.get("delivered"):
            state["claim"] = {**claim, "delivered": True}
            self.save(state)
