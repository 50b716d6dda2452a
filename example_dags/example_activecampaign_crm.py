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
        body={"tag": "customer {{ (dag_run.logical_date or dag_run.run_after) | ds }}", "tagType": "contact",
              "description": "tagged by Airflow"},
    )
    tag_contact = ActiveCampaignAddTagToContactOperator(
        task_id="tag_contact",
        contact_id="{{ ti.xcom_pull(task_ids='sync_contact')['id'] }}",
        tag_id="{{ ti.xcom_pull(task_ids='create_tag')['id'] }}",
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
        contact_id="{{ ti.xcom_pull(task_ids='sync_contact')['id'] }}",
        value="{{ params.deal_value_cents }}",
        currency="eur",
        pipeline_id="{{ ti.xcom_pull(task_ids='find_pipeline')[0]['id'] }}",
        stage_id="{{ ti.xcom_pull(task_ids='find_stage')[0]['id'] }}",
        owner_id="1",
    )
    # [END howto_operator_activecampaign_create_deal]
    # [START howto_operator_activecampaign_task_and_note]
    task_type = ActiveCampaignCreateTaskTypeOperator(
        task_id="create_task_type", title="Call {{ (dag_run.logical_date or dag_run.run_after) | ds }}"
    )
    follow_up = ActiveCampaignUpsertTaskOperator(
        task_id="create_task",
        title="Call {{ params.first_name }}",
        owner_type="deal",
        owner_id="{{ ti.xcom_pull(task_ids='create_deal')['id'] }}",
        task_type_id="{{ ti.xcom_pull(task_ids='create_task_type')['id'] }}",
        due_date="{{ (dag_run.run_after + macros.timedelta(days=2)).isoformat() }}",
        note="Opened by the CRM flow",
    )
    note = ActiveCampaignCreateNoteOperator(
        task_id="note_on_deal",
        note="Deal opened on {{ (dag_run.logical_date or dag_run.run_after) | ds }}",
        object_type="Deal",
        object_id="{{ ti.xcom_pull(task_ids='create_deal')['id'] }}",
    )
    read_back = ActiveCampaignGetDealOperator(
        task_id="read_deal", deal_id="{{ ti.xcom_pull(task_ids='create_deal')['id'] }}"
    )
    # [END howto_operator_activecampaign_task_and_note]

    contact >> tag >> tag_contact
    [tag_contact, pipelines] >> stages >> deal >> task_type >> follow_up >> note >> read_back


from airflow_provider_activecampaign.testing.system_tests import get_test_run

# Run as a system test (tests/examples/test_system.py): one dag.test() run that must succeed.
test_run = get_test_run(dag)
