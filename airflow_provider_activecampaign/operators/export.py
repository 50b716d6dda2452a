"""Incremental export: everything created or changed since the last successful export, exactly once.

The watermark lives in a small JSON state object at ``state_path`` (local or object storage),
written only after the run's output file is complete. Each run reads from the watermark less
an overlap (so records that become visible a little late are not missed), skips the records
the previous runs exported with the same update time, and moves the watermark to the latest
record timestamp it saw. Logical dates and data intervals play no part: skipped, failed,
re-run, manual and catch-up runs each export what changed since the last success.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pendulum

from airflow_provider_activecampaign.catalogue import LIST, Resource, Rule, text
from airflow_provider_activecampaign.client.date_filters import date_filters
from airflow_provider_activecampaign.exceptions import ActiveCampaignError, ActiveCampaignInputError
from airflow_provider_activecampaign.io import export_pages, write_whole
from airflow_provider_activecampaign.operators.base import ResourceOperator
from airflow_provider_activecampaign.operators.export_tombstones import Reconciler, read_ids
from airflow_provider_activecampaign.task_states import alive as _alive
from airflow_provider_activecampaign.task_states import holder as _holder
from airflow_provider_activecampaign.watch.timestamps import record_time

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

#: How far each run reads back before the watermark, for records that become visible late.
DEFAULT_OVERLAP = timedelta(minutes=10)
#: After this long, a lease left by a run that died is taken over.
DEFAULT_LEASE_TIMEOUT = timedelta(hours=12)
_WINDOW_FILTERS = ("created_after", "created_before", "updated_after", "updated_before")


class ActiveCampaignExportBusyError(ActiveCampaignError):
    """Another run holds the incremental export's lease."""


