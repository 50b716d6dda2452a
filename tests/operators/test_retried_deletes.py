"""A retried delete whose earlier attempt went through: the 404 means done, logged, not a failure."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import ActiveCampaignNotFoundError


def _retry() -> dict:
    return {"ti": SimpleNamespace(try_number=2, xcom_push=lambda key, value: None)}


def test_an_airflow_retry_of_a_delete_that_went_through_succeeds(emulator):
    deal = emulator.insert("deals", title="Gone", contact="1", value="1", currency="usd", group="1", stage="1")
    op = ops.ActiveCampaignDeleteDealOperator(task_id="delete", deal_id=deal["id"])
    op.execute(context={})
    assert op.execute(context=_retry()) == {"deleted": deal["id"], "resource": "deal"}


def test_a_404_on_the_first_attempt_is_still_an_error(emulator):
    with pytest.raises(ActiveCampaignNotFoundError):
        ops.ActiveCampaignDeleteDealOperator(task_id="delete", deal_id=999).execute(context={})


def test_a_delete_whose_reply_was_lost_and_retried_by_the_hook_succeeds(emulator):
    """The first DELETE is processed, its reply dropped; the hook's retry gets 404: done."""
    deal = emulator.insert("deals", title="Gone", contact="1", value="1", currency="usd", group="1", stage="1")
    emulator.inject_fault(method="DELETE", path=f"/api/3/deals/{deal['id']}", drop=True, after_processing=True)
    op = ops.ActiveCampaignDeleteDealOperator(task_id="delete", deal_id=deal["id"])
    op.hook.retry_backoff = 0.01
    assert op.execute(context={})["deleted"] == deal["id"]
    assert [r.status for r in emulator.requests] == [0, 404]


def test_removing_a_tag_by_link_id_on_a_retry_succeeds(emulator):
    link = emulator.insert("contactTags", contact="1", tag="1")
    op = ops.ActiveCampaignRemoveTagFromContactOperator(task_id="untag", contact_tag_id=link["id"])
    op.execute(context={})
    assert op.execute(context=_retry())["deleted"] == link["id"]
