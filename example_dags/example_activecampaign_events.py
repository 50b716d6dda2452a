"""Webhooks: a DAG that runs when a deal is created in ActiveCampaign, and summarises the new deals.

The whole flow (details in docs/webhooks.md):

1. Deploy this DAG. Once Airflow has parsed it, the asset ``activecampaign_default_deal_add``
   exists (the webhook receiver refuses events for assets no DAG uses).
2. Give the API server a token (``[activecampaign] webhook_token``) and expose
   ``/activecampaign/webhooks/`` over HTTPS on port 443 (a reverse proxy).
3. Run ``example_activecampaign_events_setup`` once: it registers (or updates) the webhook in
   ActiveCampaign so that ``deal_add`` events are POSTed to the receiver.
4. Each delivery becomes an asset event with the parsed form payload in its ``extra``; this
   DAG runs and logs and returns the new deals (id, title, value, contact).

Deliveries that arrive before the scheduler creates the run are batched into one run, and
ActiveCampaign delivers at least once, so one event may arrive twice, even in two runs. Each
asset event carries ``delivery_key`` (the same for both deliveries of one event, different for
two events): the task skips keys it has seen, in this run and in earlier ones (kept in an
Airflow Variable). It reads the Variable, then writes it back, so the DAG runs one run at a
time (``max_active_runs=1``): two runs at once could both handle one key. Runs the scheduler
makes meanwhile wait in the queue; none is dropped.
"""

from __future__ import annotations

import logging

import pendulum
from airflow.sdk import DAG, Variable, task

# [START howto_asset_activecampaign_webhook]
from airflow_provider_activecampaign.webhooks import activecampaign_asset

#: The account label used in the webhook URL (``/activecampaign/webhooks/<account>``).
ACCOUNT = "default"
DEAL_ADD = activecampaign_asset("deal_add", ACCOUNT)
# [END howto_asset_activecampaign_webhook]

log = logging.getLogger(__name__)
#: The Variable holding the delivery keys already handled (the most recent ones).
SEEN_KEYS = "example_activecampaign_events_seen_keys"
KEEP_KEYS = 10_000

# [START howto_dag_activecampaign_webhook_events]
with DAG(
    dag_id="example_activecampaign_events",
    schedule=[DEAL_ADD],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # the seen-keys Variable is read, then written: one run at a time
    tags=["example", "activecampaign"],
) as dag:

    @task
    def summarise_new_deals(**context) -> list[dict]:
        """One line per new deal from the triggering webhook deliveries (none on a manual run)."""
        deals: dict[str, dict] = {}
        seen: list[str] = Variable.get(SEEN_KEYS, default=[], deserialize_json=True)
        handled = set(seen)
        for event in context["triggering_asset_events"].get(DEAL_ADD, []):
            extra = event.extra or {}
            key = extra.get("delivery_key")
            if key in handled:
                log.info("Skipping a repeated delivery (%s)", key)
                continue  # delivered twice: handled in this run or an earlier one
            payload = extra.get("payload") or {}
            deal = payload.get("deal") or {}
            contact = payload.get("contact") or {}
            deal_id = str(deal.get("id", ""))
            if key:
                handled.add(key)
                seen.append(key)
            if not deal_id or deal_id in deals:
                continue  # not a deal payload
            deals[deal_id] = {
                "id": deal_id,
                "title": deal.get("title"),
                "value": deal.get("value"),
                "currency": deal.get("currency"),
                "contact_email": contact.get("email") or deal.get("contact_email"),
                "date_time": extra.get("date_time"),
                "initiated_from": extra.get("initiated_from"),
            }
            log.info("New deal %s: %r (%s %s)", deal_id, deal.get("title"), deal.get("value"), deal.get("currency"))
        if not deals:
            log.info("No deal_add webhook events in this run")
        Variable.set(SEEN_KEYS, seen[-KEEP_KEYS:], serialize_json=True)
        return list(deals.values())

    summarise_new_deals()
# [END howto_dag_activecampaign_webhook_events]


from airflow_provider_activecampaign.testing.system_tests import get_test_run  # noqa: E402

# Run as a system test (tests/examples/test_system.py): one dag.test() run that must succeed.
test_run = get_test_run(dag)
