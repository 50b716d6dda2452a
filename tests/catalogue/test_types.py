"""The catalogue's rules: each checks a value and converts it to the form the API takes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from airflow_provider_activecampaign.catalogue import Rule, enum, ident
from airflow_provider_activecampaign.catalogue.resources import is_literal
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError

CONVERTED = [
    (Rule("bool"), "false", False), (Rule("bool"), "OFF", False), (Rule("bool"), 0, False),
    (Rule("bool"), "yes", True), (Rule("bool"), True, True), (Rule("bool"), "1", True),
    (Rule("flag"), "false", 0), (Rule("flag"), "on", 1), (Rule("flag"), True, 1), (Rule("flag"), 0, 0),
    (Rule("int"), "10", 10), (Rule("int"), " -3 ", -3), (Rule("int"), 2147483647, 2147483647),
    (Rule("number"), "10", 10), (Rule("number"), "2.5", 2.5), (Rule("number"), 3, 3),
    (ident(), 7, "7"), (ident(), " 7 ", "7"), (ident(), "2147483647", "2147483647"),
    (Rule("email"), " ada@example.com ", "ada@example.com"),
    (Rule("currency"), " USD ", "usd"),
    (enum(0, 1, 2), "2", 2), (enum("deal", "contact"), "Deal", "deal"),
    (Rule("date"), "2030-01-02", "2030-01-02"), (Rule("date"), date(2030, 1, 2), "2030-01-02"),
    (Rule("date"), "2030-01-02T10:00:00Z", "2030-01-02T10:00:00+00:00"),
    (Rule("date"), "2030-01-02 10:00", "2030-01-02T10:00:00+00:00"),
    (Rule("date"), datetime(2030, 1, 2, 10, tzinfo=timezone(timedelta(hours=-6))), "2030-01-02T10:00:00-06:00"),
    (Rule("date"), datetime(2030, 1, 2, 10), "2030-01-02T10:00:00+00:00"),
    (Rule("fields", choices=("customFieldId", "fieldValue")), {"3": "x", "%BUDGET%": 5},
     [{"customFieldId": 3, "fieldValue": "x"}, {"customFieldId": "%BUDGET%", "fieldValue": 5}]),
    (Rule("fields", choices=("field", "value")), [{"field": 3, "value": "x"}], [{"field": "3", "value": "x"}]),
    (Rule("fields", choices=("field", "value")), {"colour": "x"}, [{"field": "%COLOUR%", "value": "x"}]),
]


@pytest.mark.parametrize(("rule", "given", "sent"), CONVERTED, ids=[f"{r.kind}-{g!r}" for r, g, _ in CONVERTED])
def test_values_are_converted_to_the_form_the_api_takes(rule, given, sent):
    converted = rule.check(given, "p")
    assert converted == sent
    assert type(converted) is type(sent)


REFUSED = [
    (Rule("bool"), "maybe", "true or false"), (Rule("bool"), 2, "true or false"),
    (Rule("int"), "1.5", "a whole number"), (Rule("int"), True, "a whole number"),
    (Rule("int"), 2147483648, "a whole number from -2147483648 to 2147483647"),
    (Rule("int", minimum=0), -1, "from 0 to 2147483647"),
    (Rule("number"), "nan", "a number"), (Rule("number"), "1e999", "a number"),
    (ident(), 0, "from 1 to 2147483647"), (ident(), 2147483648, "from 1 to 2147483647"), (ident(), "7a", "id"),
    (ident(), "None", "what a template renders for a missing XCom"),
    (Rule("int"), "None", "what a template renders for a missing XCom"),
    (Rule("date"), "None", "what a template renders for a missing XCom"),
    (Rule("date"), "someday", "a date or date/time"), (Rule("date"), 1700000000, "a date or date/time"),
    (ident(required=True), " ", "given"),
    (Rule("currency"), "usdollar", "currency code"), (enum(1, 2), True, "one of 1, 2"),
]


@pytest.mark.parametrize(("rule", "given", "expected"), REFUSED, ids=[f"{r.kind}-{g!r}" for r, g, _ in REFUSED])
def test_bad_values_are_refused_naming_the_parameter_and_the_expectation(rule, given, expected):
    with pytest.raises(ActiveCampaignInputError) as caught:
        rule.check(given, "due_date")
    assert caught.value.field == "due_date"
    assert expected in caught.value.expected


def test_text_none_stays_text_where_text_is_taken():
    """Only values of other kinds are refused as "None": a note may say None."""
    assert Rule("str").check("None", "note") == "None"


@pytest.mark.parametrize(("value", "literal"), [
    ("text", True), (7, True), (None, True), ({"a": [1, "b"]}, True), (date(2030, 1, 2), True),
    ("{{ ti.xcom_pull('x') }}", False), ({"a": "{{ params.v }}"}, False), (["{% if x %}"], False),
    (object(), False),
])
def test_what_is_final_when_the_dag_is_parsed(value, literal):
    assert is_literal(value) is literal
