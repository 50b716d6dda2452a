"""Reading replies: the JSON the API promised, or an error in ActiveCampaign's own words.

A 2xx reply that is not JSON (a proxy's HTML page, a truncated body) or lacks the envelope
the call expects is not a success: it raises :class:`ActiveCampaignReplyError`, which the
request core retries for reads and reports as "may have been processed" for writes.
"""

from __future__ import annotations

import email.utils
import json as jsonlib
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignReplyError,
    error_class_for,
)

if TYPE_CHECKING:
    from airflow_provider_activecampaign.client.core import Call

_MAX_MESSAGE = 1000
_EXCERPT = 120
MAY_HAVE_BEEN_PROCESSED = "the request may have been processed; check before sending it again"


def read_reply(call: Call, response: httpx.Response, *, redact: Callable[[str], str], target: str) -> Any:
    """The reply's JSON; raises the provider's errors for error statuses and broken or failed replies."""
    status = response.status_code
    if status >= 400:
        body = _lenient_body(response, redact)
        message, errors = error_message(body, response, redact)
        if status == 403:
            message += " (the API key is the likely cause: check it, and that its user may do this)"
        elif status >= 500 and not call.idempotent:
            message += f" ({MAY_HAVE_BEEN_PROCESSED})"
        raise error_class_for(status)(call.method, call.path, status, message, errors=errors,
                                      retry_after=retry_after(response), target=target,
                                      may_have_been_processed=status >= 500 and not call.idempotent)
    body = _json_body(call, response, redact, target)
    if isinstance(body, dict):
        failed = next((k for k in ("result_code", "success", "succeeded") if str(body.get(k, "1")) == "0"), None)
        if failed:
            message = redact(str(body.get("result_message") or body.get("message") or f"{failed}: 0"))
            raise ActiveCampaignApiError(call.method, call.path, status, message, target=target)
    if call.expect and not (isinstance(body, dict) and call.expect in body):
        keys = ", ".join(sorted(body)[:8]) if isinstance(body, dict) else type(body).__name__
        raise _broken(call, status, f"it has no {call.expect!r} ({keys or 'empty'})", target)
    return body


def _json_body(call: Call, response: httpx.Response, redact: Callable[[str], str], target: str) -> Any:
    if not response.content:
        if call.expect:
            raise _broken(call, response.status_code, "it is empty", target)
        return None
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        excerpt = redact(response.content[:_EXCERPT].decode("utf-8", "replace")).strip()
        raise _broken(call, response.status_code, f"it is not JSON: {excerpt!r}", target) from None


def _broken(call: Call, status: int, why: str, target: str) -> ActiveCampaignReplyError:
    message = f"the reply is not what the API promises: {why}"
    if not call.idempotent:
        message += f" ({MAY_HAVE_BEEN_PROCESSED})"
    return ActiveCampaignReplyError(call.method, call.path, status, message, target=target,
                                    may_have_been_processed=not call.idempotent)


def _lenient_body(response: httpx.Response, redact: Callable[[str], str]) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return redact(response.text.strip())[:_MAX_MESSAGE]


def error_message(
    body: Any, response: httpx.Response, redact: Callable[[str], str]
) -> tuple[str, list[dict[str, Any]]]:
    """ActiveCampaign's own words for an error reply, and its ``errors`` list."""
    errors: list[dict[str, Any]] = []
    message = ""
    if isinstance(body, dict):
        raw = body.get("errors")
        if isinstance(raw, dict):
            raw = [{"title": f"{k}: {v}"} for k, v in raw.items()]
        if isinstance(raw, list):
            errors = [e if isinstance(e, dict) else {"title": str(e)} for e in raw]
            message = "; ".join(_describe_error(e) for e in errors)
        message = message or str(body.get("message") or body.get("result_message") or body.get("error") or "")
        if not errors and isinstance(body.get("failureReasons"), list):  # the bulk import's 400s
            errors = [_failure_reason(reason) for reason in body["failureReasons"]]
            message = "; ".join([*([message] if message else []), *(e["title"] for e in errors[:3])])
            message += f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        if not message:
            message = jsonlib.dumps(body)[:_MAX_MESSAGE]
    elif isinstance(body, str):
        message = body
    elif isinstance(body, list):
        message = jsonlib.dumps(body)[:_MAX_MESSAGE]
    return redact(message or response.reason_phrase or "no message"), errors


def _failure_reason(reason: Any) -> dict[str, Any]:
    """One of the bulk import's ``failureReasons``: text, or ``{"contact": index, "failureReason": text}``."""
    if isinstance(reason, dict):
        text = str(reason.get("failureReason") or "refused")
        return {"title": f"contact {reason.get('contact')}: {text}", "contact": reason.get("contact"), "reason": text}
    return {"title": str(reason), "reason": str(reason)}


def _describe_error(error: Mapping[str, Any]) -> str:
    text = str(error.get("title") or error.get("code") or "error")
    detail = error.get("detail")
    if detail and detail != text:
        text += f": {detail}"
    pointer = (error.get("source") or {}).get("pointer") if isinstance(error.get("source"), dict) else None
    if pointer:
        text += f" (field {pointer.rstrip('/').rsplit('/', 1)[-1]})"
    return text


def retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
