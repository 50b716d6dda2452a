"""How an account's API reads its date filters, found once, and the values that cover a window under it.

ActiveCampaign does not say how ``filters[created_after]`` and the other date filters of
``/contacts`` and ``/deals`` read the value sent (its document says ``format: date``). Four
readings are plausible (:data:`READINGS`): the instant as sent (``offset``), its clock time as
UTC (``utc``), its clock time in the account's zone (``account``), or its date only, from
midnight in the account's zone (``date``).

:class:`DateFilters` is what is known of one account: the readings still possible. Its
:meth:`~DateFilters.after` and :meth:`~DateFilters.before` give the value to send for a bound:
one that every possible reading puts on the safe side of the bound, as close to it as they
allow. One known reading reads a window exactly; nothing known widens the bounds so that all
four readings hold the window (the fallback).

:func:`probe` finds the reading with a few requests that create nothing: it takes one record
and asks for it with crafted bounds, each chosen to split the readings still possible (a
sans-IO generator, like the request core). :func:`date_filters` (sync hook) and
:func:`adate_filters` (async hook) run it once per account and keep the answer in the
process and, for a day, in a file shared by the processes of the machine
(``ACTIVECAMPAIGN_DATE_FILTERS_CACHE``: its directory; default: the temp dir).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import partial
from itertools import product
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

READINGS = ("offset", "utc", "account", "date")
DEFAULT_ZONE = "America/Chicago"
#: how long a found reading is trusted (an account's zone is a setting that can change)
KNOWN_FOR = 24 * 3600.0
#: how long "not known" is kept before the next probe (an account without records yet)
UNKNOWN_FOR = 600.0
CACHE_ENV = "ACTIVECAMPAIGN_DATE_FILTERS_CACHE"
#: how many crafted requests a probe may send after finding its record
MAX_TESTS = 3

_TEXT = re.compile(r"^\s*(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?))?\s*(Z|[+-]\d\d:?\d\d)?\s*$")
_WRITINGS = {"utc": timezone.utc, "east": timezone(timedelta(hours=10)), "west": timezone(timedelta(hours=-10))}
_SHIFTS = (timedelta(0), timedelta(seconds=-1), timedelta(seconds=1),
           *(timedelta(hours=h) for h in (-7, -6, -5, -1, 1, 5, 6, 7)))


def read_bound(reading: str, text: str, zone: tzinfo) -> datetime | None:
    """The instant a date filter's value ``text`` stands for under ``reading`` (None: unreadable)."""
    parts = _TEXT.match(str(text))
    if parts is None:
        return None
    day, clock, offset = parts.groups()
    if reading == "date" or clock is None:
        clock = "00:00:00"
    naive = datetime.fromisoformat(f"{day}T{clock}")
    if reading == "offset" and offset:
        return datetime.fromisoformat(f"{day}T{clock}{'+00:00' if offset == 'Z' else offset}")
    return _local(naive, timezone.utc if reading == "utc" else zone)


def _local(naive: datetime, zone: tzinfo) -> datetime:
    return naive.replace(tzinfo=zone).astimezone(timezone.utc)


def _write(when: datetime, zone: tzinfo) -> str:
    return when.astimezone(zone).isoformat(timespec="seconds")


def _ceil(when: datetime) -> datetime:
    return when if not when.microsecond else when.replace(microsecond=0) + timedelta(seconds=1)


@dataclass(frozen=True)
class DateFilters:
    """What is known of how an account reads its date filters: the readings still possible.

    :param readings: the possible readings (all of :data:`READINGS`: nothing is known).
    :param zone: the account's zone (the connection's ``timezone``).
    """

    readings: frozenset[str] = frozenset(READINGS)
    zone: str = DEFAULT_ZONE

    @property
    def known(self) -> bool:
        """Whether the probe narrowed the readings (a window is then read more tightly than widened)."""
        return self.readings != frozenset(READINGS)

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.zone)

    def bounds(self, text: str) -> list[datetime]:
        """Where each possible reading puts ``text``."""
        return [bound for r in sorted(self.readings) if (bound := read_bound(r, text, self.tz)) is not None]

    def after(self, since: datetime) -> str:
        """A value for ``filters[*_after]`` that every possible reading reads at or before ``since``."""
        since = since.replace(microsecond=0)
        return self._tightest(since, lambda text: max(self.bounds(text)) <= since, lambda text: min(self.bounds(text)))

    def before(self, until: datetime) -> str:
        """A value for ``filters[*_before]`` that every possible reading reads at or after ``until``."""
        until = _ceil(until)
        return self._tightest(until, lambda text: min(self.bounds(text)) >= until, lambda text: -max(
            self.bounds(text)).timestamp())

    def _tightest(self, when: datetime, safe: Callable[[str], bool], score: Callable[[str], Any]) -> str:
        """The safe candidate value whose farthest reading is nearest ``when``; dates (the documented
        format) win ties."""
        zone = self.tz
        day = when.astimezone(zone).date()
        dates = [(day + timedelta(days=n)).isoformat() for n in (-1, 0, 1, 2)]
        spread = timedelta(hours=7)
        times = [_write(when + shift, writing) for shift in (timedelta(0), -spread, spread)
                 for writing in (timezone.utc, zone)]
        safe_ones = [text for text in dates + times if len(self.bounds(text)) == len(self.readings) and safe(text)]
        return max(safe_ones, key=lambda text: (_score_key(score(text)), len(text) == 10))

    # serializing -------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {"readings": sorted(self.readings), "zone": self.zone}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DateFilters:
        readings = frozenset(str(r) for r in data.get("readings", READINGS)) & frozenset(READINGS)
        return cls(readings or frozenset(READINGS), str(data.get("zone") or DEFAULT_ZONE))


