"""Seeded trouble for tests and benchmarks: random faults, records changing between pages, paging ignored.

- :class:`Chaos` faults a random fraction of requests with one of :data:`CHAOS_KINDS`;
- :class:`Churn` deletes and edits random records of a resource between requests;
- :func:`without_paging` drops the paging positions (``offset``, ``id_greater``) from a query,
  for a server that ignores them.

The same seed gives the same sequence of decisions.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.testing.emulator.faults import Fault
from airflow_provider_activecampaign.testing.emulator.values import Reply

if TYPE_CHECKING:
    from airflow_provider_activecampaign.testing.emulator.server import ActiveCampaignEmulator, RequestRecord

#: 5xx status, 429 with Retry-After, connection reset, slow reply, truncated JSON, a 200 that is not JSON
CHAOS_KINDS = ("5xx", "429", "drop", "slow", "truncated", "not_json")
PAGING_PARAMS = ("offset", "id_greater")
#: Called before each request is handled, outside the store's lock: (emulator, request).
RequestHook = Callable[["ActiveCampaignEmulator", "RequestRecord"], None]

_HTML = "<html><head><title>502 Bad Gateway</title></head><body>upstream hiccup</body></html>"


def _fault(**given: Any) -> Fault:
    values: dict[str, Any] = {"status": None, "count": 1, "method": None, "path": None, "retry_after": None,
                              "delay": 0.0, "drop": False, "body": None, "content_type": "application/json",
                              "after_processing": False}
    return Fault(**{**values, **given})


class Chaos:
    """Faults a seeded random ``rate`` of the requests whose method is in ``methods``."""

    def __init__(self, rate: float, seed: int, kinds: Iterable[str] = CHAOS_KINDS,
                 methods: Iterable[str] = ("GET",), retry_after: int = 1, slow: float = 0.3) -> None:
        kinds = tuple(kinds)
        unknown = sorted(set(kinds) - set(CHAOS_KINDS))
        if unknown or not kinds:
            raise ValueError(f"chaos kinds must be some of {', '.join(CHAOS_KINDS)}; got {unknown or 'none'}")
        if not 0 <= rate <= 1:
            raise ValueError(f"chaos rate must be between 0 and 1, got {rate}")
        self.rate, self.kinds, self.methods = rate, kinds, {m.upper() for m in methods}
        self.retry_after, self.slow = retry_after, slow
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.counts: dict[str, int] = dict.fromkeys(kinds, 0)

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault for this request, or None (most requests)."""
        if method not in self.methods:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.kinds)
            status = self._random.choice((500, 502, 503, 504))
            self.counts[kind] += 1
        return {
            "5xx": lambda: _fault(status=status),
            "429": lambda: _fault(status=429, retry_after=self.retry_after),
            "drop": lambda: _fault(drop=True),
            "slow": lambda: _fault(delay=self.slow),
            "truncated": lambda: _fault(after_processing=True, truncate=True),
            "not_json": lambda: _fault(status=200, body=_HTML, content_type="text/html"),
        }[kind]()


def truncated(reply: Reply) -> Reply:
    """The reply with only the first half of its body (a connection cut mid-body by a proxy)."""
    body = reply.encode()
    return Reply(reply.status, headers=dict(reply.headers), raw=body[: len(body) // 2],
                 content_type=reply.content_type)


class Churn:
    """Deletes and edits random records of ``resource`` before a seeded ``rate`` of requests.

    ``deleted`` and ``edited`` list the ids touched, so a test knows which records did not
    exist for the whole read. ``protect`` keeps some ids untouched.
    """

    def __init__(self, resource: str, *, rate: float, seed: int, deletes: int = 1, edits: int = 1,
                 protect: Iterable[str] = (), field: str | None = None) -> None:
        self.resource, self.rate, self.deletes, self.edits = resource, rate, deletes, edits
        self.field = field
        self.protect = {str(i) for i in protect}
        self.deleted: list[str] = []
        self.edited: list[str] = []
        self._random = random.Random(seed)

    def __call__(self, emulator: ActiveCampaignEmulator, request: RequestRecord) -> None:
        if request.method != "GET" or not request.path.startswith("/api/3/") or self._random.random() >= self.rate:
            return
        ids = [rid for rid in emulator.ids(self.resource) if rid not in self.protect]
        for rid in self._random.sample(ids, min(self.deletes, len(ids))):
            emulator.delete(self.resource, rid)
            self.deleted.append(rid)
        ids = [rid for rid in ids if rid not in set(self.deleted)]
        for rid in self._random.sample(ids, min(self.edits, len(ids))):
            emulator.modify(self.resource, rid, **({self.field: f"edited {rid}"} if self.field else {}))
            self.edited.append(rid)


def without_paging(pairs: list[tuple[str, str]], params: Iterable[str] = PAGING_PARAMS) -> list[tuple[str, str]]:
    """The query without its paging positions (a server that ignores them)."""
    dropped = set(params)
    return [(key, value) for key, value in pairs if key not in dropped]
