"""Operators for every action of the catalogue (see docs/coverage.md).

One module per API chapter; :mod:`.base` and :mod:`.generic` hold what they share.
"""

from airflow_provider_activecampaign.operators.accounts import (
    ActiveCampaignCreateAccountOperator,
    ActiveCampaignDeleteAccountOperator,
    ActiveCampaignGetAccountOperator,
    ActiveCampaignListAccountsOperator,
    ActiveCampaignListOrganizationsOperator,
)
from airflow_provider_activecampaign.operators.actions import ActiveCampaignActionOperator
from airflow_provider_activecampaign.operators.automations import (
    ActiveCampaignAddContactToAutomationOperator,
    ActiveCampaignGetContactAutomationOperator,
    ActiveCampaignLegacyManageAutomationOperator,
    ActiveCampaignListAutomationsOperator,
    ActiveCampaignListContactAutomationsOperator,
    ActiveCampaignRemoveContactFromAutomationOperator,
)
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator
from airflow_provider_activecampaign.operators.bulk_import import ActiveCampaignBulkImportContactsOperator
from airflow_provider_activecampaign.operators.calendars import (
    ActiveCampaignDeleteCalendarFeedOperator,
    ActiveCampaignUpsertCalendarFeedOperator,
)
from airflow_provider_activecampaign.operators.campaigns import (
    ActiveCampaignDeleteCampaignOperator,
    ActiveCampaignGetCampaignOperator,
    ActiveCampaignLegacyCreateCampaignOperator,
    ActiveCampaignLegacyListCampaignsOperator,
    ActiveCampaignListCampaignsOperator,
)
from airflow_provider_activecampaign.operators.contacts import (
    ActiveCampaignCreateContactOperator,
    ActiveCampaignDeleteContactOperator,
    ActiveCampaignGetContactByEmailOperator,
    ActiveCampaignGetContactOperator,
    ActiveCampaignLegacyCreateContactOperator,
    ActiveCampaignLegacyGetContactOperator,
    ActiveCampaignLegacySyncContactOperator,
    ActiveCampaignLegacyUpdateContactOperator,
    ActiveCampaignListContactsOperator,
    ActiveCampaignListSubscribedContactsOperator,
    ActiveCampaignSyncContactOperator,
    ActiveCampaignUpdateContactOperator,
)
from airflow_provider_activecampaign.operators.custom_objects import (
    ActiveCampaignDeleteCustomObjectRecordOperator,
    ActiveCampaignListCustomObjectRecordsOperator,
    ActiveCampaignUpsertCustomObjectRecordOperator,
)
from airflow_provider_activecampaign.operators.deals import (
    ActiveCampaignCreateDealNoteOperator,
    ActiveCampaignCreateDealOperator,
    ActiveCampaignDeleteDealOperator,
    ActiveCampaignGetDealOperator,
    ActiveCampaignListDealsOperator,
    ActiveCampaignMoveDealsToStageOperator,
    ActiveCampaignUpdateDealNoteOperator,
    ActiveCampaignUpdateDealOperator,
)
from airflow_provider_activecampaign.operators.ecommerce import (
    ActiveCampaignCreateEcomCustomerOperator,
    ActiveCampaignCreateEcomOrderOperator,
)
from airflow_provider_activecampaign.operators.export import ActiveCampaignIncrementalExportOperator
from airflow_provider_activecampaign.operators.fields import (
    ActiveCampaignCreateFieldOperator,
    ActiveCampaignCreateFieldOptionsOperator,
    ActiveCampaignGetFieldValueOperator,
    ActiveCampaignListFieldsOperator,
    ActiveCampaignListFieldValuesOperator,
    ActiveCampaignUpdateFieldValueOperator,
    ActiveCampaignUpsertFieldValueOperator,
)
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignApiCallOperator,
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignGetOperator,
    ActiveCampaignLegacyApiCallOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
)
from airflow_provider_activecampaign.operators.lists import (
    ActiveCampaignCreateListOperator,
    ActiveCampaignListListsOperator,
    ActiveCampaignUpdateListStatusOperator,
)
from airflow_provider_activecampaign.operators.messages import (
    ActiveCampaignCreateMessageOperator,
    ActiveCampaignDeleteMessageOperator,
    ActiveCampaignListMessagesOperator,
    ActiveCampaignUpdateMessageOperator,
)
from airflow_provider_activecampaign.operators.notes import (
    ActiveCampaignCreateNoteOperator,
    ActiveCampaignDeleteNoteOperator,
    ActiveCampaignLegacyAddContactNoteOperator,
)
from airflow_provider_activecampaign.operators.pipelines import (
    ActiveCampaignCreatePipelineOperator,
    ActiveCampaignCreateStageOperator,
    ActiveCampaignDeletePipelineOperator,
    ActiveCampaignDeleteStageOperator,
    ActiveCampaignListPipelinesOperator,
    ActiveCampaignListStagesOperator,
    ActiveCampaignUpdatePipelineOperator,
    ActiveCampaignUpdateStageOperator,
)
from airflow_provider_activecampaign.operators.tags import (
    ActiveCampaignAddTagToContactOperator,
    ActiveCampaignLegacyManageTagsOperator,
    ActiveCampaignRemoveTagFromContactOperator,
)
from airflow_provider_activecampaign.operators.tasks import (
    ActiveCampaignCreateTaskTypeOperator,
    ActiveCampaignDeleteTaskOperator,
    ActiveCampaignListTasksOperator,
    ActiveCampaignListTaskTypesOperator,
    ActiveCampaignUpdateTaskTypeOperator,
    ActiveCampaignUpsertTaskOperator,
)
from airflow_provider_activecampaign.operators.tracking import (
    ActiveCampaignCreateTrackingEventOperator,
    ActiveCampaignSetEventTrackingOperator,
)
from airflow_provider_activecampaign.operators.users import (
    ActiveCampaignGetCurrentUserOperator,
    ActiveCampaignGetUserOperator,
    ActiveCampaignListGroupsOperator,
    ActiveCampaignListUsersOperator,
)
from airflow_provider_activecampaign.operators.webhooks import (
    ActiveCampaignCreateWebhookOperator,
    ActiveCampaignDeleteWebhookOperator,
    ActiveCampaignEnsureWebhookOperator,
    ActiveCampaignGetWebhookOperator,
    ActiveCampaignListWebhookEventsOperator,
    ActiveCampaignListWebhooksOperator,
    ActiveCampaignUpdateWebhookOperator,
)

