"""A CRM flow: sync a contact, tag it, open a deal with a task and a note, read the deal back.

Runs against any ActiveCampaign account (connection ``activecampaign_default``), or
offline against the emulator (``make demo``). Every value that flows between tasks is
passed with Jinja/XCom, as a DAG author would.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_activecampaign.operators import (
    ActiveCampaignAddTagToContactOperator,
    ActiveCampaignCreateDealOperator,
    ActiveCampaignCreateNoteOperator,
    ActiveCampaignCreateOperator,
    ActiveCampaignCreateTaskTypeOperator,
    ActiveCampaignGetDealOperator,
    ActiveCampaignListPipelinesOperator,
    ActiveCampaignListStagesOperator,
    ActiveCampaignSyncContactOperator,
    ActiveCampaignUpsertTaskOperator,
)

#: The run's day: its logical date, or when it was started for runs without one (``airflow dags trigger``).
DAY = "{{ (logical_date if logical_date is defined else dag_run.run_after) | ds }}"


def xcom(task_id: str, key: str = "id") -> str:
    """Jinja for a field of an upstream task's returned record."""
    return f"{{{{ ti.xcom_pull(task_ids='{task_id}')['{key}'] }}}}"


with DAG(
    dag_id="example_activecampaign_crm",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    params={"email": "ada@example.com", "first_name": "Ada", "deal_value_cents": 150000},
    tags=["example", "activecampaign"],
) as dag:
    # [START howto_operator_activecampaign_sync_contact]
    contact = ActiveCampaignSyncContactOperator(
        task_id="sync_contact",
        email="{{ params.email }}",
        first_name="{{ params.first_name }}",
        last_name="Lovelace",
    )
    # [END howto_operator_activecampaign_sync_contact]
    # [START howto_operator_activecampaign_tag_contact]
    tag = ActiveCampaignCreateOperator(
        task_id="create_tag",
        resource="tag",
        body={"tag": "customer " + DAY, "tagType": "contact", "description": "tagged by Airflow"},
    )
    tag_contact = ActiveCampaignAddTagToContactOperator(
        task_id="tag_contact", contact_id=xcom("sync_contact"), tag_id=xcom("create_tag")
    )
    # [END howto_operator_activecampaign_tag_contact]
    # [START howto_operator_activecampaign_create_deal]
    pipelines = ActiveCampaignListPipelinesOperator(task_id="find_pipeline", limit=1)
    stages = ActiveCampaignListStagesOperator(
        task_id="find_stage", pipeline="{{ ti.xcom_pull(task_ids='find_pipeline')[0]['id'] }}", limit=1
    )
    deal = ActiveCampaignCreateDealOperator(
        task_id="create_deal",
        title="Subscription for {{ params.email }}",
        contact_id=xcom("sync_contact"),
        value="{{ params.deal_value_cents }}",
        currency="eur",
        pipeline_id="{{ ti.xcom_pull(task_ids='find_pipeline')[0]['id'] }}",
        stage_id="{{ ti.xcom_pull(task_ids='find_stage')[0]['id'] }}",
        owner_id="1",
    )
    # [END howto_operator_activecampaign_create_deal]
    # [START howto_operator_activecampaign_task_and_note]
    task_type = ActiveCampaignCreateTaskTypeOperator(task_id="create_task_type", title="Call " + DAY)
    follow_up = ActiveCampaignUpsertTaskOperator(
        task_id="create_task",
        title="Call {{ params.first_name }}",
        owner_type="deal",
        owner_id=xcom("create_deal"),
        task_type_id=xcom("create_task_type"),
        due_date="{{ (dag_run.run_after + macros.timedelta(days=2)).isoformat() }}",
        note="Opened by the CRM flow",
    )
    note = ActiveCampaignCreateNoteOperator(
        task_id="note_on_deal", note="Deal opened on " + DAY, object_type="Deal", object_id=xcom("create_deal")
    )
    read_back = ActiveCampaignGetDealOperator(task_id="read_deal", deal_id=xcom("create_deal"))
    # [END howto_operator_activecampaign_task_and_note]

    contact >> tag >> tag_contact
    [tag_contact, pipelines] >> stages >> deal >> task_type >> follow_up >> note >> read_back


from airflow_provider_activecampaign.testing.system_tests import get_test_run  # noqa: E402

# Run as a system test (tests/examples/test_system.py): one dag.test() run that must succeed.
test_run = get_test_run(dag)
