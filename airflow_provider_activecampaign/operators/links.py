"""Operator extra links: a button on the task that opens the record it created or changed in
ActiveCampaign's app.

A write operator records what it did (:func:`record_done`) under the XCom key
``activecampaign_record``: ``{"action", "kind", "id", "app"}``. :class:`ActiveCampaignRecordLink`
turns that into the record's page, e.g. ``https://ACCOUNT.activehosted.com/app/contacts/7``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from airflow.providers.common.compat.sdk import BaseOperatorLink, XCom

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import BaseOperator

#: The XCom key under which a write operator records the kind and id of the record it changed.
RECORD_XCOM_KEY = "activecampaign_record"

#: Record kinds (catalogue names) with a page of their own in the app: kind -> path under /app.
APP_PAGES = {"contact": "contacts", "deal": "deals", "account": "accounts"}

_API_HOST = re.compile(r"(?P<account>[^.]+)\.api-us\d+\.com", re.IGNORECASE)


def app_url(base_url: str) -> str:
    """The account's app for its API URL: ``https://ACCOUNT.api-us1.com`` -> ``https://ACCOUNT.activehosted.com``.

    A loopback host (the local emulator, which serves no app) has none: ``""``, so no link. Any
    other host (a proxy) is taken to serve the app itself.
    """
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    match = _API_HOST.fullmatch(host)
    if match:
        return f"https://{match['account'].lower()}.activehosted.com"
    if host == "localhost" or _loopback(host):
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def record_page(done: Any) -> str:
    """The app page of a recorded write, or ``""`` (no page: deleted, or a kind without one)."""
    if not isinstance(done, dict) or done.get("action") == "deleted":
        return ""
    path, record_id, app = APP_PAGES.get(str(done.get("kind"))), done.get("id"), done.get("app")
    if not (path and app and record_id not in (None, "")):
        return ""
    return f"{app}/app/{path}/{record_id}"


class ActiveCampaignRecordLink(BaseOperatorLink):
    """"ActiveCampaign": the contact, deal or account the task created or changed, in the app."""

    name = "ActiveCampaign"

    def get_link(self, operator: BaseOperator, *, ti_key: Any) -> str:
        try:
            return record_page(XCom.get_value(ti_key=ti_key, key=RECORD_XCOM_KEY))
        except Exception:  # a link must never fail the task that offers it
            return ""
