"""Provider metadata read by Airflow's ProvidersManager (entry point ``apache_airflow_provider``)."""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign import __version__

INTEGRATION = "ActiveCampaign"
PACKAGE = "airflow_provider_activecampaign"

CONNECTION_FIELDS: dict[str, Any] = {
    "requests_per_second": {
        "label": "Requests per second",
        "schema": {"type": ["number", "null"], "default": 5},
        "description": "Client-side rate limit. ActiveCampaign allows 5 per second per account, shared by all keys.",
    },
    "timeout": {
        "label": "Timeout (seconds)",
        "schema": {"type": ["number", "null"], "default": 30},
        "description": "The longest one request may take, connecting and reading the whole reply included; "
                       "a call with its retries takes at most this times (retries + 1).",
    },
    "retries": {
        "label": "Retries",
        "schema": {"type": ["integer", "null"], "default": 5},
        "description": "How often a rate-limited (429) or failed idempotent request is tried again.",
    },
    "allow_http": {
        "label": "Allow plain http:// (local emulator only)",
        "schema": {"type": ["boolean", "null"], "default": False},
        "description": "Only for the local API emulator: the key would travel in clear text.",
    },
    "timezone": {
        "label": "Account time zone",
        "schema": {"type": ["string", "null"], "default": "America/Chicago"},
        "description": "The account's zone (Settings > Account): the legacy API reads date/times in it.",
    },
    "rate_limit_storage": {
        "label": "Shared rate-limit store (Redis URL)",
        "schema": {"type": ["string", "null"]},
        "description": "redis://host:6379/0: every worker and triggerer using it shares the account's budget. "
                       "Empty: each process keeps its own.",
    },
}

#: The modules of ``operators/``: the shared bases, the generic operators, then one per API chapter.
OPERATOR_MODULES = (
    "base", "generic", "legacy", "contacts", "fields", "lists", "tags", "automations", "campaigns", "messages",
    "deals", "pipelines", "tasks", "notes", "accounts", "calendars", "tracking", "users", "webhooks",
    "links", "retry_safe", "export", "export_tombstones", "custom_fields", "bulk_import", "actions", "custom_objects",
    "ecommerce",
)

UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    # Port stays visible: on Airflow 3.3.2 the form's Test button works only for a connection saved with a
    # port (the form sends 0 for an empty one, which Airflow refuses to test with the stored key).
    "hidden-fields": ["schema", "login"],
    "relabeling": {"host": "API URL", "password": "API key"},
    "placeholders": {
        "host": "https://ACCOUNT.api-us1.com (Settings > Developer)",
        "password": "API key from Settings > Developer",
        "port": "443",
    },
}


#: The ``[activecampaign]`` options the package reads (the webhook receiver in the API server).
CONFIG: dict[str, Any] = {
    "activecampaign": {
        "description": "The ActiveCampaign webhook receiver, mounted in the API server at /activecampaign/webhooks/.",
        "options": {
            "webhook_token": {
                "description": "The shared secret ActiveCampaign presents in the webhook URL (?token=...). "
                "At least 16 characters; several, separated by commas, while you rotate. "
                "Without one every delivery is refused (503).",
                "version_added": "0.1.0",
                "type": "string",
                "example": "a-long-random-token,the-previous-token",
                "default": "",
                "sensitive": True,
            },
            "webhook_max_bytes": {
                "description": "The largest webhook body accepted, in bytes (larger ones get 413).",
                "version_added": "0.1.0",
                "type": "integer",
                "example": "1048576",
                "default": "262144",
            },
            "webhook_read_timeout": {
                "description": "Seconds within which a delivery's whole body must arrive (a slower one gets 408).",
                "version_added": "0.2.0",
                "type": "float",
                "example": "30",
                "default": "10",
            },
            "webhook_record_retry_seconds": {
                "description": "How long a delivery keeps trying to record its asset event while the metadata "
                "database is unavailable (locked, restarting) before it answers 500. ActiveCampaign never "
                "retries a delivery, so a short outage must not lose one; keep it well under the time a "
                "sender waits for a reply (the default keeps replies under 10 s).",
                "version_added": "0.2.0",
                "type": "float",
                "example": "8",
                "default": "5",
            },
            "webhook_header_timeout": {
                "description": "Seconds within which a request's headers must arrive at the API server, from "
                "the connection's opening or the previous reply (a slower one gets 408 and the connection is "
                "closed). Applies to every route of the API server's uvicorn. 0 turns it off.",
                "version_added": "0.2.0",
                "type": "float",
                "example": "20",
                "default": "10",
            },
        },
    }
}

#: ``activecampaign://ACCOUNT/RESOURCE`` asset URIs: normalized, built and turned into lineage datasets by one module.
ASSET_URIS = [
    {
        "schemes": ["activecampaign"],
        "handler": f"{PACKAGE}.assets.sanitize_uri",
        "factory": f"{PACKAGE}.assets.create_asset",
        "to_openlineage_converter": f"{PACKAGE}.assets.convert_asset_to_openlineage",
    }
]

#: The documentation site (the package's Project-URL: Documentation).
DOCS = "https://airflow-provider-activecampaign.readthedocs.io/en/latest"
#: How-to guides, as registries of providers link them.
HOW_TO_GUIDES = [f"{DOCS}/{page}.html" for page in (
    "connections", "operators/index", "operators/contacts", "operators/deals", "operators/list-export",
    "operators/bulk-import", "operators/webhooks", "watch", "webhooks", "testing",
)]

#: Operator extra links: each opens, in ActiveCampaign's app, the record a task created or changed.
EXTRA_LINKS = [f"{PACKAGE}.operators.links.ActiveCampaignRecordLink"]


def get_provider_info() -> dict[str, Any]:
    """Describe the provider: integrations, hooks, operators, sensors, triggers, connection type,
    extra links and the ``[activecampaign]`` configuration."""

    def modules(kind: str, names: tuple[str, ...] = ("activecampaign",)) -> list[dict[str, Any]]:
        return [{"integration-name": INTEGRATION, "python-modules": [f"{PACKAGE}.{kind}.{name}" for name in names]}]

    return {
        "package-name": "airflow-provider-activecampaign",
        "name": "ActiveCampaign",
        "description": "`ActiveCampaign <https://www.activecampaign.com/>`__ marketing automation and CRM.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": INTEGRATION,
                "external-doc-url": "https://developers.activecampaign.com/reference/overview",
                "how-to-guide": HOW_TO_GUIDES,
                "logo": f"{DOCS}/_static/activecampaign-logo.svg",
                "tags": ["service"],
            }
        ],
        "hooks": modules("hooks"),
        "operators": modules("operators", OPERATOR_MODULES),
        "sensors": modules("sensors"),
        "triggers": modules("triggers", ("activecampaign", "bulk_import")),
        "connection-types": [
            {
                "hook-class-name": f"{PACKAGE}.hooks.activecampaign.ActiveCampaignHook",
                "hook-name": "ActiveCampaign",
                "connection-type": "activecampaign",
                "conn-fields": CONNECTION_FIELDS,
                "ui-field-behaviour": UI_FIELD_BEHAVIOUR,
            }
        ],
        "extra-links": EXTRA_LINKS,
        "asset-uris": ASSET_URIS,
        "task-decorators": [{"name": "activecampaign", "class-name": f"{PACKAGE}.decorators.activecampaign_task"}],
        "config": CONFIG,
    }
