"""The API key in every form it can take is scrubbed from logs, messages and reprs."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest

from airflow_provider_activecampaign.client import ConnectionSettings, RequestCore
from airflow_provider_activecampaign.client.redaction import protect_key, redact, secret_forms

KEY = "redact-me/0123+456789=abc"


@pytest.fixture(autouse=True)
def _protected() -> None:
    protect_key(KEY + "\n")


@pytest.mark.parametrize("form", [KEY, json.dumps(KEY)[1:-1], quote(KEY, safe=""), repr(KEY + "\n")[1:-1],
                                  json.dumps(KEY + "\n")[1:-1], str((KEY + "\n").encode())])
def test_every_form_of_the_key_is_redacted(form):
    assert KEY not in redact(f"before {form} after")
    assert quote(KEY, safe="") not in redact(f"before {form} after")


def test_forms_cover_the_stripped_and_the_raw_key():
    forms = secret_forms(KEY + "\n")
    assert {KEY, KEY + "\n", KEY + "\\n", quote(KEY, safe="")} <= forms


def test_httpx_log_lines_with_the_key_in_a_query_are_scrubbed(caplog):
    caplog.set_level(logging.INFO, logger="httpx")
    logging.getLogger("httpx").info('HTTP Request: GET https://a.b/admin/api.php?api_key=%s "HTTP/1.1 200"',
                                    quote(KEY, safe=""))
    assert all(quote(KEY, safe="") not in r.getMessage() and KEY not in r.getMessage() for r in caplog.records)


def test_a_legacy_call_repr_never_shows_the_key():
    core = RequestCore(ConnectionSettings(base_url="https://acme.api-us1.com", api_key=KEY))
    call = core.legacy("contact_view", params={"id": 1})
    assert KEY not in repr(call) and quote(KEY, safe="") not in repr(call)
    assert ("api_key", KEY) in call.params  # it is still sent