__all__ = [
    "ActiveCampaignActionOperator",
    "ActiveCampaignAddContactToAutomationOperator",
    "ActiveCampaignAddTagToContactOperator",
    "ActiveCampaignApiCallOperator",
    "ActiveCampaignBaseOperator",
    "ActiveCampaignBulkImportContactsOperator",
    "ActiveCampaignCreateAccountOperator",
    "ActiveCampaignCreateContactOperator",
    "ActiveCampaignCreateDealNoteOperator",
    "ActiveCampaignCreateDealOperator",
    "ActiveCampaignCreateEcomCustomerOperator",
    "ActiveCampaignCreateEcomOrderOperator",
    "ActiveCampaignCreateFieldOperator",
    "ActiveCampaignCreateFieldOptionsOperator",
    "ActiveCampaignCreateListOperator",
    "ActiveCampaignCreateMessageOperator",
    "ActiveCampaignCreateNoteOperator",
    "ActiveCampaignCreateOperator",
    "ActiveCampaignCreatePipelineOperator",
    "ActiveCampaignCreateStageOperator",
    "ActiveCampaignCreateTaskTypeOperator",
    "ActiveCampaignCreateTrackingEventOperator",
    "ActiveCampaignCreateWebhookOperator",
    "ActiveCampaignDeleteAccountOperator",
    "ActiveCampaignDeleteCalendarFeedOperator",
    "ActiveCampaignDeleteCampaignOperator",
    "ActiveCampaignDeleteContactOperator",
    "ActiveCampaignDeleteCustomObjectRecordOperator",
    "ActiveCampaignDeleteDealOperator",
    "ActiveCampaignDeleteMessageOperator",
    "ActiveCampaignDeleteNoteOperator",
    "ActiveCampaignDeleteOperator",
    "ActiveCampaignDeletePipelineOperator",
    "ActiveCampaignDeleteStageOperator",
    "ActiveCampaignDeleteTaskOperator",
    "ActiveCampaignDeleteWebhookOperator",
    "ActiveCampaignEnsureWebhookOperator",
    "ActiveCampaignGetAccountOperator",
    "ActiveCampaignGetCampaignOperator",
    "ActiveCampaignGetContactAutomationOperator",
    "ActiveCampaignGetContactByEmailOperator",
    "ActiveCampaignGetContactOperator",
    "ActiveCampaignGetCurrentUserOperator",
    "ActiveCampaignGetDealOperator",
    "ActiveCampaignGetFieldValueOperator",
    "ActiveCampaignGetOperator",
    "ActiveCampaignGetUserOperator",
    "ActiveCampaignGetWebhookOperator",
    "ActiveCampaignIncrementalExportOperator",
    "ActiveCampaignLegacyAddContactNoteOperator",
    "ActiveCampaignLegacyApiCallOperator",
    "ActiveCampaignLegacyCreateCampaignOperator",
    "ActiveCampaignLegacyCreateContactOperator",
    "ActiveCampaignLegacyGetContactOperator",
    "ActiveCampaignLegacyListCampaignsOperator",
    "ActiveCampaignLegacyManageAutomationOperator",
    "ActiveCampaignLegacyManageTagsOperator",
    "ActiveCampaignLegacySyncContactOperator",
    "ActiveCampaignLegacyUpdateContactOperator",
    "ActiveCampaignListAccountsOperator",
    "ActiveCampaignListAutomationsOperator",
    "ActiveCampaignListCampaignsOperator",
    "ActiveCampaignListContactAutomationsOperator",
    "ActiveCampaignListContactsOperator",
    "ActiveCampaignListCustomObjectRecordsOperator",
    "ActiveCampaignListDealsOperator",
    "ActiveCampaignListFieldValuesOperator",
    "ActiveCampaignListFieldsOperator",
    "ActiveCampaignListGroupsOperator",
    "ActiveCampaignListListsOperator",
    "ActiveCampaignListMessagesOperator",
    "ActiveCampaignListOperator",
    "ActiveCampaignListOrganizationsOperator",
    "ActiveCampaignListPipelinesOperator",
    "ActiveCampaignListStagesOperator",
    "ActiveCampaignListSubscribedContactsOperator",
    "ActiveCampaignListTaskTypesOperator",
    "ActiveCampaignListTasksOperator",
    "ActiveCampaignListUsersOperator",
    "ActiveCampaignListWebhookEventsOperator",
    "ActiveCampaignListWebhooksOperator",
    "ActiveCampaignMoveDealsToStageOperator",
    "ActiveCampaignRemoveContactFromAutomationOperator",
    "ActiveCampaignRemoveTagFromContactOperator",
    "ActiveCampaignSetEventTrackingOperator",
    "ActiveCampaignSyncContactOperator",
    "ActiveCampaignUpdateContactOperator",
    "ActiveCampaignUpdateDealNoteOperator",
    "ActiveCampaignUpdateDealOperator",
    "ActiveCampaignUpdateFieldValueOperator",
    "ActiveCampaignUpdateListStatusOperator",
    "ActiveCampaignUpdateMessageOperator",
    "ActiveCampaignUpdateOperator",
    "ActiveCampaignUpdatePipelineOperator",
    "ActiveCampaignUpdateStageOperator",
    "ActiveCampaignUpdateTaskTypeOperator",
    "ActiveCampaignUpdateWebhookOperator",
    "ActiveCampaignUpsertCalendarFeedOperator",
    "ActiveCampaignUpsertCustomObjectRecordOperator",
    "ActiveCampaignUpsertFieldValueOperator",
    "ActiveCampaignUpsertTaskOperator",
]
