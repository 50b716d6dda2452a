"""The durable watermark of a Watch sensor (``window_mode="watermark"``): every record reported once.

State lives in one Airflow Variable per sensor (default key
``activecampaign_watch__<dag_id>__<task_id>``), as JSON::

    {"watermark": "<ISO>" | null,
     "claim": {"run_id": ..., "since": ..., "until": ..., "delivered": true | false} | null}

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
  covered) has nothing left to report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.exceptions import ActiveCampaignError
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

    def run_state(self, run_id: str) -> str:
        try:
            value = self.ti.get_dagrun_state(self.dag_id, run_id)
        except Exception:  # the run was deleted: nothing will ever commit its claim
            return "gone"
        return str(getattr(value, "value", value))  # DagRunState or its text

    # the rules ------------------------------------------------------------------

    def settle_previous(self, state: dict[str, Any]) -> None:
        """Commit or drop another run's claim; refuse while that run is still live."""
        claim = state.get("claim")
        if not claim:
            return
        run_state = self.run_state(claim["run_id"])
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
            state["claim"] = {"run_id": self.run_id, "since": since_iso, "until": until_iso, "delivered": False}
            self.save(state)
            return window

    def own_claim(self, state: Mapping[str, Any]) -> Window | None:
        """The window this run claimed before (its retry or re-run reads it again), if it did."""
        claim = state.get("claim")
        if claim and claim.get("run_id") == self.run_id:
            return Window(parse_when(claim["since"], "since"), parse_when(claim["until"], "until"))
        return None

    def delivered(self) -> None:
        """Mark this run's claim as handed on (committed when the run succeeds)."""
        state = self.load()
        claim = state.get("claim")
        if claim and claim.get("run_id") == self.run_id and not claim.get("delivered"):
            state["claim"] = {**claim, "delivered": True}
            self.save(state)
