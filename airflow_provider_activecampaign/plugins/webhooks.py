"""ActiveCampaign webhook receiver: every delivery becomes an Airflow asset event.

The plugin mounts a small FastAPI app in the Airflow API server under ``/activecampaign``::

    POST /activecampaign/webhooks/{account}?token=TOKEN   one delivery (form-encoded)
    GET  /activecampaign/health                           liveness, no secrets

A valid delivery of event ``TYPE`` is recorded as an asset event on
``activecampaign_asset(TYPE, account)``, so DAGs with ``schedule=[activecampaign_asset("deal_add")]``
run. Replies: 200 recorded; 400 garbage or unknown ``type``; 401 no token; 403 wrong token;
404 malformed account label, or no DAG has registered the asset yet (Airflow's own
``POST /api/v2/assets/events`` rule); 413 body too large; 415 not form-encoded;
503 no token configured; 500 recording failed. Never 410, which would make ActiveCampaign
deactivate the webhook.

Configuration (``airflow.cfg`` or environment):

- ``[activecampaign] webhook_token`` (``AIRFLOW__ACTIVECAMPAIGN__WEBHOOK_TOKEN``): shared secret,
  at least 16 characters; several comma-separated tokens are all accepted (rotation).
- ``[activecampaign] webhook_max_bytes`` (default 262144): largest accepted body.

The plugin class is built on first access, so DAG files that only import
:func:`activecampaign_asset` do not import FastAPI.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import hmac
import inspect
import logging
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl

from airflow.providers.common.compat.sdk import Asset

from airflow_provider_activecampaign.resources import WEBHOOK_EVENTS as CATALOGUE_WEBHOOK_EVENTS

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

log = logging.getLogger(__name__)

#: Event names ActiveCampaign documents for webhooks (one list, in the catalogue).
WEBHOOK_EVENTS: frozenset[str] = frozenset(CATALOGUE_WEBHOOK_EVENTS)

DEFAULT_ACCOUNT = "default"
URL_PREFIX = "/activecampaign"
DEFAULT_MAX_BYTES = 256 * 1024
MIN_TOKEN_LENGTH = 16
#: Deepest bracket nesting accepted (``a[b][c]`` has depth 2).
MAX_DEPTH = 16
#: Most ``key=value`` pairs accepted in one delivery.
MAX_FIELDS = 5000
#: Key that keeps a plain value when the same name is also used as a container.
SCALAR_KEY = "_value"

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_ACCOUNT_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SEGMENT_RE = re.compile(r"\[([^\[\]]*)\]")
_TOKEN_IN_URL_RE = re.compile(r"(?i)([?&]token=)[^&\s\"']*")


# --------------------------------------------------------------------------------------
# Form parsing
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Assets
# --------------------------------------------------------------------------------------


def normalize_account(account: str) -> str:
    """Lower-case an account label and check it: letters, digits and inner hyphens, at most 63."""
    normalized = account.strip().lower() if isinstance(account, str) else ""
    if not _ACCOUNT_RE.fullmatch(normalized):
        raise ValueError(f"ActiveCampaign account label must be 1-63 letters, digits or inner hyphens, got {account!r}")
    return normalized


def activecampaign_asset(event_type: str, account: str = DEFAULT_ACCOUNT) -> Asset:
    """The asset that receives webhook deliveries of ``event_type`` for ``account``.

    Name ``activecampaign_<account>_<event_type>``, URI ``activecampaign://<account>/webhooks/<event_type>``,
    group ``activecampaign``. The account label is the one used in the receiver URL
    (``/activecampaign/webhooks/<account>``), lower-cased.
    """
    if event_type not in WEBHOOK_EVENTS:
        raise ValueError(
            f"unknown ActiveCampaign webhook event {event_type!r}; expected one of {sorted(WEBHOOK_EVENTS)}"
        )
    account = normalize_account(account)
    return Asset(
        name=f"activecampaign_{account}_{event_type}",
        uri=f"activecampaign://{account}/webhooks/{event_type}",
        group="activecampaign",
    )


def _accepts_keyword(func: Any, name: str) -> bool:
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def record_asset_event(asset: Asset, extra: dict[str, Any]) -> int | None:
    """Record one asset event the way Airflow's ``POST /api/v2/assets/events`` does.

    Looks the asset up by name and URI and returns ``None`` (no row written) if no DAG has
    registered it yet. Otherwise calls ``AssetManager.register_asset_change`` (which also queues
    the DAG runs scheduled on the asset), commits, and returns the new event's id.
    Must run where Airflow's metadata database is configured (the API server).
    """
    from airflow.assets.manager import asset_manager
    from airflow.models.asset import AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    register = asset_manager.register_asset_change
    kwargs: dict[str, Any] = {}
    if _accepts_keyword(register, "source_is_api"):  # Airflow >= 3.2: events not produced by a task
        kwargs["source_is_api"] = True
    with create_session(scoped=False) as session:
        model = session.scalar(
            select(AssetModel).where(AssetModel.name == asset.name, AssetModel.uri == asset.uri).limit(1)
        )
        if model is None:
            return None
        event = register(asset=model, extra=extra, session=session, **kwargs)
        if event is None:
            return None
        session.flush()
        event_id = int(event.id)
    return event_id


# --------------------------------------------------------------------------------------
# Receiver
# --------------------------------------------------------------------------------------


class _Rejected(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


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


def _install_access_log_filter() -> None:
    access_logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _RedactTokenFilter) for f in access_logger.filters):
        access_logger.addFilter(_RedactTokenFilter())


def _configured_tokens() -> list[str]:
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


def _max_bytes() -> int:
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


def _check_token(request: Request) -> None:
    tokens = _configured_tokens()
    if not tokens:
        raise _Rejected(503, "webhook receiver not configured: set [activecampaign] webhook_token")
    presented = _presented_token(request)
    if not presented:
        raise _Rejected(401, "missing token")
    given = presented.encode("utf-8")
    matched = False
    for token in tokens:  # compare with every token, in constant time each
        matched |= hmac.compare_digest(given, token.encode("utf-8"))
    if not matched:
        raise _Rejected(403, "invalid token")


def _form_charset(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    media_type, _, params = content_type.partition(";")
    if media_type.strip().lower() != FORM_CONTENT_TYPE:
        raise _Rejected(415, f"expected {FORM_CONTENT_TYPE}")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
            try:
                return codecs.lookup(charset).name
            except LookupError:
                raise _Rejected(415, "unsupported charset") from None
    return "utf-8"


async def _read_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise _Rejected(400, "invalid Content-Length")
        if int(length) > limit:
            raise _Rejected(413, f"body larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _Rejected(413, f"body larger than {limit} bytes")
    return bytes(body)


def _parse_delivery(body: bytes, charset: str) -> dict[str, Any]:
    text = body.decode(charset, errors="replace")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding=charset, errors="replace", max_num_fields=MAX_FIELDS)
        payload = parse_bracketed_form(pairs)
    except ValueError as exc:
        raise _Rejected(400, f"malformed form body: {exc}") from None
    event_type = payload.get("type")
    if not isinstance(event_type, str) or event_type not in WEBHOOK_EVENTS:
        shown = repr(event_type[:60]) if isinstance(event_type, str) else f"of kind {type(event_type).__name__}"
        raise _Rejected(400, f"missing or unknown event type {shown}")
    return payload


def _event_extra(account: str, payload: dict[str, Any], body: bytes) -> dict[str, Any]:
    return {
        "account": account,
        "event_type": payload["type"],
        "date_time": payload.get("date_time"),
        "initiated_by": payload.get("initiated_by"),
        "initiated_from": payload.get("initiated_from"),
        "received_at": datetime.now(timezone.utc).isoformat(),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "payload": payload,
    }


def create_app() -> FastAPI:
    """The receiver app (mounted by the plugin under ``/activecampaign``)."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from starlette.concurrency import run_in_threadpool

    _install_access_log_filter()
    app = FastAPI(
        title="ActiveCampaign webhooks",
        description="Receives ActiveCampaign webhook deliveries and records them as Airflow asset events.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    # Plain Starlette routes: no FastAPI parameter binding (nothing may be parsed before the
    # token check, and annotations stay unevaluated).
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "token_configured": bool(_configured_tokens())})

    async def receive(request: Request) -> JSONResponse:
        account = request.path_params["account"]
        client = request.client.host if request.client else "-"
        path = request.url.path  # never the query string: it carries the token
        try:
            _check_token(request)
            try:
                account = normalize_account(account)
            except ValueError:
                raise _Rejected(404, "unknown account label") from None
            charset = _form_charset(request)
            body = await _read_body(request, _max_bytes())
            payload = _parse_delivery(body, charset)
        except _Rejected as rejected:
            log.warning(
                "ActiveCampaign webhook rejected with %d (%s): path=%s client=%s",
                rejected.status,
                rejected.detail,
                path,
                client,
            )
            return JSONResponse({"detail": rejected.detail}, status_code=rejected.status)

        asset = activecampaign_asset(payload["type"], account)
        try:
            event_id = await run_in_threadpool(record_asset_event, asset, _event_extra(account, payload, body))
        except Exception:
            log.exception("ActiveCampaign webhook %s for %s could not be recorded", payload["type"], asset.name)
            return JSONResponse({"detail": "could not record the asset event"}, status_code=500)
        if event_id is None:
            log.warning(
                "ActiveCampaign webhook %s dropped with 404: asset %s is not registered (no DAG uses it yet)",
                payload["type"],
                asset.name,
            )
            return JSONResponse(
                {"detail": f"asset {asset.name} not found: no DAG uses it yet"},
                status_code=404,
            )
        log.info(
            "ActiveCampaign webhook %s recorded as asset event %d on %s (client=%s)",
            payload["type"],
            event_id,
            asset.name,
            client,
        )
        return JSONResponse({"asset": asset.name, "uri": asset.uri, "event_id": event_id})

    app.add_route("/health", health, methods=["GET"])
    app.add_route("/webhooks/{account}", receive, methods=["POST"])
    return app


# --------------------------------------------------------------------------------------
# Plugin
# --------------------------------------------------------------------------------------


def _build_plugin_class() -> type:
    from airflow.providers.common.compat.sdk import AirflowPlugin

    class ActiveCampaignWebhooksPlugin(AirflowPlugin):
        """Mounts the ActiveCampaign webhook receiver in the Airflow API server at ``/activecampaign``."""

        name = "activecampaign_webhooks"
        fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "ActiveCampaign webhooks"}]

    ActiveCampaignWebhooksPlugin.__module__ = __name__
    ActiveCampaignWebhooksPlugin.__qualname__ = "ActiveCampaignWebhooksPlugin"
    return ActiveCampaignWebhooksPlugin


def __getattr__(name: str) -> Any:
    # ``ActiveCampaignWebhooksPlugin`` is built on first access (entry point or import) so that
    # DAG files importing ``activecampaign_asset`` do not pay for FastAPI.
    if name == "ActiveCampaignWebhooksPlugin":
        plugin = globals()[name] = _build_plugin_class()
        return plugin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
