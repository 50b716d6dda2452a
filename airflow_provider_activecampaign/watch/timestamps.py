"""Record timestamps: every form the API writes, read as aware UTC times."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pendulum

from airflow_provider_activecampaign.catalogue import Resource
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError

#: The zone ActiveCampaign writes offset-less timestamps in (hosted accounts: US Central, with DST).
ACCOUNT_TIMEZONE = ZoneInfo("America/Chicago")
def zone_spread(zone: Any) -> timedelta:
    """How far a zone's clock gets from UTC in a year, either way (America/Chicago: 6 hours)."""
    offsets = (datetime(2024, month, 1, tzinfo=zone).utcoffset() or timedelta(0) for month in range(1, 13))
    return max(abs(offset) for offset in offsets)


#: How far the API's date filters can move if they read our UTC bound's clock time in the account's zone.
ACCOUNT_ZONE_SPREAD = zone_spread(ACCOUNT_TIMEZONE)
_ZERO_DATE = re.compile(r"^0{4}-0{2}-0{2}")
_BARE_TIME = re.compile(r"^\d{1,2}:\d{2}")


def parse_timestamp(value: Any, *, assume: Any = ACCOUNT_TIMEZONE) -> pendulum.DateTime | None:
    """A record timestamp as an aware UTC datetime, or None when it is absent or unreadable.

    - with an offset (``2018-09-12T16:53:50-05:00``, ``...Z``): that instant;
    - without one (``2019-11-22 14:15:37``, ``2019-11-22``): wall time in ``assume``
      (the account's zone, US Central; a time in the repeated autumn hour is read as the
      first, daylight-saving one);
    - zero dates (``0000-00-00 00:00:00``), None, ``""`` and text that is no date: None.
    """
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text or _ZERO_DATE.match(text) or _BARE_TIME.match(text):
            return None
        try:
            parsed = pendulum.parse(text, tz=None)
        except Exception:  # pendulum raises several types for text that is no date
            return None
        if not isinstance(parsed, datetime):  # a bare date, a time or a duration
            if not isinstance(parsed, date):
                return None
            parsed = datetime(parsed.year, parsed.month, parsed.day)
        when = parsed
    if when.tzinfo is None:
        when = datetime(when.year, when.month, when.day, when.hour, when.minute, when.second, when.microsecond,
                        tzinfo=assume)
    return pendulum.instance(when).in_timezone("UTC")  # pendulum's UTC: arithmetic keeps it aware


def parse_when(value: Any, name: str) -> pendulum.DateTime:
    """A ``since``/``until`` given by the DAG author: anything pendulum parses, naive = UTC."""
    when = parse_timestamp(value, assume=timezone.utc)
    if when is None:
        raise ActiveCampaignInputError(name, "a date/time that pendulum can parse", value)
    return when


def field_zone(field_name: str) -> Any:
    """The zone of a field's offset-less values: UTC for ``*utc*`` fields (``created_utc_timestamp``),
    else the account's."""
    return timezone.utc if "utc" in field_name.lower() else ACCOUNT_TIMEZONE


def record_time(record: Mapping[str, Any], spec: Resource, watch: str) -> pendulum.DateTime | None:
    """When a record was created (``watch="created"``) or last changed (``"updated"``).

    An update field that is null, a zero date or missing falls back to the create field
    (a record never changed was last changed when it was created).
    """
    if spec.created is None:  # a resource without stamps
        return None
    if watch == "updated" and spec.updated:
        when = parse_timestamp(record.get(spec.updated), assume=field_zone(spec.updated))
        if when is not None:
            return when
    return parse_timestamp(record.get(spec.created), assume=field_zone(spec.created))

