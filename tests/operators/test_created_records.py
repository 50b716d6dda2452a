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


@pytest.mark.parametrize(("body", "shown"), BROKEN, ids=["no id", "null record", "empty reply", "empty id"])
@pytest.mark.parametrize("make", [
    lambda: ActiveCampaignCreateOperator(task_id="t", resource="contact", body={"email": "a@example.com"}),
    lambda: ActiveCampaignCreateContactOperator(task_id="t", email="a@example.com"),
    lambda: ActiveCampaignSyncContactOperator(task_id="t", email="a@example.com"),
], ids=["generic", "named", "sync"])
def test_a_created_record_without_an_id_is_an_error_that_may_have_been_processed(emulator, make, body, shown):
    emulator.inject_fault(status=201, body=body, method="POST", after_processing=True)
    with pytest.raises(ActiveCampaignReplyError) as caught:
        make().execute({})
    assert caught.value.may_have_been_processed
    assert "may have been processed" in str(caught.value) and shown in str(caught.value)
    assert "POST /api/3/contact" in str(caught.value)
    assert len([r for r in emulator.requests if r.method == "POST"]) == 1  # never sent twice


def test_a_deal_note_without_an_id_is_an_error(emulator):
    deal = emulator.insert("deals", title="d", value="1", currency="usd")["id"]
    emulator.inject_fault(status=201, body=json.dumps({"note": {"note": "x"}}), method="POST", after_processing=True)
    with pytest.raises(ActiveCampaignReplyError, match="no note with an 'id'"):
        ActiveCampaignCreateDealNoteOperator(task_id="t", deal_id=deal, note="x").execute({})


def test_records_with_ids_and_name_keyed_records_pass(emulator):
    contact = run(ActiveCampaignCreateOperator(task_id="t", resource="contact", body={"email": "b@example.com"}))
    assert contact["id"] == emulator.ids("contacts")[-1]
    event = run(ActiveCampaignCreateTrackingEventOperator(task_id="e", name="signed up"))
    assert event["name"] == "signed up"
