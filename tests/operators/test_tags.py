"""Tests of the tags operators, over real HTTP against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_activecampaign import operators as ops
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignInputError,
)
from tests.operators.helpers import (
    Case,
    Failure,
    _classes,
    by,
    methods,
    run,
)

HAPPY: dict[str, Case] = {
    "CON-12 add a tag": Case(
        lambda w: ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=w.ada, tag_id=w.lead),
        lambda w, r: by(w.emu, "contactTags", contact=w.ada, tag=w.lead) and r["tag"] == w.lead),
    "CON-13 remove a tag": Case(
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_tag_id=w.link),
        lambda w, r: w.emu.record("contactTags", w.link) is None and r == {"deleted": w.link,
                                                                          "resource": "contactTag"}),
    "CON-13 remove a tag by contact and tag id": Case(
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id=w.ada, tag_id="1"),
        lambda w, r: (w.emu.record("contactTags", w.link) is None and r == {"deleted": w.link,
                                                                           "resource": "contactTag"}
                      and methods(w.emu) == [f"GET /api/3/contacts/{w.ada}/contactTags",
                                             f"DELETE /api/3/contactTags/{w.link}"])),
    "CON-13 remove a tag by contact and tag name": Case(
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id=w.ada, tag=" Customer "),
        lambda w, r: (w.emu.record("contactTags", w.link) is None and r["deleted"] == w.link
                      and methods(w.emu) == ["GET /api/3/tags", f"GET /api/3/contacts/{w.ada}/contactTags",
                                             f"DELETE /api/3/contactTags/{w.link}"]
                      and w.emu.requests[0].query["search"] == ["Customer"])),
    "CON-13 remove a tag the contact does not have": Case(
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id=w.bob, tag="customer"),
        lambda w, r: (r == {"deleted": None, "resource": "contactTag"}
                      and w.emu.record("contactTags", w.link) is not None
                      and not [m for m in methods(w.emu) if m.startswith("DELETE")])),
    "LEG-06 legacy add tags by name": Case(
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="add", tags="vip, lead",
                                                             contact_email="ada@example.com"),
        lambda w, r: len(by(w.emu, "contactTags", contact=w.ada)) == 3),
    "LEG-06 legacy remove tags by name": Case(
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="remove", tags=["customer"],
                                                             contact_email="ada@example.com"),
        lambda w, r: not by(w.emu, "contactTags", contact=w.ada)),
}


BAD_INPUT: list[tuple[type, dict[str, Any], str]] = [
    (ops.ActiveCampaignAddTagToContactOperator, {"contact_id": 1, "tag_id": "vip"}, "tag_id"),
    (ops.ActiveCampaignRemoveTagFromContactOperator, {"contact_tag_id": -4}, "contact_tag_id"),
    (ops.ActiveCampaignLegacyManageTagsOperator, {"action": "add", "tags": ["a,b"], "contact_email": "a@example.com"},
     "tags"),
]


API_ERRORS: dict[str, Failure] = {
    "CON-12 unknown tag": Failure(
        lambda w: ops.ActiveCampaignAddTagToContactOperator(task_id="t", contact_id=w.ada, tag_id=999),
        404, "Tag not found"),
    "CON-13 unknown contact tag": Failure(
        lambda w: ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_tag_id=999),
        404, "No Result found for SubscriberTag with id 999"),
    "LEG-06 unknown contact": Failure(
        lambda w: ops.ActiveCampaignLegacyManageTagsOperator(task_id="t", action="add", tags="vip",
                                                             contact_email="nobody@example.com"),
        200, "Contact not found"),
}


@pytest.mark.parametrize("case", HAPPY.values(), ids=HAPPY.keys())
def test_happy_path(w, case: Case) -> None:
    result = run(case.make(w))
    assert case.check(w, result), result
    assert not w.emu.server_errors


@pytest.mark.parametrize(("operator", "kwargs", "field"), BAD_INPUT,
                         ids=[f"{op.__name__.removeprefix('ActiveCampaign')}-{f}" for op, _, f in BAD_INPUT])
def test_bad_input_is_refused_before_any_request(w, operator: type, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ActiveCampaignInputError) as caught:
        run(operator(task_id="bad_input", **kwargs))
    assert caught.value.field == field
    assert f"{operator.__name__}(task_id='bad_input')" in str(caught.value)
    assert caught.value.expected in str(caught.value)
    assert w.emu.requests == []


@pytest.mark.parametrize("case", API_ERRORS.values(), ids=API_ERRORS.keys())
def test_api_error_reaches_the_exception(w, case: Failure) -> None:
    w.emu.insert("eventTrackingEvents", name="Signed up")
    if case.fault:
        w.emu.inject_fault(**case.fault)
    with pytest.raises(ActiveCampaignApiError) as caught:
        run(case.make(w))
    assert caught.value.status == case.status
    assert case.words in str(caught.value)
    assert f"HTTP {case.status}" in str(caught.value)


OPERATORS = [
    "ActiveCampaignAddTagToContactOperator",
    "ActiveCampaignLegacyManageTagsOperator",
    "ActiveCampaignRemoveTagFromContactOperator",
]


def test_every_operator_of_the_module_is_in_every_table() -> None:
    section = {getattr(ops, name) for name in OPERATORS}
    no_input = {ops.ActiveCampaignListWebhookEventsOperator}  # takes no arguments: nothing to get wrong
    tables = {"HAPPY": _classes(HAPPY.values()), "BAD_INPUT": {op for op, _, _ in BAD_INPUT} | no_input,
              "API_ERRORS": _classes(API_ERRORS.values())}
    for table, classes in tables.items():
        assert section <= classes, (table, sorted(c.__name__ for c in section - classes))


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


def test_removing_a_templated_tag_name(w) -> None:
    op = ops.ActiveCampaignRemoveTagFromContactOperator(task_id="t", contact_id="{{ params.c }}", tag="{{ params.t }}")
    op.render_template_fields({"params": {"c": w.ada, "t": "customer"}})
    assert run(op)["deleted"] == w.link
