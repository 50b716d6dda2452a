"""Tombstones for the incremental export: one row per record deleted since the last reconciliation.

ActiveCampaign's lists do not show deleted records. With ``tombstones=True`` the export keeps
the ids of the collection in its state object (as ranges, see ``client/id_sets.py``): the ids
of the last full id read, plus every id exported since. When a reconciliation is due (every
run, or once ``reconcile_interval`` has passed), a run reads every id again after its records
(or takes them from its records read, when that read the whole list: the first run, and every
resource without a date filter) and writes, after the records, one row per id of the kept set
that is no longer listed::

    {"id": "42", "tombstone": true, "deleted_detected_at": "2026-03-10T06:00:03+00:00"}

The new id set is committed with the run's watermark, in the same write, so each deletion
gives exactly one row across runs, retries and kills.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from itertools import islice
from typing import Any

import pendulum

from airflow_provider_activecampaign.client.id_sets import Ranges, add_id, missing, numeric_id, union
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError

#: Tombstone rows a page (the export checkpoints between pages).
TOMBSTONES_A_PAGE = 1000


def record_number(record: Any, resource: str) -> int:
    """The record's numeric id; tombstones need one."""
    number = numeric_id(record)
    if number is None:
        raise ActiveCampaignInputError("tombstones", f"False for {resource} records (their ids are not numbers)",
                                       record.get("id") if isinstance(record, dict) else record)
    return number


def read_ids(hook: Any, path: str, envelope: str, params: Mapping[str, Any], *, keyset: bool,
             resource: str) -> Ranges:
    """Every id of the collection (with the export's filters), read a page at a time; only ids are kept."""
    ranges: Ranges = []
    for records, _ in hook.pages(path, envelope, params=params, keyset=keyset):
        for record in records:
            add_id(ranges, record_number(record, resource))
    return ranges


class Reconciler:
    """What one run does for tombstones: the ids it exports, and the reconciliation when it is due.

    ``saved`` is the state's ``deletes`` entry (``ids``, and ``as_of``: when the last full id
    read began), or None before the first one; a reconciliation is due ``every`` after ``as_of``.
    """

    def __init__(self, resource: str, every: timedelta, saved: Mapping[str, Any] | None) -> None:
        self.resource, self.every = resource, every
        self.saved = dict(saved or {})
        last = self.saved.get("as_of")
        self.due = not last or pendulum.now("UTC") >= pendulum.parse(last) + every  # type: ignore[operator]
        self.exported: Ranges = []  # ids this run exported
        self.fresh: dict[str, Any] | None = None  # the reconciliation's id read: ids, as_of
        self.written = 0  # tombstone rows written
        self.listing: dict[str, Any] | None = None  # the ids of this run's records read, when it reads every record

    def list_whole(self) -> None:
        """This run's records read covers the whole list: when due, its ids are the reconciliation's (no id read)."""
        if self.due and self.listing is None and self.fresh is None:
            self.listing = {"ids": [], "as_of": pendulum.now("UTC").isoformat()}

    def note(self, records: Iterable[Any], chosen: Iterable[Any]) -> None:
        """A page read: a record exported (``chosen``) and then deleted gets its tombstone."""
        for record in chosen:
            add_id(self.exported, record_number(record, self.resource))
        if self.listing is not None:
            for record in records:
                add_id(self.listing["ids"], record_number(record, self.resource))

    def pages(self, read_ids: Callable[[], Ranges], position: Mapping[str, Any] | None) -> \
            Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
        """When due: read every id (``read_ids``), then the tombstone rows, a page at a time with the position."""
        if not self.due:
            return
        if self.fresh is None:
            as_of = pendulum.now("UTC").isoformat()
            self.fresh = self.listing or {"ids": read_ids(), "as_of": as_of}
        gone = islice(missing(union(self.saved.get("ids") or [], self.exported), self.fresh["ids"]),
                      self.written, None)
        while rows := [self.row(number) for number in islice(gone, TOMBSTONES_A_PAGE)]:
            self.written += len(rows)
            yield rows, {**(position or {}), "deletes": self.position()}

    def row(self, number: int) -> dict[str, Any]:
        assert self.fresh is not None
        return {"id": str(number), "tombstone": True, "deleted_detected_at": self.fresh["as_of"]}

    def position(self) -> dict[str, Any]:
        """For the export's checkpoint: the ids exported so far and the reconciliation's progress."""
        return {"exported": self.exported, "fresh": self.fresh, "written": self.written, "listing": self.listing}

    def restore(self, saved: Mapping[str, Any] | None) -> None:
        if saved:
            self.exported = [list(pair) for pair in saved.get("exported") or ()]
            self.fresh, self.written = saved.get("fresh"), int(saved.get("written") or 0)
            self.listing = saved.get("listing")

    def committed(self) -> dict[str, Any]:
        """The state's ``deletes`` after this run: the fresh id read, or the kept one with this run's ids."""
        if self.fresh is not None:
            return dict(self.fresh)
        return {**self.saved, "ids": union(self.saved.get("ids") or [], self.exported)}
