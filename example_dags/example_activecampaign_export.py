"""Export: every contact and deal to JSON Lines files (local path or any object storage URL).

List operators page through everything; with ``output_path`` the records stream to storage
and only ``{"path", "count"}`` goes to XCom. Set the Airflow Variable ``activecampaign_export_url`` to e.g.
``s3://bucket/activecampaign`` (with the matching Airflow provider) to export to object storage.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, task

from airflow_provider_activecampaign.operators import (
    ActiveCampaignApiCallOperator,
    ActiveCampaignListContactsOperator,
    ActiveCampaignListDealsOperator,
)

with DAG(
    dag_id="example_activecampaign_export",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example", "activecampaign"],
) as dag:
    # [START howto_operator_activecampaign_list_export]
    # Where the files go (the Variable activecampaign_export_url: a folder, or e.g. s3://bucket/activecampaign),
    # one folder a day: the run's logical date, or when it started for runs without one.
    export_url = "{{ var.value.get('activecampaign_export_url', '/tmp/activecampaign-export') }}"
    day = "{{ (dag_run.logical_date or dag_run.run_after) | ds }}"
    contacts = ActiveCampaignListContactsOperator(
        task_id="export_contacts", output_path=export_url + "/" + day + "/contacts.jsonl"
    )
    deals = ActiveCampaignListDealsOperator(
        task_id="export_open_deals", status=0, order_by="value", order="DESC",
        output_path=export_url + "/" + day + "/open-deals.jsonl",
    )
    # [END howto_operator_activecampaign_list_export]
    # [START howto_operator_activecampaign_api_call]
    users = ActiveCampaignApiCallOperator(task_id="raw_list_users", path="/users", paginate_envelope="users")
    # [END howto_operator_activecampaign_api_call]

    @task
    def report(contacts: dict, deals: dict, users: list) -> dict:
        summary = {"contacts": contacts["count"], "open_deals": deals["count"], "users": len(users),
                   "files": [contacts["path"], deals["path"]]}
        print(f"Exported {summary}")
        return summary

    report(contacts.output, deals.output, users.output)


from airflow_provider_activecampaign.testing.system_tests import get_test_run

# Run as a system test (tests/examples/test_system.py): one dag.test() run that must succeed.
test_run = get_test_run(dag)