class ActiveCampaignIncrementalExportOperator(ResourceOperator):
    """Export every record of ``resource`` created or changed since the last successful export.

    Writes JSON Lines to ``output_path`` (whole or not at all; resumed from a checkpoint when
    the task is retried) and returns ``{"path", "count", "since", "watermark"}``. The first run
    exports everything (or what changed since ``start``).

    One run at a time per ``state_path``: a run refuses to start while another holds the lease
    recorded in the state (the task defaults to ``max_active_tis_per_dag=1`` as well). Use a
    per-run ``output_path`` such as ``".../contacts/{{ run_id }}.jsonl"`` (``ds`` is undefined in
    runs without a logical date).

    ActiveCampaign's lists do not show deleted records. With ``tombstones=True`` the export keeps
    the collection's ids in its state and, every ``reconcile_interval``, reads them all again
    after the records and writes one row ``{"id": ..., "tombstone": true, "deleted_detected_at": ...}``
    per record deleted since (exactly once; about 1,000 more requests per 100k records).

    :param resource: catalogue name of any listable resource (``"contact"``, ``"deal"``...).
    :param output_path: where this run's JSON Lines go (templated).
    :param state_path: the watermark's JSON state object (templated); keep it for the DAG's life.
    :param filters: catalogue filters as for the list operator (templated), without date filters.
    :param overlap: how far to read back before the watermark (a timedelta or seconds).
    :param start: on the first run, export only what changed since then (default: everything).
    :param lease_timeout: when a lease left by a dead run may be taken over.
    :param parent_id: for a nested resource (a schema's custom object records), the parent's id (templated).
    :param tombstones: also write a row for each record deleted since the last reconciliation (off by default).
    :param reconcile_interval: with ``tombstones``, the least time between two reconciliations (a
        timedelta or seconds; 0, the default: every run).

    A resource without timestamps (docs/coverage.md) is exported whole on every run. Contacts and
    deals are narrowed by the API's ``filters[updated_after]``, written as the account reads its date
    filters (found once per account, as for the Watch sensors; widened when that cannot be known).
    """

    operation = LIST
    template_fields: Sequence[str] = ("resource", "output_path", "state_path", "filters", "start", "parent_id")
    template_fields_renderers = {"filters": "json"}

    def __init__(self, *, resource: str, output_path: str, state_path: str, filters: Mapping[str, Any] | None = None,
                 overlap: timedelta | float = DEFAULT_OVERLAP, start: Any = None,
                 lease_timeout: timedelta | float = DEFAULT_LEASE_TIMEOUT, parent_id: int | str | None = None,
                 tombstones: bool = False, reconcile_interval: timedelta | float = 0, **kwargs: Any) -> None:
        kwargs.setdefault("max_active_tis_per_dag", 1)
        super().__init__(resource=resource, **kwargs)
        self.output_path = output_path
        self.state_path = state_path
        self.filters = filters
        self.overlap = overlap
        self.start = start
        self.lease_timeout = lease_timeout
        self.parent_id = parent_id
        self.tombstones = tombstones
        self.reconcile_interval = reconcile_interval

    def perform(self, context: Context) -> dict[str, Any]:
        spec = self.spec()
        output_path = text(required=True).check(self.output_path, "output_path")
        state_path = text(required=True).check(self.state_path, "state_path")
        overlap, lease_timeout = _duration(self.overlap, "overlap"), _duration(self.lease_timeout, "lease_timeout")
        every = _duration(self.reconcile_interval, "reconcile_interval")
        if not isinstance(self.tombstones, bool):
            raise ActiveCampaignInputError("tombstones", "True or False", self.tombstones)
        taken = [name for name in _WINDOW_FILTERS if name in (self.filters or {})]
        if taken:
            raise ActiveCampaignInputError(f"filters.{taken[0]}", "left out (the export sets its own window)")
        params = spec.list_params(self.filters, None)
        start = None if self.start in (None, "") else Rule("date").check(self.start, "start")
        run_id = str((context or {}).get("run_id") or f"manual__{pendulum.now('UTC').isoformat()}")
        state = ExportState(state_path, spec.name)
        done = state.finished(run_id, output_path)
        if done is not None:  # this run's file was moved into place, and the attempt ended before the commit
            self.log.info("This run's export to %s was complete: its state is now committed", output_path)
            return done
        _refuse_existing(output_path)
        saved = state.acquire(run_id, lease_timeout, holder=_holder(context),
                              alive=lambda lease: _alive(context, lease))
        try:
            since = _since(saved, overlap, start)
            tracker = _Tracker(spec, since, overlap, saved)
            deletes = Reconciler(spec.name, every, saved.get("deletes")) if self.tombstones else None

            def prepare(count: int) -> dict[str, Any]:
                return state.prepare(saved, tracker, run_id, {"path": output_path, "count": count,
                                                              "since": since and since.isoformat()}, deletes)

            result = self._export(spec, params, tracker, output_path, deletes, prepare)
        except BaseException:
            state.release(saved, run_id)
            raise
        state.commit()
        self.log.info("Exported %d %s changed since %s; watermark now %s%s", result["count"], spec.plural,
                      since or "the beginning", tracker.watermark,
                      f"; {deletes.written} deleted since the last reconciliation" if deletes and deletes.due else "")
        return {**result, "since": since and since.isoformat(), "watermark": tracker.watermark}

    def _export(self, spec: Resource, params: dict[str, Any], tracker: _Tracker, output_path: str,
                deletes: Reconciler | None, prepare: Callable[[int], Any]) -> dict[str, Any]:
        listed = params
        if tracker.since is not None and spec.server_window:
            # as the account reads its date filters (found once, as for the Watch sensors); widened so
            # that every reading holds the window when that cannot be known
            params = {**params, "filters[updated_after]": date_filters(self.hook).after(tracker.since)}
        path = spec.collection_path(self.parent_id)
        key = {"resource": spec.name, "params": params, "since": tracker.since and tracker.since.isoformat(),
               **({"tombstones": True} if deletes else {})}

        def pages(position: Mapping[str, Any] | None) -> Iterator[tuple[list[Any], dict[str, Any]]]:
            after = start = (position or {}).get("pager")
            if position:
                tracker.restore(position["tracker"])
                if deletes:
                    deletes.restore(position.get("deletes"))
            if deletes and params is listed:
                deletes.list_whole()
            for records, after in self.hook.pages(path, spec.plural, params=params, keyset=spec.keyset,
                                                  position=start):
                chosen = tracker.select(records)
                if deletes:
                    deletes.note(records, chosen)
                yield chosen, {"pager": after, "tracker": tracker.saved(),
                               **({"deletes": deletes.position()} if deletes else {})}
            if deletes:
                yield from deletes.pages(lambda: read_ids(self.hook, path, spec.plural, listed, keyset=spec.keyset,
                                                          resource=spec.name),
                                         {"pager": after, "tracker": tracker.saved()})

        return export_pages(pages, output_path, log=self.log, what=spec.plural, key=key, prepare=prepare)


