"""Every public name of release 0.1 still imports from its documented path (existing DAGs keep working)."""

from __future__ import annotations

import importlib

import pytest

OPERATORS_0_1 = (
    "ActiveCampaignAddContactToAutomationOperator", "ActiveCampaignAddTagToContactOperator",
    "ActiveCampaignApiCallOperator", "ActiveCampaignBaseOperator", "ActiveCampaignCreateAccountOperator",
    "ActiveCampaignCreateContactOperator", "ActiveCampaignCreateDealNoteOperator", "ActiveCampaignCreateDealOperator",
    "ActiveCampaignCreateFieldOperator", "ActiveCampaignCreateFieldOptionsOperator",
    "ActiveCampaignCreateListOperator", "ActiveCampaignCreateMessageOperator", "ActiveCampaignCreateNoteOperator",
    "ActiveCampaignCreateOperator", "ActiveCampaignCreatePipelineOperator", "ActiveCampaignCreateStageOperator",
    "ActiveCampaignCreateTaskTypeOperator", "ActiveCampaignCreateTrackingEventOperator",
    "ActiveCampaignCreateWebhookOperator", "ActiveCampaignDeleteAccountOperator",
    "ActiveCampaignDeleteCalendarFeedOperator", "ActiveCampaignDeleteCampaignOperator",
    "ActiveCampaignDeleteContactOperator", "ActiveCampaignDeleteDealOperator", "ActiveCampaignDeleteMessageOperator",
    "ActiveCampaignDeleteNoteOperator", "ActiveCampaignDeleteOperator", "ActiveCampaignDeletePipelineOperator",
    "ActiveCampaignDeleteStageOperator", "ActiveCampaignDeleteTaskOperator", "ActiveCampaignDeleteWebhookOperator",
    "ActiveCampaignEnsureWebhookOperator", "ActiveCampaignGetAccountOperator", "ActiveCampaignGetCampaignOperator",
    "ActiveCampaignGetContactAutomationOperator", "ActiveCampaignGetContactOperator",
    "ActiveCampaignGetCurrentUserOperator", "ActiveCampaignGetDealOperator", "ActiveCampaignGetFieldValueOperator",
    "ActiveCampaignGetOperator", "ActiveCampaignGetUserOperator", "ActiveCampaignGetWebhookOperator",
    "ActiveCampaignLegacyAddContactNoteOperator", "ActiveCampaignLegacyApiCallOperator",
    "ActiveCampaignLegacyCreateCampaignOperator", "ActiveCampaignLegacyCreateContactOperator",
    "ActiveCampaignLegacyGetContactOperator", "ActiveCampaignLegacyListCampaignsOperator",
    "ActiveCampaignLegacyManageAutomationOperator", "ActiveCampaignLegacyManageTagsOperator",
    "ActiveCampaignLegacySyncContactOperator", "ActiveCampaignLegacyUpdateContactOperator",
    "ActiveCampaignListAccountsOperator", "ActiveCampaignListAutomationsOperator",
    "ActiveCampaignListCampaignsOperator", "ActiveCampaignListContactAutomationsOperator",
    "ActiveCampaignListContactsOperator", "ActiveCampaignListDealsOperator", "ActiveCampaignListFieldValuesOperator",
    "ActiveCampaignListFieldsOperator", "ActiveCampaignListGroupsOperator", "ActiveCampaignListListsOperator",
    "ActiveCampaignListMessagesOperator", "ActiveCampaignListOperator", "ActiveCampaignListOrganizationsOperator",
    "ActiveCampaignListPipelinesOperator", "ActiveCampaignListStagesOperator",
    "ActiveCampaignListSubscribedContactsOperator", "ActiveCampaignListTaskTypesOperator",
    "ActiveCampaignListTasksOperator", "ActiveCampaignListUsersOperator", "ActiveCampaignListWebhookEventsOperator",
    "ActiveCampaignListWebhooksOperator", "ActiveCampaignMoveDealsToStageOperator",
    "ActiveCampaignRemoveContactFromAutomationOperator", "ActiveCampaignRemoveTagFromContactOperator",
    "ActiveCampaignSetEventTrackingOperator", "ActiveCampaignSyncContactOperator",
    "ActiveCampaignUpdateContactOperator", "ActiveCampaignUpdateDealNoteOperator", "ActiveCampaignUpdateDealOperator",
    "ActiveCampaignUpdateFieldValueOperator", "ActiveCampaignUpdateListStatusOperator",
    "ActiveCampaignUpdateMessageOperator", "ActiveCampaignUpdateOperator", "ActiveCampaignUpdatePipelineOperator",
    "ActiveCampaignUpdateStageOperator", "ActiveCampaignUpdateTaskTypeOperator",
    "ActiveCampaignUpdateWebhookOperator", "ActiveCampaignUpsertCalendarFeedOperator",
    "ActiveCampaignUpsertFieldValueOperator", "ActiveCampaignUpsertTaskOperator",
)

DOCUMENTED = {
    "airflow_provider_activecampaign.operators": OPERATORS_0_1,
    "airflow_provider_activecampaign.sensors": (
        "ActiveCampaignWatchCalendarFeedsSensor", "ActiveCampaignWatchContactAutomationsSensor",
        "ActiveCampaignWatchContactsSensor", "ActiveCampaignWatchDealsSensor", "ActiveCampaignWatchSensor",
        "ActiveCampaignWatchTasksSensor",
    ),
    "airflow_provider_activecampaign.hooks": ("ActiveCampaignAsyncHook", "ActiveCampaignHook"),
    "airflow_provider_activecampaign.hooks.activecampaign": (
        "ActiveCampaignAsyncHook", "ActiveCampaignHook", "DEFAULT_CONN_ID",
    ),
    "airflow_provider_activecampaign.triggers": ("ActiveCampaignWatchTrigger",),
    "airflow_provider_activecampaign.triggers.activecampaign": ("ActiveCampaignWatchTrigger",),
    "airflow_provider_activecampaign.testing": ("ActiveCampaignEmulator",),
    "airflow_provider_activecampaign.testing.emulator": ("ActiveCampaignEmulator",),
    "airflow_provider_activecampaign.plugins.webhooks": ("ActiveCampaignWebhooksPlugin", "activecampaign_asset"),
    "airflow_provider_activecampaign.webhooks": ("activecampaign_asset",),
    "airflow_provider_activecampaign.exceptions": (
        "ActiveCampaignApiError", "ActiveCampaignAuthError", "ActiveCampaignConfigError",
        "ActiveCampaignConnectionError", "ActiveCampaignError", "ActiveCampaignInputError",
        "ActiveCampaignNotFoundError", "ActiveCampaignRateLimitError", "ActiveCampaignValidationError",
    ),
}


@pytest.mark.parametrize("module", list(DOCUMENTED))
def test_public_names_import_from_their_documented_path(module):
    imported = importlib.import_module(module)
    missing = [name for name in DOCUMENTED[module] if not hasattr(imported, name)]
    assert missing == []


def test_the_operators_of_release_0_1_are_all_still_exported():
    from airflow_provider_activecampaign import operators

    assert len(OPERATORS_0_1) == 92
    assert sorted(set(OPERATORS_0_1) - set(operators.__all__)) == []
