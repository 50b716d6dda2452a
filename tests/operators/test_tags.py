"""Tests of the tags operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignInputError,
)
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    by,
    methods,
    run,
)


@pytest.fixture
def world(w: SimpleNamespace) -> SimpleNamespace:
    """The marketing account (see the conftest's ``w``)."""
    return w


HAPPY: dict[str, CallCase] = {
    "CON-12 add a tag": (
        lambda w: ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=w.ada, tag_id=w.lead),
        lambda emu, w, r: by(emu, "contactTags", contact=w.ada, tag=w.lead) and r["tag"] == w.lead),
    "add a tag by name": (
        lambda w: ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=w.bob, tag=" LEAD "),
        lambda emu, w, r: (by(emu, "contactTags", contact=w.bob, tag=w.lead) and r["tag"] == w.lead
                           and methods(emu) == ["GET /api/3/tags", "POST /api/3/contactTags"])),
    "CON-13 remove a tag": (
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_tag_id=w.link),
        lambda emu, w, r: emu.record("contactTags", w.link) is None and r == {"deleted": w.link,
                                                                         "resource": "contactTag"}),
    "CON-13 remove a tag by contact and tag id": (
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id=w.ada, tag_id="1"),
        lambda emu, w, r: (emu.record("contactTags", w.link) is None
                           and r == {"deleted": w.link, "resource": "contactTag"}
                           # a sub-collection has no meta.total: a second page says it ended
                           and methods(emu) == [f"GET /api/3/contacts/{w.ada}/contactTags"] * 2 + [
                               f"DELETE /api/3/contactTags/{w.link}"])),
    "CON-13 remove a tag by contact and tag name": (
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id=w.ada, tag=" Customer "),
        lambda emu, w, r: (emu.record("contactTags", w.link) is None and r["deleted"] == w.link
                           and methods(emu) == ["GET /api/3/tags", *[f"GET /api/3/contacts/{w.ada}/contactTags"] * 2,
                                                f"DELETE /api/3/contactTags/{w.link}"]
                           and emu.requests[0].query["search"] == ["Customer"])),
    "CON-13 remove a tag the contact does not have": (
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id=w.bob, tag="customer"),
        lambda emu, w, r: (r == {"deleted": None, "resource": "contactTag"}
                           and emu.record("contactTags", w.link) is not None
                           and not [m for m in methods(emu) if m.startswith("DELETE")])),
    "LEG-06 legacy add tags by name": (
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="add", tags="vip, lead",
                                                             contact_email="ada@example.com"),
        lambda emu, w, r: len(by(emu, "contactTags", contact=w.ada)) == 3),
    "LEG-06 legacy remove tags by name": (
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="remove", tags=["customer"],
                                                             contact_email="ada@example.com"),
        lambda emu, w, r: not by(emu, "contactTags", contact=w.ada)),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "AddTagToContactOperator-tag_id": (
        lambda: ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=1, tag_id="vip"), "tag_id"),
    "RemoveTagFromContactOperator-contact_tag_id": (
        lambda: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_tag_id=-4), "contact_tag_id"),
    "LegacyManageTagsOperator-tags": (
        lambda: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="add", tags=["a,b"],
                                                           contact_email="a@example.com"), "tags"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "CON-12 unknown tag": (
        lambda w: ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=w.ada, tag_id=999),
        None, 404, "Tag not found"),
    "CON-13 unknown contact tag": (
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_tag_id=999),
        None, 404, "No Result found for SubscriberTag with id 999"),
    "LEG-06 unknown contact": (
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="add", tags="vip",
                                                             contact_email="nobody@example.com"),
        None, 200, "Contact not found"),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_templated_arguments_are_rendered_before_validation(w) -> None:
    op = ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="{{ params.action }}", tags="vip",
                                                    contact_email="{{ params.email }}")
    op.render_template_fields({"params": {"action": "add", "email": "ada@example.com"}})
    run(op)
    assert len(by(w.emu, "contactTags", contact=w.ada)) == 2


def test_removing_a_tag_by_an_unknown_name_deletes_nothing(w) -> None:
    with pytest.raises(ActiveCampaignInputError, match="the name of an existing tag") as caught:
        run(ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id=w.ada, tag="custmer"))
    assert caught.value.field == "tag"
    assert "ActiveCampaignRemoveTagFromContactOperator(task_id='t')" in str(caught.value)
    assert methods(w.emu) == ["GET /api/3/tags"]
    assert w.emu.record("contactTags", w.link) is not None


def test_removing_a_tag_by_name_twice_is_a_no_op_the_second_time(w) -> None:
    """A retried task finds the tag already removed and changes nothing."""
    make = lambda: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id=w.ada, tag_id=1)  # noqa: E731
    assert run(make())["deleted"] == w.link
    w.emu.clear_requests()
    assert run(make()) == {"deleted": None, "resource": "contactTag"}
    assert [m for m in methods(w.emu) if not m.startswith("GET")] == []


def test_adding_a_templated_tag_name_on_a_retry_adds_it_once(w) -> None:

    import pendulum

    def make():
        op = ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id="{{ params.c }}", tag="{{ params.t }}")
        op.render_template_fields({"params": {"c": w.bob, "t": "lead"}})
        return op

    started = pendulum.now("UTC")
    first = make().execute(context={})
    retry = {"ti": SimpleNamespace(try_number=2, xcom_push=lambda key, value: None),
             "dag_run": SimpleNamespace(start_date=started)}
    assert make().execute(context=retry)["id"] == first["id"]
    assert len(by(w.emu, "contactTags", contact=w.bob)) == 1


def test_adding_a_tag_by_an_unknown_name_adds_nothing(w) -> None:
    with pytest.raises(ActiveCampaignInputError, match="the name of an existing tag"):
        run(ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=w.bob, tag="leed"))
    assert methods(w.emu) == ["GET /api/3/tags"]


def test_removing_a_templated_tag_name(w) -> None:
    op = ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id="{{ params.c }}", tag="{{ params.t }}")
    op.render_template_fields({"params": {"c": w.ada, "t": "customer"}})
    assert run(op)["deleted"] == w.link