def _refuse_existing(output_path: str) -> None:
    """An earlier export's file is never overwritten (its records would be lost downstream)."""
    from airflow.providers.common.compat.sdk import ObjectStoragePath

    if ObjectStoragePath(output_path).exists():
        raise ActiveCampaignInputError("output_path", "a path no earlier export wrote (use {{ run_id }} in it; "
                                       "delete the file to export again)", output_path)


def _duration(value: Any, name: str) -> timedelta:
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    else:
        seconds = Rule("number", minimum=0, required=True).check(value, name)
    if seconds < 0:
        raise ActiveCampaignInputError(name, "a duration of 0 or more", value)
    return timedelta(seconds=float(seconds))


def _since(saved: Mapping[str, Any], overlap: timedelta, start: Any) -> pendulum.DateTime | None:
    if saved.get("watermark"):
        return pendulum.parse(saved["watermark"]) - overlap  # type: ignore[operator,return-value]
    if start is None:
        return None
    when = start if hasattr(start, "hour") else pendulum.parse(str(start))
    return pendulum.instance(when) if when.tzinfo else pendulum.instance(when, tz="UTC")  # type: ignore[arg-type]


class _Tracker:
    """Chooses the records to export and follows the watermark and the overlap's (id, time) pairs."""

    def __init__(self, spec: Resource, since: pendulum.DateTime | None, overlap: timedelta,
                 saved: Mapping[str, Any]) -> None:
        self.spec, self.since, self.overlap = spec, since, overlap
        self.watermark: str | None = saved.get("watermark")
        self.latest = pendulum.parse(self.watermark) if self.watermark else None
        self.exported = {tuple(pair) for pair in saved.get("boundary") or ()}  # by earlier runs
        self.recent: dict[str, str] = {}  # this run's (id, time) within the overlap of the latest time
        self.undated = 0

    def select(self, records: list[Any]) -> list[Any]:
        chosen = []
        for record in records:
            when = record_time(record, self.spec, "updated")
            if when is None:
                self.undated += 1
                if self.since is not None:
                    continue
            elif self.since is not None and when < self.since:
                continue
            pair = (str(record.get(self.spec.key)), when.isoformat() if when else "")
            if pair in self.exported:
                continue
            chosen.append(record)
            if when is not None:
                self.recent[pair[0] + "@" + pair[1]] = pair[1]
                if self.latest is None or when > self.latest:
                    self.latest = when
                    self._prune()
        return chosen

    def _prune(self) -> None:
        if len(self.recent) > 1000:
            edge = (self.latest - self.overlap).isoformat()  # type: ignore[operator]
            self.recent = {k: t for k, t in self.recent.items() if t >= edge}

    def boundary(self) -> list[list[str]]:
        """The (id, time) pairs a later run may read again: those within the overlap of the watermark."""
        if self.latest is None:
            return []
        edge = self.latest - self.overlap
        pairs = {tuple(k.rsplit("@", 1)) for k in self.recent} | self.exported
        return sorted([list(p) for p in pairs if p[1] and pendulum.parse(p[1]) >= edge])

    def saved(self) -> dict[str, Any]:
        return {"latest": self.latest and self.latest.isoformat(), "recent": self.recent}

    def restore(self, saved: Mapping[str, Any]) -> None:
        self.latest = pendulum.parse(saved["latest"]) if saved.get("latest") else self.latest
        self.recent = dict(saved.get("recent") or {})


