"""Paging through a collection without I/O: :class:`Pager` says which page to ask for next and reads each reply.

Every record that exists for the whole read is returned exactly once, with records added,
changed and deleted between pages, or :class:`ActiveCampaignPagingError` says why not:

- keyset (``orders[id]=ASC`` + ``id_greater``, contacts): the position is the last id read;
  a page that does not move past it (a server ignoring ``id_greater``) is an error.
- offset, in id order (``orders[id]=ASC``, every other list): each page starts one record
  before the position. The page must start at an id already read, which proves nothing was
  skipped; when records before the position were deleted it does not, and the pager steps
  back. Only ids above the last one read are new (1 % of a page is paid for this).
- offset in the caller's order: the same, starting a few records back (the overlap),
  anchored on the ids of the last records read.
- records without ids: plain offset paging, an error if ``meta.total`` changes meanwhile.

Paging ends when ``meta.total`` is reached, never on a short page alone. Memory is one page
and the overlap: no set of every id seen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError, ActiveCampaignPagingError

PAGE_SIZE = 100
#: records re-read at the start of each offset page to prove that nothing was skipped
OVERLAP = 5
#: how many times in a row a page may step back before the read gives up
MAX_STEP_BACKS = 10

Record = dict[str, Any]


def _record_id(record: Any) -> str | None:
    if isinstance(record, dict) and record.get("id") not in (None, ""):
        return str(record["id"])
    return None


def _numeric(ids: list[str | None]) -> list[int] | None:
    try:
        return [int(i) for i in ids]  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


class Pager:
    """Walks a collection page by page: ``next_params()`` then ``feed(reply)``, until None.

    :param envelope: the list's key in the reply (``"contacts"``).
    :param params: filters and orderings; with ``orders[...]`` the records keep that order.
    :param limit: return at most this many records.
    :param keyset: page with ``id_greater`` (only where the API supports it: contacts).
    :param path: the collection's path, for error messages.
    :param position: a :meth:`position` saved earlier, to resume a read.
    """

    def __init__(self, envelope: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None,
                 keyset: bool = False, page_size: int = PAGE_SIZE, overlap: int = OVERLAP,
                 path: str | None = None, position: Mapping[str, Any] | None = None) -> None:
        self.envelope = envelope
        self.path = path or envelope
        self.params = dict(params or {})
        self.limit = limit
        self.keyset = keyset
        self.page_size = page_size
        self.by_id = not any(str(k).startswith("orders[") for k in self.params)
        self._wide = 0 if keyset else max(0, min(overlap, page_size // 2))
        # in id order one record re-read proves the position (a deletion before it shifts the page
        # past the last id read); in another order the anchor is any of the last ``overlap`` ids
        self.overlap = min(1, self._wide) if self.by_id else self._wide
        self.plain = False
        self.offset = 0  # the list's records before the position (offset paging)
        self.last_id: int | None = None
        self.window: deque[str] = deque(maxlen=max(1, self._wide))
        self.total: int | None = None
        self.count = 0
        self.pages = 0
        self.requests = 0
        self._asked = self._asked_offset = 0
        self._step_backs = self._stalls = 0
        self._restart: int | None = None
        self._done = limit is not None and limit <= 0
        if position:
            self._restore(position)

    # position -------------------------------------------------------------------

    def position(self) -> dict[str, Any]:
        """Where the read stands, as JSON-ready values (see ``position=``)."""
        return {"keyset": self.keyset, "offset": self.offset, "last_id": self.last_id, "window": list(self.window),
                "by_id": self.by_id, "plain": self.plain, "count": self.count, "done": self._done}

    def _restore(self, saved: Mapping[str, Any]) -> None:
        if bool(saved.get("keyset")) != self.keyset:
            raise ValueError("the saved position belongs to another kind of paging")
        self.offset = int(saved.get("offset") or 0)
        self.last_id = None if saved.get("last_id") is None else int(saved["last_id"])
        self.window.extend(str(i) for i in saved.get("window") or ())
        self.by_id = bool(saved.get("by_id", self.by_id))
        self.plain = bool(saved.get("plain"))
        self.count = int(saved.get("count") or 0)
        self._done = self._done or bool(saved.get("done"))

    @property
    def done(self) -> bool:
        return self._done

    # requests -------------------------------------------------------------------

    def next_params(self) -> dict[str, Any] | None:
        """The query of the next page, or None when the read is complete."""
        if self._done:
            return None
        size = self.page_size
        params = dict(self.params)
        if self.keyset:
            params["orders[id]"] = "asc"  # the document's case
            if self.last_id is not None:
                params["id_greater"] = self.last_id
            start = 0
            size = size if self.limit is None else min(size, self.limit - self.count)
        else:
            if self.by_id and not self.plain:
                params.setdefault("orders[id]", "asc")
            anchored = not self.plain and (self.last_id is not None or self.window)
            start = self._restart if self._restart is not None else (
                max(0, self.offset - self.overlap) if anchored else self.offset)
            params["offset"] = start
            size = min(size, self.page_size if self.limit is None else self.limit - self.count + self.offset - start)
        params["limit"] = size
        self._asked, self._asked_offset = size, start
        return params

    def feed(self, reply: Any) -> list[Record]:
        """Read one page's reply; returns the records not returned before."""
        if not isinstance(reply, dict) or not isinstance(reply.get(self.envelope, []), list):
            raise ActiveCampaignApiError("GET", self.path, 200, f"reply has no {self.envelope!r} list")
        records = reply.get(self.envelope) or []
        total = _total(reply)
        self.pages += 1
        self._restart = None
        if self.keyset:
            fresh = self._keyset_page(records, total)
        else:
            ids = [_record_id(r) for r in records]
            if self.plain or None in ids:
                fresh = self._plain_page(records, total)
            else:
                fresh = self._offset_page(records, ids, total)  # type: ignore[arg-type]
        if self.limit is not None:
            fresh = fresh[: max(0, self.limit - self.count)]
        self.count += len(fresh)
        if self.limit is not None and self.count >= self.limit:
            self._done = True
        return fresh

    # the three ways -------------------------------------------------------------

    def _keyset_page(self, records: list[Any], total: int | None) -> list[Record]:
        numbers = _numeric([_record_id(r) for r in records])
        if numbers is None:
            raise ActiveCampaignPagingError(self.path, "keyset paging needs a numeric id on every record")
        if numbers != sorted(set(numbers)):
            raise ActiveCampaignPagingError(self.path, "the page is not in ascending id order",
                                            seen=f"ids {numbers[:5]}...; the server ignored orders[id]=ASC")
        if numbers and self.last_id is not None and numbers[0] <= self.last_id:
            raise ActiveCampaignPagingError(
                self.path, f"the page after id {self.last_id} starts at id {numbers[0]}",
                seen="the server ignored id_greater, so the position does not advance")
        if numbers:
            self.last_id = numbers[-1]
        if total is not None:  # with id_greater, meta.total counts the records from this page on
            self.total = self.count + total
        self._done = not records or (total is not None and total <= len(records))
        return list(records)

    def _offset_page(self, records: list[Any], ids: list[str], total: int | None) -> list[Record]:
        numbers = _numeric(ids) if self.by_id else None
        if numbers is not None and numbers != sorted(set(numbers)):
            self.by_id, numbers = False, None  # the server keeps another order: anchor on the window
            self.overlap = self._wide
        start = self._asked_offset
        if numbers is not None:
            found = self.last_id is None or start == 0 or (bool(numbers) and numbers[0] <= self.last_id)
            fresh_from = 0 if self.last_id is None else next(
                (i for i, n in enumerate(numbers) if n > self.last_id), len(numbers))
        else:
            anchor = self._anchor(ids)
            found = not self.window or anchor is not None
            if not found and start == 0:
                raise ActiveCampaignPagingError(
                    self.path, "the records last read are no longer in the list",
                    seen=f"looked for ids {list(self.window)} from offset 0; records moved in the ordering")
            fresh_from = 0 if anchor is None else anchor + 1
        if not found:  # the page starts past the position: records before it were deleted
            self._step_back(start, total)
            return []
        self._step_backs = 0
        window = set(self.window) if numbers is None else set()
        fresh = [r for r, i in zip(records[fresh_from:], ids[fresh_from:], strict=True) if i not in window]
        if records and not fresh and len(records) >= self._asked and self._asked > self.overlap:
            raise ActiveCampaignPagingError(
                self.path, f"a full page from offset {start} brought no record not read before",
                seen="the server ignored offset, so the position does not advance")
        if numbers:
            self.last_id = max(self.last_id or numbers[-1], numbers[-1])
        self.window.extend(ids[-self.window.maxlen:] if ids else ())  # type: ignore[misc]
        self.offset = start + len(records)
        self._finish(records, total, fresh)
        return fresh

    def _anchor(self, ids: list[str]) -> int | None:
        """Where in the page the latest record of the window is, or None."""
        where = {rid: i for i, rid in enumerate(ids)}
        return next((where[rid] for rid in reversed(self.window) if rid in where), None)

    def _step_back(self, start: int, total: int | None) -> None:
        self._step_backs += 1
        if self._step_backs > MAX_STEP_BACKS:
            raise ActiveCampaignPagingError(
                self.path, f"could not find the position again after {MAX_STEP_BACKS} steps back",
                seen=f"offset {start}, last id read {self.last_id}, meta.total {total}")
        back = start - (self.page_size - self.overlap)
        if total is not None:
            back = min(back, total - self.page_size + self.overlap)
        self._restart = max(0, back)

    def _plain_page(self, records: list[Any], total: int | None) -> list[Record]:
        if not self.plain and self.pages > 1 and (self.last_id is not None or self.window):
            raise ActiveCampaignPagingError(self.path, "records without an id appeared mid-read")
        if self.plain and total is not None and self.total is not None and total != self.total:
            raise ActiveCampaignPagingError(
                self.path, f"the list changed during the read (meta.total {self.total} -> {total})",
                seen="its records carry no id to find the position again")
        self.plain = True
        self.offset = self._asked_offset + len(records)
        self._finish(records, total, records)
        return list(records)

    def _finish(self, records: list[Any], total: int | None, fresh: list[Any]) -> None:
        """Done when the page reaches meta.total; without a total, when a short page brings nothing new."""
        if total is not None:
            self.total = total
            self._done = self.offset >= total
        else:
            self._done = not records or (len(records) < self._asked and (not fresh or self.plain))
        self._stalls = 0 if fresh or self._done else self._stalls + 1
        if self._stalls >= 3:
            raise ActiveCampaignPagingError(
                self.path, f"meta.total says {total} records but the pages end at {self.offset}",
                seen=f"{self._stalls} pages in a row brought nothing new")


def _total(reply: Mapping[str, Any]) -> int | None:
    meta = reply.get("meta")
    try:
        return int(meta["total"]) if isinstance(meta, dict) and meta.get("total") is not None else None
    except (TypeError, ValueError):
        return None
