"""A create never returns success without a record that has an id (over real HTTP)."""

from __future__ import annotations

import json

import pytest

from airflow_provider_activecampaign.exceptions import ActiveCampaignReplyError
from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateContactOperator,
    ActiveCampaignCreateDealNoteOperator,
    ActiveCampaignCreateOperator,
    ActiveCampaignCreateTrackingEventOperator,
    ActiveCampaignSyncContactOperator,
)
from tests.operators.helpers import run

BROKEN = [
    ('{"contact": {"email": "a@example.com"}}', "keys ['email']"),
    ('{"contact": null}', "NoneType"),
    ("{}", "keys []"),
    ('{"contact": {"id": ""}}', "keys ['id']"),
]


CREATES = {
    "generic": lambda: ActiveCampaignCreateOperator(task_id="t", resource="contact", body={"email": "a@example.com"}),
    "named": lambda: ActiveCampaignCreateContactOperator(task_id="t", email="a@example.com"),
}


@pytest.mark.parametrize(("body", "shown"), BROKEN, ids=["no id", "null record", "empty reply", "empty id"])
@pytest.mark.parametrize("make", [*CREATES.values(), lambda: ActiveCampaignSyncContactOperator(
    task_id="t", email="a@example.com")], ids=[*CREATES, "sync"])
def test_a_created_record_without_an_id_is_an_error_that_may_have_been_processed(emulator, make, body, shown):
    """Nothing was created (the reply is all there is): an error, never success, and never sent twice."""
    emulator.inject_fault(status=201, body=body, method="POST")
    with pytest.raises(ActiveCampaignReplyError) as caught:
        make().execute({})
    assert caught.value.may_have_been_processed
    assert "may have been processed" in str(caught.value) and shown in str(caught.value)
    assert "POST /api/3/contact" in str(caught.value)
    assert len([r for r in emulator.requests if r.method == "POST"]) == 1  # never sent twice
    assert all(c["email"] != "a@example.com" for c in emulator.records("contacts"))


@pytest.mark.parametrize(("body", "shown"), BROKEN, ids=["no id", "null record", "empty reply", "empty id"])
@pytest.mark.parametrize("make", CREATES.values(), ids=list(CREATES))
def test_a_create_processed_behind_a_broken_reply_returns_the_record_it_made(emulator, make, body, shown):
    """The record was created and the reply lost its id: the create finds it instead of failing or re-sending."""
    emulator.inject_fault(status=201, body=body, method="POST", after_processing=True)
    record = make().execute({})
    (made,) = [c for c in emulator.records("contacts") if c["email"] == "a@example.com"]
    assert record["id"] == made["id"]
    assert len([r for r in emulator.requests if r.method == "POST"]) == 1


def test_a_deal_note_without_an_id_is_an_error(emulator):
    deal = emulator.insert("deals", title="d", value="1", currency="usd")["id"]
    emulator.inject_fault(status=201, body=json.dumps({"note": {"note": "x"}}), method="POST")
    with pytest.raises(ActiveCampaignReplyError, match="no note with an 'id'"):
        ActiveCampaignCreateDealNoteOperator(task_id="t", deal_id=deal, note="x").execute({})


def test_records_with_ids_and_name_keyed_records_pass(emulator):
    contact = run(ActiveCampaignCreateOperator(task_id="t", resource="contact", body={"email": "b@example.com"}))
    assert contact["id"] == emulator.ids("contacts")[-1]
    event = run(ActiveCampaignCreateTrackingEventOperator(task_id="e", name="signed up"))
    assert event["name"] == "signed up"
