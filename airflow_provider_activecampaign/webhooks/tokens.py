"""Webhook tokens: the configured shared secrets, the presented one, and keeping them out of access logs."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

from airflow_provider_activecampaign.webhooks.forms import DEFAULT_MAX_BYTES, Rejected

if TYPE_CHECKING:
    from starlette.requests import Request

log = logging.getLogger("airflow_provider_activecampaign.webhooks")

MIN_TOKEN_LENGTH = 16
TOKEN_OPTION = "[activecampaign] webhook_token (AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN)"
#: Default seconds within which a delivery's body must have arrived (``webhook_read_timeout``).
DEFAULT_READ_TIMEOUT = 10.0
#: Default seconds a delivery keeps retrying when the metadata database fails (``webhook_record_retry_seconds``).
DEFAULT_RECORD_RETRY_SECONDS = 5.0
_QUERY_RE = re.compile(r"\?[^\s\"']*")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Loggers whose records the token filter cleans: uvicorn's (access lines carry the full URL), Airflow's
#: access log when it goes through the standard library, and ours.
_FILTERED_LOGGERS = ("uvicorn.access", "uvicorn.error", "http.access", "airflow_provider_activecampaign.webhooks")


def token_forms(token: str) -> set[str]:
    """The token as a sender could have written it: as is, percent-encoded (either case), as ``+`` form."""
    forms = {token, quote(token, safe=""), quote_plus(token, safe=""), quote(token, safe="").lower()}
    return {form for form in forms if form}


def redact(text: str, tokens: list[str] | None = None) -> str:
    """``text`` with every configured token (in each of its forms) blanked, and a URL path's query string."""
    for token in tokens if tokens is not None else _raw_tokens():
        for form in sorted(token_forms(token), key=len, reverse=True):
            text = re.sub(re.escape(form), "***", text, flags=re.IGNORECASE)
    return _QUERY_RE.sub("?***", text) if text.startswith("/") else text


def safe_for_log(value: Any, limit: int = 200) -> str:
    """A value for a log line: tokens and query strings blanked, control characters escaped, cut to ``limit``."""
    text = redact(str(value))
    text = _CONTROL_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text if len(text) <= limit else text[:limit] + "..."


class _RedactTokenFilter(logging.Filter):
    """Blank the token (any form) and query strings, and escape control characters, in log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = safe_for_log(record.msg, limit=4000)
        if isinstance(record.args, tuple):
            record.args = tuple(safe_for_log(arg, limit=4000) if isinstance(arg, (str, bytes)) else arg
                                for arg in record.args)
        return True


def install_access_log_filter() -> None:
    """Clean the receiver's and uvicorn's log records of tokens and control characters."""
    for name in _FILTERED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactTokenFilter) for f in logger.filters):
            logger.addFilter(_RedactTokenFilter())


class CleanPathForAccessLogs:
    """ASGI middleware: once the receiver has answered, blank tokens in the request's path and
    escape its control characters (NUL, ESC, newlines), in place.

    Airflow's ``http.access`` middleware (a structlog logger no logging filter reaches) reads
    ``scope["path"]`` after the mounted app returns, from the same scope: it then logs the
    cleaned path. Routing and the receiver itself see the path as sent.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope.get("type") == "http":
                scope["path"] = safe_for_log(scope.get("path", ""), limit=2000)
                raw = scope.get("raw_path")
                if isinstance(raw, bytes):
                    scope["raw_path"] = safe_for_log(raw.decode("latin-1"), limit=2000).encode("ascii", "replace")


def _raw_tokens() -> list[str]:
    from airflow.configuration import conf

    raw = conf.get("activecampaign", "webhook_token", fallback=None) or ""
    return [token.strip() for token in raw.split(",") if token.strip()]


def token_problem() -> str | None:
    """Why the receiver cannot accept deliveries (no token, or one shorter than :data:`MIN_TOKEN_LENGTH`),
    or None. Names the option and which token (its position), never a token itself."""
    tokens = _raw_tokens()
    if not tokens:
        return f"no token configured: set {TOKEN_OPTION}"
    short = [str(n) for n, token in enumerate(tokens, 1) if len(token) < MIN_TOKEN_LENGTH]
    if short:
        return (f"{TOKEN_OPTION}: token {', '.join(short)} of {len(tokens)} is shorter than "
                f"{MIN_TOKEN_LENGTH} characters")
    return None


def report_configuration() -> None:
    """One ERROR line when the receiver starts unable to accept deliveries (every one then gets 503)."""
    problem = token_problem()
    if problem:
        log.error("ActiveCampaign webhook receiver refuses every delivery (503) until fixed: %s", problem)


def configured_tokens() -> list[str]:
    """The accepted tokens; none while :func:`token_problem` reports one."""
    return [] if token_problem() else _raw_tokens()


def _positive(option: str, default: float, kind: type = float) -> Any:
    """A positive number from ``[activecampaign] option``; ``default`` (with an error logged) otherwise."""
    from airflow.configuration import conf

    raw = conf.get("activecampaign", option, fallback=None)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if value <= 0:
        log.error("[activecampaign] %s=%r is not a positive number; using %s", option, raw, default)
        return default
    return value


def max_bytes() -> int:
    return int(_positive("webhook_max_bytes", DEFAULT_MAX_BYTES, int))


def read_timeout() -> float:
    return float(_positive("webhook_read_timeout", DEFAULT_READ_TIMEOUT))


def record_retry_seconds() -> float:
    """How long recording keeps retrying a database failure (0 or less is not accepted: use a small number)."""
    return float(_positive("webhook_record_retry_seconds", DEFAULT_RECORD_RETRY_SECONDS))


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
    problem = token_problem()
    if problem:
        raise Rejected(503, f"webhook receiver not configured: {problem}")
    tokens = _raw_tokens()
    presented = _presented_token(request)
    if not presented:
        raise Rejected(401, "missing token")
    given = presented.encode("utf-8")
    matched = False
    for token in tokens:  # compare with every token, in constant time each
        matched |= hmac.compare_digest(given, token.encode("utf-8"))
    if not matched:
        raise Rejected(403, "invalid token")
