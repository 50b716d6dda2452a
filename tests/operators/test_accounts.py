"""Tests of the accounts operators, over real HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_activecampaign.operators import (
    ActiveCampaignCreateAccountOperator,
    ActiveCampaignDeleteAccountOperator,
    ActiveCampaignGetAccountOperator,
    ActiveCampaignListAccountsOperator,
    ActiveCampaignListOrganizationsOperator,
)
from tests.operators import tables
from tests.operators.helpers import (
    ApiErrorCase,
    CallCase,
    forbidden,
    missing,
    run,
)


@pytest.fixture
def world(crm_world: dict[str, str]) -> dict[str, str]:
    """The deals account (see the conftest's ``crm_world``)."""
    return crm_world


HAPPY: dict[str, CallCase] = {
    "ACC-01 create account": (
        lambda w: ActiveCampaignCreateAccountOperator(task_id="t", name="Difference Ltd",
                                                      account_url="https://difference.example"),
        lambda emu, w, account: emu.record("accounts", account["id"])["accountUrl"] == "https://difference.example",
    ),
    "ACC-02 get account": (
        lambda w: ActiveCampaignGetAccountOperator(task_id="t", account_id=w["account"]),
        lambda emu, w, account: account["name"] == "Analytical Engines",
    ),
    "ACC-03 delete account": (
        lambda w: ActiveCampaignDeleteAccountOperator(task_id="t", account_id=w["account"]),
        lambda emu, w, result: emu.record("accounts", w["account"]) is None,
    ),
    "ACC-04 list accounts": (
        lambda w: ActiveCampaignListAccountsOperator(task_id="t", search="engine", count_deals=True),
        lambda emu, w, accounts: [a["name"] for a in accounts] == ["Analytical Engines"] and "dealCount" in accounts[0],
    ),
    "ORG-01 list organizations": (
        lambda w: ActiveCampaignListOrganizationsOperator(task_id="t", name="babbage"),
        lambda emu, w, orgs: [o["id"] for o in orgs] == [w["organization"]],
    ),
}


BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "ACC-01": (lambda: ActiveCampaignCreateAccountOperator(task_id="t", name=""), "name"),
    "ACC-02": (lambda: ActiveCampaignGetAccountOperator(task_id="t", account_id="acme"), "account_id"),
    "ACC-03": (lambda: ActiveCampaignDeleteAccountOperator(task_id="t", account_id=None), "account_id"),
    "ACC-04": (lambda: ActiveCampaignListAccountsOperator(task_id="t", count_deals="maybe"), "count_deals"),
    "ORG-01": (lambda: ActiveCampaignListOrganizationsOperator(task_id="t", limit=-3), "limit"),
}


API_ERRORS: dict[str, ApiErrorCase] = {
    "ACC-01": (lambda w: ActiveCampaignCreateAccountOperator(task_id="t", name="Analytical Engines"),
               None, 422, 'An account named "Analytical Engines" already exists'),
    "ACC-02": missing("CustomerAccount", lambda w: ActiveCampaignGetAccountOperator(task_id="t", account_id=999)),
    "ACC-03": missing("CustomerAccount", lambda w: ActiveCampaignDeleteAccountOperator(task_id="t", account_id=999)),
    "ACC-04": forbidden("accounts", lambda w: ActiveCampaignListAccountsOperator(task_id="t")),
    "ORG-01": forbidden("organizations", lambda w: ActiveCampaignListOrganizationsOperator(task_id="t")),
}


test_happy_path = tables.happy_path
test_bad_input_is_refused_before_any_request = tables.bad_input_is_refused_before_any_request
test_api_error_carries_status_and_message = tables.api_error_carries_status_and_message
test_every_operator_of_the_chapter_is_in_every_table = tables.every_operator_of_the_chapter_is_in_every_table


def test_list_organizations_falls_back_to_accounts(emulator, world):
    """Accounts made after organizations were deprecated answer 404 for /organizations."""
    emulator.inject_fault(status=404, method="GET", path="organizations", body='{"message": "Not Found"}')
    accounts = run(ActiveCampaignListOrganizationsOperator(task_id="t", name="analytical"))
    assert [a["id"] for a in accounts] == [world["account"]]
    assert [(r.path, r.status) for r in emulator.requests] == [("/api/3/organizations", 404),
                                                               ("/api/3/accounts", 200)]
    assert emulator.requests[1].query["search"] == ["analytical"]
