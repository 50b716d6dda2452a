"""Webhook tokens: the configured shared secrets, the presented one, and keeping them out of access logs."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import re
from typing import TYPE_CHECKING

from airflow_provider_activecampaign.webhooks.forms import DEFAULT_MAX_BYTES, Rejected

if TYPE_CHECKING:
    from starlette.requests import Request

log = logging.getLogger("airflow_provider_activecampaign.webhooks")

MIN_TOKEN_LENGTH = 16
_TOKEN_IN_URL_RE = re.compile(r"(?i)([?&]token=)[^&\s\"']*")

class _RedactTokenFilter(logging.Filter):
    """Blank ``token=...`` in uvicorn access-log lines (Airflow 3.0 logs full request paths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_URL_RE.sub(r"\1***", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_URL_RE.sub(r"\1***", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def install_access_log_filter() -> None:
    access_logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _RedactTokenFilter) for f in access_logger.filters):
        access_logger.addFilter(_RedactTokenFilter())


def configured_tokens() -> list[str]:
    from airflow.configuration import conf

    raw = conf.get("activecampaign", "webhook_token", fallback=None) or ""
    tokens = [token.strip() for token in raw.split(",") if token.strip()]
    if any(len(token) < MIN_TOKEN_LENGTH for token in tokens):
        log.error(
            "[activecampaign] webhook_token: every token must have at least %d characters; refusing deliveries",
            MIN_TOKEN_LENGTH,
        )
        return []
    return tokens


def max_bytes() -> int:
    from airflow.configuration import conf

    raw = conf.get("activecampaign", "webhook_max_bytes", fallback=None)
    if raw in (None, ""):
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        log.error("[activecampaign] webhook_max_bytes=%r is not a positive integer; using %d", raw, DEFAULT_MAX_BYTES)
        return DEFAULT_MAX_BYTES
    return value


def _presented_token(request: Request) -> str | None:
    """The token from ``?token=`` or, failing that, the password of HTTP Basic credentials."""
    token = request.query_params.get("token")
    if token:
        return token
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def check_token(request: Request) -> None:
    tokens = configured_tokens()
    if not tokens:
        raise Rejected(503, "webhook receiver not configured: set [activecampaign] webhook_token")
    presented = _presented_token(request)
    if not presented:
        raise Rejected(401, "missing token")
    given = presented.encode("utf-8")
    matched = False
    for token in tokens:  # compare with every token, in constant time each
        matched |= hmac.compare_digest(given, token.encode("utf-8"))
    if not matched:
        raise Rejected(403, "invalid token")