def _score_key(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


UNKNOWN = DateFilters()


# --------------------------------------------------------------------------- the probe

#: one request of the probe: the path (``contacts``/``deals``) and its query parameters
Ask = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class _Test:
    after: str | None
    before: str | None

    def includes(self, reading: str, stamp: datetime, zone: tzinfo) -> bool | None:
        lower = read_bound(reading, self.after, zone) if self.after else None
        upper = read_bound(reading, self.before, zone) if self.before else None
        if (self.after and lower is None) or (self.before and upper is None):
            return None
        return (lower is None or lower <= stamp) and (upper is None or stamp < upper)

    def margin(self, readings: Iterable[str], stamp: datetime, zone: tzinfo) -> float:
        """How far the nearest bound is from the record's stamp (seconds): a server that rounds stays right."""
        bounds = [read_bound(r, text, zone) for r in readings for text in (self.after, self.before) if text]
        return min(abs((bound - stamp).total_seconds()) for bound in bounds if bound is not None)


def _values(stamp: datetime, zone: tzinfo) -> list[str]:
    day = stamp.astimezone(zone).date()
    texts = [(day + timedelta(days=n)).isoformat() for n in (-1, 0, 1, 2)]
    writings = [zone, *_WRITINGS.values()]
    return texts + [_write(stamp + shift, writing) for shift, writing in product(_SHIFTS, writings)]


def best_test(readings: frozenset[str], stamp: datetime, zone: tzinfo) -> _Test | None:
    """The crafted bounds whose answer splits ``readings`` most evenly (None: no test splits them)."""
    values = _values(stamp, zone)
    tests = [_Test(a, None) for a in values] + [_Test(None, b) for b in values]
    best: tuple[Any, ...] | None = None
    chosen = None
    for test in tests:
        outcomes = [test.includes(r, stamp, zone) for r in sorted(readings)]
        if None in outcomes:
            continue
        inside = sum(1 for o in outcomes if o)
        worst = max(inside, len(outcomes) - inside)
        if worst == len(outcomes):
            continue
        rank = (-worst, test.margin(readings, stamp, zone))
        if best is None or rank > best:
            best, chosen = rank, test
    return chosen


def _reference(records: Any, zone: tzinfo) -> tuple[Mapping[str, Any], datetime] | None:
    """The first record with an id and a creation stamp (offset-less stamps are the account's time)."""
    for record in records if isinstance(records, list) else []:
        when = read_bound("offset", str(record.get("cdate") or ""), zone) if isinstance(record, Mapping) else None
        if when is not None and record.get("id") is not None and not str(record["cdate"]).startswith("0000"):
            return record, when
    return None


def probe(zone: str = DEFAULT_ZONE) -> Generator[Ask, Any, DateFilters]:
    """Find how the account reads its date filters; yields the GETs to send, is sent their replies.

    One record (the first contact, else the first deal) is asked for again with crafted
    ``filters[created_after]``/``filters[created_before]`` values, each splitting the readings
    still possible; at most :data:`MAX_TESTS` such requests. No record, or answers no reading
    explains: :data:`UNKNOWN`.
    """
    tz = ZoneInfo(zone)
    for path in ("contacts", "deals"):
        reply = yield path, {"limit": 1}
        found = _reference(reply.get(path) if isinstance(reply, Mapping) else None, tz)
        if found is not None:
            break
    else:
        return DateFilters(zone=zone)
    record, stamp = found
    rid = str(record["id"])
    readings = frozenset(READINGS)
    for _ in range(MAX_TESTS):
        test = best_test(readings, stamp, tz)
        if test is None:
            break
        params: dict[str, Any] = {"ids": rid} if path == "contacts" else {"limit": 100}
        if path == "deals" and record.get("title"):
            params["filters[title]"] = record["title"]
        params.update({f"filters[created_{side}]": text for side, text in
                       (("after", test.after), ("before", test.before)) if text})
        reply = yield path, params
        records = reply.get(path) if isinstance(reply, Mapping) else None
        if not isinstance(records, list) or (path == "deals" and len(records) >= 100):
            break  # an answer that does not tell
        seen = any(isinstance(r, Mapping) and str(r.get("id")) == rid for r in records)
        readings = frozenset(r for r in readings if test.includes(r, stamp, tz) is seen)
        if len(readings) <= 1:
            break
    if not readings:
        log.warning("The API's date filters answered in a way no known reading explains: widening every window")
        return DateFilters(zone=zone)
    return DateFilters(readings, zone)


# --------------------------------------------------------------------------- cache and drivers

_KNOWN: dict[str, tuple[DateFilters, float]] = {}
_LOCKS: dict[str, asyncio.Lock] = {}


def _cache_file(account: str) -> Path:
    folder = Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "airflow-provider-activecampaign")
    return folder / f"date-filters-{hashlib.sha256(account.encode()).hexdigest()[:24]}.json"


