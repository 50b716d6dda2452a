"""Watch windows: which span of time a Watch run reports, from its context or explicit bounds.

:func:`resolve_window` turns a task's context (or explicit ``since``/``until``) into a
:class:`Window`: inclusive at ``since``, exclusive at ``until``, both aware and in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pendulum

from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.watch.timestamps import parse_timestamp, parse_when

#: The window of a first run on a point-interval timetable: this long before the logical date.
DEFAULT_LOOKBACK = timedelta(days=1)



@dataclass(frozen=True)
class Window:
    """``since <= t < until``, both aware UTC datetimes."""

    since: pendulum.DateTime
    until: pendulum.DateTime

    def __contains__(self, when: datetime | None) -> bool:
        return when is not None and self.since <= when < self.until

    def iso(self) -> tuple[str, str]:
        return self.since.isoformat(), self.until.isoformat()

    def __str__(self) -> str:
        return f"[{self.since.isoformat()}, {self.until.isoformat()})"


def _context_time(context: Mapping[str, Any], key: str) -> pendulum.DateTime | None:
    """A datetime from the context; Airflow hands some out as lazy proxies that may wrap None."""
    value = context.get(key)
    value = getattr(value, "__wrapped__", value)  # lazy_object_proxy.Proxy -> the datetime (or None)
    return parse_timestamp(value, assume=timezone.utc) if isinstance(value, datetime) else None


def duration(value: Any, name: str, *, zero: bool = False) -> timedelta:
    """A timedelta (or seconds) given by the DAG author; positive (or, with ``zero``, not negative)."""
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        result = timedelta(seconds=value)
    else:
        raise ActiveCampaignInputError(name, "a timedelta (or seconds)", value)
    if result < timedelta(0) or (result == timedelta(0) and not zero):
        raise ActiveCampaignInputError(name, "a duration of zero or more" if zero else "a positive duration", value)
    return result


def resolve_window(context: Mapping[str, Any], *, since: Any = None, until: Any = None,
                   lookback: timedelta | float = DEFAULT_LOOKBACK, settle: timedelta | float = 0) -> Window:
    """The window a Watch sensor reports on.

    ``since``/``until`` given (not None/""): used as they are (naive = UTC). Otherwise:

    - a real data interval (``CronDataIntervalTimetable``, start < end): the interval;
    - a point (Airflow 3's default ``CronTriggerTimetable``, start == end == logical
      date): from the previous successful run's data interval end
      (``prev_data_interval_end_success``) to the logical date; for the first run,
      ``lookback`` (default 1 day) before the logical date;
    - no logical date at all (asset-triggered or manual runs without one): as a point at
      the run's ``run_after`` (or now).

    ``settle`` moves both derived bounds that much earlier (consecutive windows still meet):
    a record that shows up in the API up to ``settle`` late is read by the window it belongs to.
    """
    start = _context_time(context, "data_interval_start")
    end = _context_time(context, "data_interval_end")
    if start is not None and end is not None and start < end:
        default_since, default_until = start, end
    else:
        anchor = end or _context_time(context, "logical_date")
        if anchor is None:
            dag_run = context.get("dag_run")
            run_after = getattr(dag_run, "run_after", None) if dag_run is not None else None
            anchor = parse_timestamp(run_after, assume=timezone.utc) if run_after else None
            anchor = anchor or pendulum.now("UTC")
        previous = _context_time(context, "prev_data_interval_end_success")
        default_until = anchor
        if previous is not None and previous < anchor:
            default_since = previous
        else:
            default_since = anchor - duration(lookback, "lookback")
    shift = duration(settle, "settle", zero=True)
    default_since, default_until = default_since - shift, default_until - shift
    window = Window(
        parse_when(since, "since") if since not in (None, "") else default_since,
        parse_when(until, "until") if until not in (None, "") else default_until,
    )
    if window.since >= window.until:
        raise ActiveCampaignInputError("since", f"before until ({window.until.isoformat()})",
                                       window.since.isoformat())
    return window

