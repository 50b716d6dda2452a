"""Booleans are real booleans or exact words; a naive date/time is UTC, said once in the log."""

from __future__ import annotations

import logging

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.catalogue import types
from airflow_provider_activecampaign.catalogue.types import Rule
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError, ActiveCampaignNotFoundError


@pytest.mark.parametrize("word", ["0", "false", "False", "NO", "off", False, 0])
def test_false_words_act_as_false(word, emulator):
    """``missing_ok='0'`` used to act as True (any non-empty text is truthy)."""
    with pytest.raises(ActiveCampaignNotFoundError):
        ops.ActiveCampaignGetContactByEmailOperator(task_id="t", email="nobody@example.com",
                                                    missing_ok=word).execute({})


def test_include_custom_fields_zero_reads_no_custom_fields(emulator):
    deal = emulator.insert("deals", title="D", contact="1", value="1", currency="usd", group="1", stage="1")
    got = ops.ActiveCampaignGetDealOperator(task_id="t", deal_id=deal["id"], include_custom_fields="0").execute({})
    assert "customFields" not in got
    assert [r.path for r in emulator.requests] == [f"/api/3/deals/{deal['id']}"]


@pytest.mark.parametrize("word", ["False ", " true", "t", "2", "none", 2, 1.0])
def test_anything_else_is_refused(word):
    with pytest.raises(ActiveCampaignInputError, match="true or false"):
        Rule("bool").check(word, "flag")


def test_a_naive_date_is_taken_as_utc_and_said_once(caplog, monkeypatch):
    monkeypatch.setattr(types, "_said", [])
    with caplog.at_level(logging.INFO, logger=types.__name__):
        assert Rule("date").check("2030-01-02 10:00", "due_date") == "2030-01-02T10:00:00+00:00"
        Rule("date").check("2030-01-03T10:00:00", "due_date")
        Rule("date").check("2030-01-03T10:00:00+02:00", "due_date")
        Rule("date").check("2030-01-03", "due_date")
    said = [r for r in caplog.records if "taken as UTC" in r.getMessage()]
    assert len(said) == 1
