"""Where contacts come from: a JSON Lines or CSV file (local or object storage) or an inline list.

Rows are read one at a time and can be read again from a position (the byte offset after a
row, or an index), so a task that resumes or is retried skips what it already handled
without reading it again and never holds the whole input.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from airflow_provider_activecampaign.bulk.contacts import unknown_columns
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError

FORMATS = ("jsonl", "csv")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}


@dataclass(frozen=True)
class SourceRow:
    """One input row: its number (1 = the first), the position after it, and its data or why it is unreadable."""

    number: int
    position: int
    data: Any = None
    error: str | None = None


class Source:
    """Rows from ``path`` (``jsonl`` or ``csv``) or from the inline list ``contacts``."""

    def __init__(self, *, path: str | None = None, contacts: Sequence[Any] | None = None,
                 file_format: str | None = None) -> None:
        if (path is None) == (contacts is None):
            raise ActiveCampaignInputError("source_path", "given, or contacts given instead (not both)")
        if contacts is not None and not isinstance(contacts, (list, tuple)):
            raise ActiveCampaignInputError("contacts", "a list of contacts", type(contacts).__name__)
        self.path = path
        self.contacts = contacts
        self.format = self._format(path, file_format) if path is not None else "inline"

    @staticmethod
    def _format(path: str, file_format: str | None) -> str:
        if file_format is not None:
            if file_format not in FORMATS:
                raise ActiveCampaignInputError("source_format", "'jsonl' or 'csv'", file_format)
            return file_format
        suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
        if suffix not in _SUFFIXES:
            raise ActiveCampaignInputError("source_format", "'jsonl' or 'csv' (the file name does not say)", None)
        return _SUFFIXES[suffix]

    def describe(self) -> str:
        """How the checkpoint names this input (to refuse resuming another one)."""
        if self.path is None:
            return f"inline list of {len(self.contacts or ())}"
        return f"{self.format}:{self.path}"

    def rows(self, start: int = 0, position: int = 0) -> Iterator[SourceRow]:
        """Rows after ``start`` rows, which end at ``position`` (as a row given earlier said)."""
        if self.contacts is not None:
            for index in range(start, len(self.contacts)):
                yield SourceRow(index + 1, index + 1, self.contacts[index])
            return
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        with ObjectStoragePath(self.path).open("rb") as file:
            if self.format == "csv":
                yield from _csv_rows(file, start, position)
            else:
                yield from _jsonl_rows(file, start, position)


def _lines(file: IO[bytes], position: int, at: list[int]) -> Iterator[str]:
    """Decoded lines from ``position``; ``at[0]`` is the byte offset after the last line given."""
    file.seek(position)
    at[0] = position
    while raw := file.readline():  # Airflow 3.0's file wrapper cannot be iterated
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ActiveCampaignInputError("source_path", "UTF-8 text",
                                           f"undecodable bytes after byte {at[0]}") from None
        at[0] += len(raw)
        yield text[1:] if at[0] == len(raw) and text.startswith("\ufeff") else text


def _jsonl_rows(file: IO[bytes], start: int, position: int) -> Iterator[SourceRow]:
    at = [0]
    number = start
    for line in _lines(file, position, at):
        number += 1
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as error:
            yield SourceRow(number, at[0], error=f"line {number} is not JSON: {error}")
            continue
        yield SourceRow(number, at[0], data)


def _csv_rows(file: IO[bytes], start: int, position: int) -> Iterator[SourceRow]:
    at = [0]
    header = next(csv.reader(_lines(file, 0, at)), None)
    if header is None:
        return
    unknown = unknown_columns(header)
    if unknown:
        raise ActiveCampaignInputError(f"source_path column {unknown[0]}",
                                       "a field of the bulk import (email, first_name, last_name, phone, "
                                       "customer_acct_name, tags, fields, subscribe, unsubscribe, field:ID)")
    lines = _lines(file, max(position, at[0]), at)
    number = start
    for record in csv.reader(lines):
        if not record:
            continue
        number += 1
        if len(record) != len(header):
            yield SourceRow(number, at[0], error=f"row {number} has {len(record)} values for {len(header)} columns")
            continue
        yield SourceRow(number, at[0], dict(zip(header, record, strict=True)))