class ExportState:
    """The JSON state object: watermark, the overlap's exported (id, time) pairs, and the lease."""

    def __init__(self, path: str, resource: str) -> None:
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        self.url, self.path, self.resource = path, ObjectStoragePath(path), resource
        self._pending: dict[str, Any] | None = None  # what this run's file commits, once it is moved into place
        if "://" not in path:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"resource": self.resource}
        state = json.loads(self.path.read_text())
        if state.get("resource") != self.resource:
            raise ActiveCampaignInputError("state_path", f"the state of a {self.resource} export",
                                           f"{self.path} (a {state.get('resource')} export)")
        return state

    def acquire(self, run_id: str, timeout: timedelta, *, holder: Mapping[str, Any] | None = None,
                alive: Callable[[Mapping[str, Any]], bool | None] = lambda lease: None) -> dict[str, Any]:
        """The saved state, once this run holds its lease; refuses while another run holds it.

        A lease is taken over after ``timeout``, or at once when ``alive(lease)`` says its
        holder's task instance no longer runs (False; None: unknown, so the lease stands).
        """
        state = self._settle(self.read())
        lease = state.get("lease")
        if lease and lease.get("run_id") != run_id:
            since = pendulum.parse(lease["since"])
            if pendulum.now("UTC") - since < timeout:  # type: ignore[operator]
                if alive(lease) is not False:
                    raise ActiveCampaignExportBusyError(
                        f"The incremental export at {self.path} is held by run {lease['run_id']!r} since "
                        f"{lease['since']}: one run at a time (it is taken over after {timeout}, or once "
                        "that run's task no longer runs)")
                log.warning("Taking over the incremental export at %s: run %r holding it no longer runs",
                            self.path, lease["run_id"])
        state["lease"] = {"run_id": run_id, "since": pendulum.now("UTC").isoformat(), **(holder or {})}
        write_whole(self.url, json.dumps(state))
        return state

    def release(self, saved: dict[str, Any], run_id: str) -> None:
        """After a failure: the watermark stays, the lease goes (unless this run's file is already in place)."""
        if self._pending is not None and _exists(self._pending["output"]):
            self.commit()
            return
        write_whole(self.url, json.dumps({**saved, "lease": None}))

    def prepare(self, saved: dict[str, Any], tracker: _Tracker, run_id: str, result: Mapping[str, Any],
                deletes: Reconciler | None) -> dict[str, Any]:
        """Just before the output is moved into place: record the state that the move commits.

        An attempt that ends between the move and :meth:`commit` (killed) leaves this in the
        state as ``pending``: the next reader finds the file in place and takes the new state
        (see :meth:`finished` and :meth:`acquire`), or finds no file and drops it.
        """
        watermark = tracker.latest.isoformat() if tracker.latest else saved.get("watermark")
        tracker.watermark = watermark
        new = {"resource": self.resource, "watermark": watermark, "boundary": tracker.boundary(), "lease": None,
               "last_run": run_id, "last_output": result["path"], "last_count": result["count"],
               "updated_at": pendulum.now("UTC").isoformat(), **({"deletes": deletes.committed()} if deletes else {})}
        self._pending = {"run_id": run_id, "output": result["path"], "result": {**result, "watermark": watermark},
                         "state": new}
        write_whole(self.url, json.dumps({**saved, "pending": self._pending}))
        return self._pending

    def commit(self) -> None:
        """After the output is in place: the new watermark, the overlap's pairs (and ids), no lease."""
        assert self._pending is not None
        write_whole(self.url, json.dumps(self._pending["state"]))

    def finished(self, run_id: str, output_path: str) -> dict[str, Any] | None:
        """For a retry: this run's result, when its file is in place and only the commit was cut off."""
        pending = self.read().get("pending")
        if not pending or (pending["run_id"], pending["output"]) != (run_id, output_path) or not _exists(output_path):
            return None
        self._pending = pending
        self.commit()
        return dict(pending["result"])

    def _settle(self, state: dict[str, Any]) -> dict[str, Any]:
        """A commit cut off after the move is completed; one cut off before it is dropped."""
        pending = state.pop("pending", None)
        if pending and _exists(pending["output"]):
            log.warning("Completing the commit of run %r's export to %s (cut off after its file was in place)",
                        pending["run_id"], pending["output"])
            return {**pending["state"], "lease": state.get("lease")}
        return state


def _exists(url: str) -> bool:
    from airflow.providers.common.compat.sdk import ObjectStoragePath

    return bool(ObjectStoragePath(url).exists())
