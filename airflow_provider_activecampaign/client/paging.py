"""Paging through a collection without I/O: :class:`Pager` says which page to ask for next and reads each reply."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError

PAGE_SIZE = 100



class Pager:
    """Walks a collection page by page: ``next_params()`` then ``feed(reply)``, until None.

    Offset paging by default; keyset paging (``orders[id]=ASC`` + ``id_greater``) where the
    API supports it (contacts), which does not drift when records are added meanwhile.
    Records are de-duplicated by id; ``limit`` caps how many are returned.
    """

    def __init__(self, envelope: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None,
                 keyset: bool = False, page_size: int = PAGE_SIZE) -> None:
        self.envelope = envelope
        self.params = dict(params or {})
        self.limit = limit
        self.keyset = keyset
        self.page_size = page_size
        self.offset = 0
        self.last_id: str | None = None
        self.total: int | None = None
        self.count = 0
        self.pages = 0
        self._seen: set[str] = set()
        self._done = limit is not None and limit <= 0

    def next_params(self) -> dict[str, Any] | None:
        if self._done:
            return None
        size = self.page_size if self.limit is None else min(self.page_size, self.limit - self.count)
        params = {**self.params, "limit": size}
        if self.keyset:
            params["orders[id]"] = "ASC"
            if self.last_id is not None:
                params["id_greater"] = self.last_id
        else:
            params["offset"] = self.offset
        self._asked = size
        return params

    def feed(self, reply: Any) -> list[dict[str, Any]]:
        if not isinstance(reply, dict) or not isinstance(reply.get(self.envelope, []), list):
            raise ActiveCampaignApiError("GET", self.envelope, 200, f"reply has no {self.envelope!r} list")
        records = reply.get(self.envelope) or []
        total = (reply.get("meta") or {}).get("total") if isinstance(reply.get("meta"), dict) else None
        if total is not None:
            try:  # with id_greater, meta.total counts only the records after it
                self.total = int(total) + (self.count if self.keyset else 0)
            except (TypeError, ValueError):
                self.total = None
        self.pages += 1
        self.offset += len(records)
        fresh: list[dict[str, Any]] = []
        for record in records:
            rid = str(record.get("id")) if isinstance(record, dict) and record.get("id") is not None else None
            if rid is not None:
                if rid in self._seen:
                    continue
                self._seen.add(rid)
                self.last_id = rid
            fresh.append(record)
            self.count += 1
            if self.limit is not None and self.count >= self.limit:
                break
        short = len(records) < self._asked
        reached_total = not self.keyset and self.total is not None and self.offset >= self.total
        capped = self.limit is not None and self.count >= self.limit
        self._done = not records or short or reached_total or capped
        return fresh

