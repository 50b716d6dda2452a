"""Values as the API writes them: US Central timestamps, ids and numbers as strings, error shapes, replies."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

#: The zone ActiveCampaign writes its timestamps in (``2018-09-12T16:53:50-05:00``).
CENTRAL = ZoneInfo("America/Chicago")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FILTER_KEY = re.compile(r"filters\[([^\]]+)\]")
ORDER_KEY = re.compile(r"orders\[([^\]]+)\]")
#: ``filters[name][contains]=...``: a filter with a comparison operator
OPERATOR_KEY = re.compile(r"filters\[([^\]]+)\]\[(\w+)\]")
BRACKET_KEY = re.compile(r"(\w+)\[([^\]]*)\]")

Record = dict[str, Any]
Query = dict[str, list[str]]


# --------------------------------------------------------------------------- time


def format_time(when: datetime) -> str:
    """``2018-09-12T16:53:50-05:00``: ISO 8601 in US Central, as the API writes it."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=CENTRAL)
    return when.astimezone(CENTRAL).isoformat(timespec="seconds")


def parse_time(value: Any) -> datetime | None:
    """Parse the API's timestamps and filter values (ISO 8601, ``YYYY-MM-DD``, MySQL style) to UTC.

    Values without an offset are read as US Central, the account's zone; zero dates are None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        when = value
    else:
        text = str(value).strip()
        if not text or text.startswith("0000-00-00"):
            return None
        text = re.sub(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$", r"\1+\2", text)  # '+' lost in a query
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=CENTRAL)
    return when.astimezone(timezone.utc)


def legacy_time(value: Any) -> str | None:
    """``2011-01-31 15:34:28``: the legacy API's local MySQL format."""
    when = parse_time(value)
    return when.astimezone(CENTRAL).strftime("%Y-%m-%d %H:%M:%S") if when else None


def utc_text(value: Any) -> str | None:
    when = parse_time(value)
    return when.strftime("%Y-%m-%d %H:%M:%S") if when else None


# --------------------------------------------------------------------------- small helpers


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def scalar(value: Any) -> Any:
    """Stored the way the API returns it: numbers and ids as strings, datetimes in Central ISO."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return value


def page_bounds(query: Query) -> tuple[int, int]:
    """``(limit, offset)`` of a list request: limit 1-100 (default 20, above 100 read as 100), offset >= 0.

    A value that is not a whole number in range (``limit=0``, ``-5``, ``abc``, ``offset=-1``) is refused
    with 400, the strictest reading of the API's "limit: the number of results to display in each page
    (default 20; max 100)": the emulator never pages differently from what the client asked for.
    """
    limit, offset = first(query, "limit"), first(query, "offset")
    out = []
    for name, text, default, least in (("limit", limit, DEFAULT_LIMIT, 1), ("offset", offset, 0, 0)):
        if text is None or text == "":
            out.append(default)
            continue
        if not re.fullmatch(r"\s*\d+\s*", text) or int(text) < least:
            raise ApiError(400, {"errors": [{"status": 400, "title": "Bad Request", "detail": (
                f"The {name} parameter must be a whole number of at least {least}, not {text!r}."),
                "source": {"parameter": name}}]})
        out.append(int(text))
    return min(out[0], MAX_LIMIT), out[1]


def first(query: Query, name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[-1] if values else default


def truthy(value: Any) -> bool:
    return as_text(value).strip().lower() in ("1", "true", "yes", "on")


def flatten_form(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``{"deal": {"id": "3"}}`` -> ``[("deal[id]", "3")]``: PHP-style bracketed keys."""
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            pairs.extend(flatten_form(value, name))
        elif isinstance(value, (list, tuple)):
            pairs.extend(flatten_form({str(i): item for i, item in enumerate(value)}, name))
        else:
            pairs.append((name, as_text(value)))
    return pairs


def sort_key(value: Any) -> tuple[int, Any]:
    """Compare like MySQL would: nulls first, then numbers, timestamps, text (case-insensitive)."""
    if value is None or value == "":
        return (0, 0)
    text = str(value)
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return (1, float(text))
    if re.match(r"\d{4}-\d\d-\d\d", text):
        when = parse_time(text)
        if when is not None:
            return (2, when.timestamp())
    return (3, text.lower())


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A reply other than success, raised anywhere inside request handling."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def not_found(entity: str | None, record_id: Any) -> ApiError:
    """404 as the resource answers it: a message naming the entity, or (entity None) a JSON:API error."""
    if entity is None:
        return ApiError(404, {"errors": [{"status": 404, "title": "Not Found"}]})
    return ApiError(404, {"message": f"No Result found for {entity} with id {record_id}"})


def invalid(field_name: str, title: str, code: str = "field_invalid", detail: str = "") -> ApiError:
    return ApiError(422, {"errors": [problem(field_name, title, code, detail)]})


def problem(field_name: str, title: str, code: str, detail: str = "") -> dict[str, Any]:
    return {"title": title, "detail": detail, "code": code, "source": {"pointer": f"/data/attributes/{field_name}"}}


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-encoded unless raw is set
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"

    def encode(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return b"" if self.body is None else json.dumps(self.body).encode()


@dataclass
class Call:
    """A parsed v3 request, handed to the route handlers."""

    method: str
    segments: list[str]
    query: Query
    pairs: list[tuple[str, str]]
    body: Any

