"""Keeping the API key (and webhook tokens) out of logs, errors and reprs, in every form it can take.

A key can show up as itself, JSON- or Python-escaped, URL-encoded (the legacy API sends it in
the query string) or with the stray whitespace of a copy-paste. :func:`secret_forms` lists
those forms; :func:`protect_key` registers them with Airflow's secrets masker and with a
filter on the loggers of the HTTP libraries; :func:`redact` scrubs any text we raise or log.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import quote, quote_plus

from airflow.providers.common.compat.sdk import mask_secret

#: keys shorter than this are not replaced word-for-word (a one-letter test key would garble every line)
MIN_SECRET_LENGTH = 5
#: the legacy API's key, and the receiver token of webhook URLs (which the webhook lookups send as filters)
_QUERY_KEY = re.compile(r"((?:api_key|token)(?:=|%3D))[^&\s\"']+", re.IGNORECASE)


def secret_forms(secret: str) -> set[str]:
    """The ways ``secret`` (and its stripped form) can be written in a log line or a message."""
    forms: set[str] = set()
    for value in {secret, secret.strip()}:
        forms |= {
            value,
            json.dumps(value)[1:-1],
            repr(value)[1:-1],
            quote(value, safe=""),
            quote_plus(value),
            value.encode("unicode_escape").decode("ascii"),
        }
    return {form for form in forms if len(form.strip()) >= MIN_SECRET_LENGTH}


class _SecretFilter(logging.Filter):
    """Scrubs registered secrets from records of loggers we do not own (httpx logs full URLs at INFO)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = redact(message, self.secrets)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


_FILTER = _SecretFilter()
# httpx2 is httpx's successor (Starlette's test client prefers it): it logs the same full URLs.
for _name in ("httpx", "httpcore", "httpx2", "httpcore2"):
    logging.getLogger(_name).addFilter(_FILTER)


def redact(text: str, secrets: set[str] | None = None) -> str:
    """``text`` with every registered secret form (or those of ``secrets``) and query-string keys as ``***``."""
    scrubbed = _QUERY_KEY.sub(r"\1***", text)
    for secret in sorted(_FILTER.secrets if secrets is None else secrets, key=len, reverse=True):
        scrubbed = scrubbed.replace(secret, "***")
    return scrubbed


def protect_key(api_key: str) -> None:
    """Register the key, in all its forms, with Airflow's secrets masker and our log filter."""
    for form in secret_forms(api_key) - _FILTER.secrets:  # once per process: a triggerer makes many hooks
        mask_secret(form)
        _FILTER.secrets.add(form)