def cached(account: str) -> DateFilters | None:
    """What this process (or another on the machine, within a day) found for the account; no request."""
    entry = _KNOWN.get(account)
    if entry is not None and entry[1] > time.time():
        return entry[0]
    try:
        data = json.loads(_cache_file(account).read_text())
        if float(data["until"]) > time.time() and data.get("account") == account:
            found = DateFilters.from_json(data)
            _KNOWN[account] = (found, float(data["until"]))
            return found
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def remember(account: str, found: DateFilters) -> None:
    """Keep a probe's answer: a day when it narrowed the readings (also on file), 10 minutes when not."""
    until = time.time() + (KNOWN_FOR if found.known else UNKNOWN_FOR)
    _KNOWN[account] = (found, until)
    if not found.known:
        return
    log.info("The API reads its date filters as: %s", " or ".join(sorted(found.readings)))
    path = _cache_file(account)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({**found.to_json(), "account": account, "until": until}))
        os.replace(temporary, path)
    except OSError as error:  # a read-only machine probes once per process instead
        log.debug("Could not keep the date-filter reading on file: %s", error)


def forget(account: str | None = None) -> None:
    """Drop what this process knows (of one account, or all); the file stays."""
    if account is None:
        _KNOWN.clear()
    else:
        _KNOWN.pop(account, None)


def known(settings: Any) -> DateFilters:
    """What is known for the connection's account without a request: cached, else :data:`UNKNOWN`."""
    return cached(settings.base_url) or DateFilters(zone=settings.timezone)


def date_filters(hook: Any) -> DateFilters:
    """The account's reading of its date filters: cached, else probed with the sync hook (a few GETs)."""
    settings = hook.core.settings
    found = cached(settings.base_url)
    if found is None:
        steps, reply = probe(settings.timezone), None
        try:
            while True:
                path, params = steps.send(reply)
                reply = _or_none(partial(hook.request, "GET", path, params=params))
        except StopIteration as done:
            found = done.value
        except Exception as error:  # the search itself then reports a failing API
            found = _failed(error, settings.timezone)
        remember(settings.base_url, found)
    return found


async def adate_filters(hook: Any) -> DateFilters:
    """The same with the async hook; one probe per account however many triggers ask at once."""
    settings = (await hook.get_core()).settings
    found = cached(settings.base_url)
    if found is not None:
        return found
    async with _LOCKS.setdefault(settings.base_url, asyncio.Lock()):
        found = cached(settings.base_url)
        if found is None:
            steps, reply = probe(settings.timezone), None
            try:
                while True:
                    path, params = steps.send(reply)
                    try:
                        reply = await hook.request("GET", path, params=params)
                    except Exception as error:
                        reply = _or_none(error)
            except StopIteration as done:
                found = done.value
            except Exception as error:  # the poll itself then reports a failing API
                found = _failed(error, settings.timezone)
            remember(settings.base_url, found)
    return found


def _or_none(call: Callable[[], Any] | Exception) -> Any:
    """A GET's reply, or None when it answered 404 (an account without deals); other errors are raised."""
    from airflow_provider_activecampaign.exceptions import ActiveCampaignNotFoundError

    try:
        if isinstance(call, Exception):
            raise call
        return call()
    except ActiveCampaignNotFoundError:
        return None


def _failed(error: Exception, zone: str) -> DateFilters:
    log.warning("Could not find how the API reads date filters (%s): widening the windows", type(error).__name__)
    return DateFilters(zone=zone)


__all__ = ["READINGS", "UNKNOWN", "DateFilters", "adate_filters", "cached", "date_filters", "forget", "known",
           "probe", "read_bound", "remember"]
