"""What an import has done so far, kept beside its report so a resumed or retried task goes on from there.

Beside ``REPORT`` (local path or object storage URL):

- ``REPORT.checkpoint.json``: the input read so far (rows, byte offset), the batches in flight
  with their state and batch id, the counts, the times of recent imports (the per-minute
  window) and when the API may be asked again;
- ``REPORT.parts/NNNNNNNN.rows.jsonl``: a batch's rows as sent (written before sending);
- ``REPORT.parts/NNNNNNNN.jsonl``: a finished batch's report rows.

When every batch is finished, the parts are joined into ``REPORT`` (JSON Lines, in input
order), the checkpoint marked finished, and the parts and the checkpoint removed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from airflow_provider_activecampaign.exceptions import ActiveCampaignConfigError

CHECKPOINT_VERSION = 1


def dumps(record: Any) -> str:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


class Ledger:
    """The checkpoint and report files of one import."""

    def __init__(self, report_path: str) -> None:
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        self.report_path = report_path
        self.local = "://" not in report_path
        self.report = ObjectStoragePath(report_path)
        self.checkpoint = ObjectStoragePath(report_path + ".checkpoint.json")
        self.parts = ObjectStoragePath(report_path + ".parts")

    def load(self) -> dict[str, Any] | None:
        """The saved state, or None when this import has not started."""
        if not self.checkpoint.exists():
            return None
        state = json.loads(self.checkpoint.read_text())
        if state.get("version") != CHECKPOINT_VERSION:
            raise ActiveCampaignConfigError(f"{self.checkpoint} was written by another version of this provider; "
                                            "remove it to start the import again")
        return state

    def save(self, state: dict[str, Any]) -> None:
        """Write the state whole (a local file is replaced atomically)."""
        if self.local:
            self.report.parent.mkdir(parents=True, exist_ok=True)
            temporary = type(self.checkpoint)(str(self.checkpoint) + ".tmp")
            temporary.write_text(dumps({**state, "version": CHECKPOINT_VERSION}))
            temporary.rename(self.checkpoint)
        else:
            self.checkpoint.write_text(dumps({**state, "version": CHECKPOINT_VERSION}))

    def _part(self, index: int, kind: str = "") -> Any:
        return self.parts / f"{index:08d}{kind}.jsonl"

    def write_rows(self, index: int, rows: Iterable[dict[str, Any]], kind: str = ".rows") -> None:
        if index == 0 or self.local:  # object stores need no folders; a file:// URL does
            self.parts.mkdir(parents=True, exist_ok=True)
        with self._part(index, kind).open("w") as out:
            for row in rows:
                out.write(dumps(row) + "\n")

    def read_rows(self, index: int, kind: str = ".rows") -> list[dict[str, Any]]:
        with self._part(index, kind).open("r") as part:
            return [json.loads(line) for line in _lines(part) if line.strip()]

    def write_part(self, index: int, rows: Iterable[dict[str, Any]]) -> None:
        """A finished batch's report rows."""
        self.write_rows(index, rows, kind="")

    def write_report(self, batches: int) -> None:
        """Join the parts of batches ``0..batches-1`` into the report (in input order)."""
        if self.local:
            self.report.parent.mkdir(parents=True, exist_ok=True)
        with self.report.open("w") as out:
            for line in self._lines(batches):
                out.write(line)

    def _lines(self, batches: int) -> Iterator[str]:
        for index in range(batches):
            with self._part(index).open("r") as part:
                yield from _lines(part)

    def clean(self) -> None:
        """Remove the parts and the checkpoint (the report is complete)."""
        if self.parts.exists():
            for item in self.parts.iterdir():
                item.unlink()
            with contextlib.suppress(OSError, NotImplementedError):  # object stores have no real folders
                self.parts.rmdir()
        self.checkpoint.unlink(missing_ok=True)


def _lines(file: Any) -> Iterator[str]:
    """A text file's lines (Airflow 3.0's file wrapper cannot be iterated)."""
    while line := file.readline():
        yield line
