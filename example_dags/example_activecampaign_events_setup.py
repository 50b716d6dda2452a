"""Webhooks, set-up: register the ActiveCampaign webhook that feeds ``example_activecampaign_events``.

Run it by hand (``schedule=None``) after ``example_activecampaign_events`` has been parsed, and
again whenever the URL or the token changes: ``ActiveCampaignEnsureWebhookOperator`` finds the
webhook by name, creates it when missing, updates it when it differs, and never creates a
second one; it fails, changing nothing, if a webhook with another name sends to the same URL.

The receiver URL is ``<base URL>/activecampaign/webhooks/default?token=<token>``, from two
Airflow Variables (or ``AIRFLOW_VAR_...`` environment variables):

- ``activecampaign_webhook_base_url``: where ActiveCampaign reaches the Airflow API server, e.g.
  ``https://airflow-hooks.example.com`` (HTTPS on port 443: ActiveCampaign delivers nowhere else).
  Default ``http://localhost:8080``, which only the local emulator can use.
- ``activecampaign_webhook_token``: one of the tokens in the API server's
  ``[activecampaign] webhook_token``. Required; Airflow masks it in logs and rendered templates
  (its name contains "token"), and the task pushes no XCom, so the URL is not stored there.

See docs/webhooks.md for the reverse proxy and the token.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_activecampaign.operators import ActiveCampaignEnsureWebhookOperator

# [START howto_activecampaign_webhook_receiver_url]
ACCOUNT = "default"  # the account label of example_activecampaign_events' asset
DEFAULT_BASE_URL = "http://localhost:8080"
RECEIVER_URL = (
    "{{ var.value.get('activecampaign_webhook_base_url', '" + DEFAULT_BASE_URL + "').rstrip('/') }}"
    "/activecampaign/webhooks/" + ACCOUNT + "?token={{ var.value.activecampaign_webhook_token }}"
)
# [END howto_activecampaign_webhook_receiver_url]

with DAG(
    dag_id="example_activecampaign_events_setup",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example", "activecampaign"],
) as dag:
    # [START howto_operator_activecampaign_ensure_webhook]
    ActiveCampaignEnsureWebhookOperator(
        task_id="register_webhook",
        name="Airflow deal add",  # letters, digits and spaces; the key the operator finds it by
        url=RECEIVER_URL,
        events=["deal_add"],  # only events some DAG is scheduled on: others are refused (404) and lost
        sources=["public", "admin", "api", "system"],
        do_xcom_push=False,  # the returned webhook carries the URL, and so the token
    )
    # [END howto_operator_activecampaign_ensure_webhook]


from airflow_provider_activecampaign.testing.system_tests import get_test_run  # noqa: E402

# Run as a system test (tests/examples/test_system.py): one dag.test() run that must succeed.
test_run = get_test_run(dag)
