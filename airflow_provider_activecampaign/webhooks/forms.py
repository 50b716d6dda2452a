"""Reading one webhook delivery: content type, charset, size, the bracketed form and its event type.

ActiveCampaign posts ``application/x-www-form-urlencoded`` bodies with bracketed keys
(``contact[id]=27&contact[fields][x]=...``); :func:`parse_bracketed_form` turns them into
nested dicts and lists.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl

import anyio

from airflow_provider_activecampaign.catalogue import WEBHOOK_EVENTS as CATALOGUE_WEBHOOK_EVENTS

if TYPE_CHECKING:
    from starlette.requests import Request

#: Event names ActiveCampaign documents for webhooks (one list, in the catalogue).
WEBHOOK_EVENTS: frozenset[str] = frozenset(CATALOGUE_WEBHOOK_EVENTS)
DEFAULT_MAX_BYTES = 256 * 1024
#: Deepest bracket nesting accepted (``a[b][c]`` has depth 2).
MAX_DEPTH = 16
#: Most ``key=value`` pairs accepted in one delivery.
MAX_FIELDS = 5000
#: Key that keeps a plain value when the same name is also used as a container.
SCALAR_KEY = "_value"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_SEGMENT_RE = re.compile(r"\[([^\[\]]*)\]")
#: Text codecs Python has that no form body is written in (they decode to something else, or fail oddly).
_NOT_FORM_CHARSETS = frozenset({"idna", "punycode", "unicode_escape", "raw_unicode_escape", "utf_7", "mbcs",
                                "oem", "undefined"})


class Rejected(Exception):
    """A delivery refused with an HTTP status and a short reason (never containing the token)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class _Node(dict):
    """A container under construction; remembers the next ``[]`` index (PHP: max int key + 1)."""

    next_index = 0


def _is_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and len(key) < 10 and (key == "0" or key[0] != "0")


def _split_key(key: str) -> list[str]:
    """``contact[fields][x]`` -> ``["contact", "fields", "x"]``; ``a[]`` -> ``["a", ""]``."""
    name = key.partition("[")[0]
    if not name or "]" in name:
        raise ValueError(f"malformed form key {key[:80]!r}")
    parts = [name]
    pos = len(name)
    while pos < len(key):
        match = _SEGMENT_RE.match(key, pos)
        if match is None:
            raise ValueError(f"malformed form key {key[:80]!r}")
        parts.append(match.group(1))
        pos = match.end()
    if len(parts) - 1 > MAX_DEPTH:
        raise ValueError(f"form key nested deeper than {MAX_DEPTH} levels: {key[:80]!r}")
    return parts


def _slot(node: _Node, segment: str) -> str:
    """Resolve ``[]`` to the next index and keep the index counter up to date."""
    if segment == "":
        segment = str(node.next_index)
    if _is_index(segment):
        node.next_index = max(node.next_index, int(segment) + 1)
    return segment


def _finalize(node: dict[str, Any], *, top: bool = False) -> dict[str, Any] | list[Any]:
    out = {key: _finalize(value) if isinstance(value, dict) else value for key, value in node.items()}
    if not top and out and all(_is_index(key) for key in out) and {int(k) for k in out} == set(range(len(out))):
        return [out[str(i)] for i in range(len(out))]
    return out


def parse_bracketed_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Turn PHP-style bracketed form pairs into nested JSON.

    ``contact[fields][x]=1`` -> ``{"contact": {"fields": {"x": "1"}}}``. ``a[]=x&a[]=y`` and
    ``a[0]=x&a[1]=y`` give lists; other numeric keys (``fields[12]``) stay object keys.
    A repeated key keeps its last value (as PHP does). A name used both as a value and as a
    container keeps the container and stores the value under ``"_value"``. Values stay strings.

    :raises ValueError: malformed keys, too deep nesting or too many fields.
    """
    if len(pairs) > MAX_FIELDS:
        raise ValueError(f"more than {MAX_FIELDS} form fields")
    root = _Node()
    for pair in pairs:
        if len(pair) != 2 or not all(isinstance(part, str) for part in pair):
            raise ValueError("form pairs must be (str, str)")
        key, value = pair
        *path, last = _split_key(key)
        node = root
        for segment in path:
            segment = _slot(node, segment)
            child = node.get(segment)
            if not isinstance(child, _Node):
                new = _Node()
                if child is not None:
                    new[SCALAR_KEY] = child
                node[segment] = child = new
            node = child
        last = _slot(node, last)
        existing = node.get(last)
        if isinstance(existing, _Node):
            existing[SCALAR_KEY] = value
        else:
            node[last] = value
    return cast("dict[str, Any]", _finalize(root, top=True))



def form_charset(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    media_type, _, params = content_type.partition(";")
    if media_type.strip().lower() != FORM_CONTENT_TYPE:
        raise Rejected(415, f"expected {FORM_CONTENT_TYPE}")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
            try:
                info = codecs.lookup(charset)
            except (LookupError, ValueError, TypeError):
                raise Rejected(415, "unsupported charset") from None
            name = info.name.replace("-", "_")
            if not getattr(info, "_is_text_encoding", True) or name in _NOT_FORM_CHARSETS:
                raise Rejected(415, "unsupported charset")  # rot13, base64, hex, zlib, idna...
            return info.name
    return "utf-8"


async def read_body(request: Request, limit: int, timeout: float) -> bytes:
    """The body, at most ``limit`` bytes, all within ``timeout`` seconds (408 for a slow or abandoned one)."""
    from starlette.requests import ClientDisconnect

    try:
        with anyio.fail_after(timeout):  # not asyncio.wait_for: it can drop a cancel (Python < 3.12)
            return await _read_body(request, limit)
    except TimeoutError:
        raise Rejected(408, f"body not received within {timeout:g} s") from None
    except ClientDisconnect:  # the sender hung up mid-body: nothing to record, nobody to answer
        raise Rejected(400, "client disconnected before the whole body arrived") from None


async def _read_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise Rejected(400, "invalid Content-Length")
        if int(length) > limit:
            raise Rejected(413, f"body larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Rejected(413, f"body larger than {limit} bytes")
    return bytes(body)


def parse_delivery(body: bytes, charset: str) -> dict[str, Any]:
    try:
        text = body.decode(charset, errors="replace")
        pairs = parse_qsl(text, keep_blank_values=True, encoding=charset, errors="replace", max_num_fields=MAX_FIELDS)
    except (UnicodeError, LookupError, TypeError):
        raise Rejected(400, f"body not readable as {charset}") from None
    except ValueError as exc:
        raise Rejected(400, f"malformed form body: {exc}") from None
    try:
        payload = parse_bracketed_form(pairs)
    except ValueError as exc:
        raise Rejected(400, f"malformed form body: {exc}") from None
    event_type = payload.get("type")
    if not isinstance(event_type, str) or event_type not in WEBHOOK_EVENTS:
        shown = repr(event_type[:60]) if isinstance(event_type, str) else f"of kind {type(event_type).__name__}"
        raise Rejected(400, f"missing or unknown event type {shown}")
    return payload
