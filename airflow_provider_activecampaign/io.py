"""Where records go: XCom for a few, JSON Lines on a local path or object storage for many.

Shared by the list operators, the exports and the Watch sensors. Files are written whole
or not at all: records go to part files beside ``output_path`` (``<output>.part-00001``...)
that are moved into place only when complete, so after a failure no partial file sits at
the final path. Long exports save a checkpoint beside the output (``<output>.checkpoint``:
the read's position, the records written and the parts) after every ``checkpoint_every``
records; a retried task resumes from it and removes it on success.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any

#: Above this many records a list operator without ``output_path`` warns that XCom is the wrong place.
XCOM_WARN_RECORDS = 1000
#: Records between checkpoints of a long export.
CHECKPOINT_EVERY = 10_000
#: one JSON Lines record: compact, UTF-8 as is (one encoder: ``json.dumps`` with options builds one a call)
_LINE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

#: The pages of a read from a saved position (None: the start): each page's records and the position after it.
PageSource = Callable[[Mapping[str, Any] | None], Iterable[tuple[list[Any], Mapping[str, Any] | None]]]


def deliver_records(records: Iterable[Any], output_path: str | None, *, log: Any, what: str) -> Any:
    """Return records for XCom, or write them as JSON Lines to ``output_path`` (atomically); return path and count."""
    if not output_path:
        result = list(records)
        if len(result) > XCOM_WARN_RECORDS:
            log.warning("%d %s go to XCom; set output_path to write them to storage instead", len(result), what)
        log.info("Read %d %s", len(result), what)
        return result
    return export_pages(lambda position: [(records, None)], output_path, log=log, what=what, key=None)


def export_pages(pages: PageSource, output_path: str, *, log: Any, what: str, key: Any = None,
                 checkpoint_every: int | None = None, prepare: Callable[[int], object] | None = None) -> dict[str, Any]:
    """Write every page's records as JSON Lines to ``output_path``; returns ``{"path", "count"}``.

    With a ``key`` (what identifies this read: path and query), the position is checkpointed
    and a checkpoint with the same key left by a failed attempt is resumed. Without one,
    nothing is checkpointed. ``prepare(count)`` runs once every record is written, just before
    the file is moved into place (where a caller records what the move will commit).
    """
    export = _Export(output_path, key, log, what)
    checkpoint_every = checkpoint_every or CHECKPOINT_EVERY
    position = export.resume() if key is not None else None
    try:
        export.open_part()
        for records, after in pages(position):
            export.write(records)
            if key is not None and export.pending >= checkpoint_every:
                export.checkpoint(after)
        export.close_part()
        if prepare is not None:
            prepare(export.count)
        export.finish()
    except BaseException:
        export.abandon(keep_checkpoint=key is not None)
        raise
    log.info("Wrote %d %s to %s", export.count, what, output_path)
    return {"path": output_path, "count": export.count}


class _Export:
    """The files of one export: numbered parts, the checkpoint, and the final move into place."""

    def __init__(self, output_path: str, key: Any, log: Any, what: str) -> None:
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        self.path = ObjectStoragePath(output_path)
        self.output_path, self.key, self.log, self.what = output_path, key, log, what
        self.checkpoint_url = output_path + ".checkpoint"
        self.checkpoint_path = ObjectStoragePath(self.checkpoint_url)
        self.parts = 0  # parts complete and named in the checkpoint
        self.count = 0  # records in those parts and the open one
        self.pending = 0  # records in the open part
        self._out: IO[str] | None = None
        if "://" not in output_path:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def part(self, number: int) -> Any:
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        return ObjectStoragePath(f"{self.output_path}.part-{number:05d}")

    def resume(self) -> Mapping[str, Any] | None:
        """The position of a checkpoint left for this read, or None (a stale one is removed)."""
        if not self.checkpoint_path.exists():
            return None
        try:
            saved = json.loads(self.checkpoint_path.read_text())
        except (ValueError, OSError):
            saved = {}
        if saved.get("key") != _plain(self.key):
            self.log.warning("A checkpoint for another read is beside %s; starting over", self.output_path)
            self._remove(int(saved.get("parts") or 0))
            return None
        self.parts, self.count = int(saved["parts"]), int(saved["count"])
        self.log.info("Resuming the export of %s to %s after %d records", self.what, self.output_path, self.count)
        return saved.get("position")

    def open_part(self) -> None:
        self._out = self.part(self.parts + 1).open("w")
        self.pending = 0

    def write(self, records: Iterable[Any]) -> None:
        """One write a page: each write through the storage path's file object costs a proxy lookup."""
        assert self._out is not None
        lines = [_LINE.encode(record) for record in records]
        if lines:
            self._out.write("\n".join(lines) + "\n")
        self.pending += len(lines)
        self.count += len(lines)

    def close_part(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        self.parts += 1

    def checkpoint(self, position: Mapping[str, Any] | None) -> None:
        """Close the open part, then record it with the position (parts first: the checkpoint never runs ahead)."""
        self.close_part()
        state = {"key": _plain(self.key), "position": position, "count": self.count, "parts": self.parts}
        write_whole(self.checkpoint_url, json.dumps(state))
        self.log.info("Export of %s to %s: %d records written (checkpoint saved)", self.what, self.output_path,
                      self.count)
        self.open_part()

    def finish(self) -> None:
        """Put the parts together at the final path in one move, then tidy up."""
        if self.parts == 1:
            self.part(1).move(self.path)
        else:
            from airflow.providers.common.compat.sdk import ObjectStoragePath

            whole = ObjectStoragePath(f"{self.output_path}.tmp-{uuid.uuid4().hex[:8]}")
            try:
                with whole.open("w") as out:
                    for number in range(1, self.parts + 1):
                        with self.part(number).open("r") as part:
                            shutil.copyfileobj(part, out)
                whole.move(self.path)
            except BaseException:
                _unlink(whole)
                raise
        self._remove(self.parts)

    def abandon(self, *, keep_checkpoint: bool) -> None:
        """After a failure: drop the open part; keep checkpointed parts for a retry, or drop everything."""
        if self._out is not None:
            self._out.close()
            self._out = None
        _unlink(self.part(self.parts + 1))
        if not keep_checkpoint or not self.checkpoint_path.exists():
            self._remove(self.parts)

    def _remove(self, parts: int) -> None:
        for number in range(1, parts + 2):
            _unlink(self.part(number))
        _unlink(self.checkpoint_path)


def write_whole(url: str, text: str) -> None:
    """Write a small file at ``url`` so that readers see the old or the new text, never half of one."""
    from airflow.providers.common.compat.sdk import ObjectStoragePath

    temporary = ObjectStoragePath(f"{url}.tmp-{uuid.uuid4().hex[:8]}")
    temporary.write_text(text)
    temporary.move(ObjectStoragePath(url))


def _unlink(path: Any) -> None:
    try:
        if path.exists():
            path.unlink()
    except FileNotFoundError:
        pass


def _plain(value: Any) -> Any:
    """``value`` as JSON would give it back (tuples as lists), for comparing keys."""
    return json.loads(json.dumps(value, default=str))


def iterate_pages(pages: Iterable[tuple[list[Any], Any]]) -> Iterator[Any]:
    """The records of ``pages``, one after another."""
    for records, _ in pages:
        yield from records
