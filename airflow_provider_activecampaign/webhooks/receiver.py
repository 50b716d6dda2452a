"""The webhook receiver: a FastAPI app that turns each delivery into an Airflow asset event.

Mounted by the plugin in the Airflow API server under ``/activecampaign``::

    POST /activecampaign/webhooks/{account}?token=TOKEN   one delivery (form-encoded)
    GET  /activecampaign/health                           liveness, no secrets

A valid delivery of event ``TYPE`` is recorded as an asset event on
``activecampaign_asset(TYPE, account)``. Replies: 200 recorded; 400 garbage or unknown
``type``; 401 no token; 403 wrong token; 404 malformed account label, or no DAG has
registered the asset yet (Airflow's own ``POST /api/v2/assets/events`` rule); 408 body not
received within ``webhook_read_timeout`` (headers: ``webhook_header_timeout``, in
``webhooks/header_timeout.py``); 413 body too large; 415 not form-encoded or a
charset no form is written in; 503 no token configured, or one shorter than 16 characters
(``GET /health`` then answers 503 with the reason too, and the app logs one ERROR line when
it is created); 500 recording failed after retrying for ``webhook_record_retry_seconds``.
Never 410, which would make ActiveCampaign deactivate the webhook.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.webhooks.assets import activecampaign_asset, normalize_account, record_asset_event
from airflow_provider_activecampaign.webhooks.forms import Rejected, form_charset, parse_delivery, read_body
from airflow_provider_activecampaign.webhooks.header_timeout import install_header_timeout
from airflow_provider_activecampaign.webhooks.recording import delivery_key, record_with_retry
from airflow_provider_activecampaign.webhooks.tokens import (
    CleanPathForAccessLogs,
    check_token,
    install_access_log_filter,
    max_bytes,
    read_timeout,
    record_retry_seconds,
    report_configuration,
    safe_for_log,
    token_problem,
)

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from starlette.requests import Request

log = logging.getLogger("airflow_provider_activecampaign.webhooks")


def event_extra(account: str, payload: dict[str, Any], body: bytes) -> dict[str, Any]:
    return {
        "account": account,
        "event_type": payload["type"],
        "date_time": payload.get("date_time"),
        "initiated_by": payload.get("initiated_by"),
        "initiated_from": payload.get("initiated_from"),
        "received_at": datetime.now(timezone.utc).isoformat(),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "delivery_key": delivery_key(account, payload),
        "payload": payload,
    }



def create_app() -> FastAPI:
    """The receiver app (mounted by the plugin under ``/activecampaign``).

    Always created, so its routes always answer: without a usable token it logs one ERROR
    line, and ``/health`` and every delivery answer 503 with the reason.
    """
    from fastapi import FastAPI

    report_configuration()
    install_header_timeout()
    install_access_log_filter()
    app = FastAPI(
        title="ActiveCampaign webhooks",
        description="Receives ActiveCampaign webhook deliveries and records them as Airflow asset events.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(CleanPathForAccessLogs)  # Airflow's http.access line logs the path after we answer
    # Plain Starlette routes: no FastAPI parameter binding (nothing may be parsed before the
    # token check, and annotations stay unevaluated).
    app.add_route("/health", health, methods=["GET"])
    app.add_route("/webhooks/{account}", receive, methods=["POST"])
    return app


async def health(request: Request) -> JSONResponse:
    from fastapi.responses import JSONResponse

    problem = token_problem()
    if problem:
        return JSONResponse({"status": "unavailable", "token_configured": False, "reason": problem}, status_code=503)
    return JSONResponse({"status": "ok", "token_configured": True})


async def receive(request: Request) -> JSONResponse:
    """One delivery: checked, read, parsed, then recorded (see the module docstring for replies)."""
    from fastapi.responses import JSONResponse

    account = "(not checked)"  # logged only once it is a valid label: a sender may put anything there
    client = request.client.host if request.client else "-"
    try:
        check_token(request)
        try:
            account = normalize_account(request.path_params["account"])
        except ValueError:
            account = "(invalid)"
            raise Rejected(404, "unknown account label") from None
        charset = form_charset(request)
        body = await read_body(request, max_bytes(), read_timeout())
        payload = parse_delivery(body, charset)
    except Rejected as rejected:
        log.warning("ActiveCampaign webhook rejected with %d (%s): account=%s client=%s", rejected.status,
                    safe_for_log(rejected.detail), account, safe_for_log(client))
        return JSONResponse({"detail": rejected.detail}, status_code=rejected.status)
    return await record(account, payload, body, client)


async def record(account: str, payload: dict[str, Any], body: bytes, client: str) -> JSONResponse:
    """Record a parsed delivery as an asset event, retrying database failures within the budget."""
    from fastapi.responses import JSONResponse
    from starlette.concurrency import run_in_threadpool

    asset = activecampaign_asset(payload["type"], account)
    extra = event_extra(account, payload, body)
    try:
        event_id = await run_in_threadpool(
            record_with_retry, lambda: record_asset_event(asset, extra), budget=record_retry_seconds(),
            what=f"webhook {payload['type']} on {asset.name}")
    except Exception as error:
        log.error("ActiveCampaign webhook %s for %s could not be recorded: %s", payload["type"], asset.name,
                  safe_for_log(error, limit=500))
        return JSONResponse({"detail": "could not record the asset event"}, status_code=500)
    if event_id is None:
        log.warning("ActiveCampaign webhook %s dropped with 404: asset %s is not registered (no DAG uses it yet)",
                    payload["type"], asset.name)
        return JSONResponse({"detail": f"asset {asset.name} not found: no DAG uses it yet"}, status_code=404)
    log.info("ActiveCampaign webhook %s recorded as asset event %d on %s (client=%s)", payload["type"], event_id,
             asset.name, safe_for_log(client))
    return JSONResponse({"asset": asset.name, "uri": asset.uri, "event_id": event_id})
