"""An ActiveCampaign API emulator: a real HTTP server on 127.0.0.1 that answers as the API is documented.

It serves the v3 API (``/api/3/...``, header ``Api-Token``) and the legacy API
(``/admin/api.php?api_action=...``) over in-memory state, with ActiveCampaign's envelopes,
string ids, US Central timestamps, paging, ordering, filters, error shapes, rate limit and
form-encoded webhooks, plus fault injection (status, delay, dropped connection) for tests.
Standard library only (and the provider's catalogue, which names the resources, their list
filters and the webhook events).

    with ActiveCampaignEmulator(seed="demo") as emulator:
        httpx.get(emulator.url + "/api/3/contacts", headers={"Api-Token": emulator.api_key})

Command line: ``python -m airflow_provider_activecampaign.testing.emulator --port 8765``.

Modules: ``server`` (HTTP and the facade), ``routes`` (the v3 route table), ``v3`` and ``legacy``
(the handlers), ``store`` (records), ``resources`` and ``shapers`` (what each resource is and
checks), ``filters``, ``deliveries`` (webhooks), ``faults`` (fault injection, rate limit),
``seed``, ``values`` (timestamps, ids, error shapes), ``cli``.
"""

from airflow_provider_activecampaign.testing.emulator.cli import main
from airflow_provider_activecampaign.testing.emulator.server import ActiveCampaignEmulator, RequestRecord

__all__ = ["ActiveCampaignEmulator", "RequestRecord", "main"]
