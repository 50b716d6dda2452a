"""Keeping the API key (and webhook tokens) out of logs: Airflow's masker plus a filter on httpx's loggers."""

from __future__ import annotations

import logging
import re

from airflow.providers.common.compat.sdk import mask_secret


class _KeyRedactingFilter(logging.Filter):
    """Scrubs API keys and webhook tokens from records of loggers we do not own (httpx logs full URLs at INFO)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    #: keys shorter than this are not replaced word-for-word (a one-letter test key would garble every line)
    MIN_LENGTH = 5
    #: the legacy API's key, and the receiver token of webhook URLs (which the webhook lookups send as filters)
    _QUERY_KEY = re.compile(r"((?:api_key|token)(?:=|%3D))[^&\s\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = self._QUERY_KEY.sub(r"\1***", message)
        for secret in self.secrets:
            scrubbed = scrubbed.replace(secret, "***")
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


_REDACTOR = _KeyRedactingFilter()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_REDACTOR)


def protect_key(api_key: str) -> None:
    """Register the key with Airflow's secrets masker and our filter on httpx's loggers."""
    mask_secret(api_key)
    if len(api_key) >= _KeyRedactingFilter.MIN_LENGTH:
        _REDACTOR.secrets.add(api_key)

