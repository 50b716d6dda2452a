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
    },
    "retries": {
        "label": "Retries",
        "schema": {"type": ["integer", "null"], "default": 5},
        "description": "How often a rate-limited (429) or failed idempotent request is tried again.",
    },
    "allow_http": {
        "label": "Allow plain http:// (local emulator only)",
        "schema": {"type": ["boolean", "null"], "default": False},
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
    "links", "retry_safe", "export", "custom_fields", "bulk_import",
)

UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden-fields": ["schema", "port", "login"],
    "relabeling": {"host": "API URL", "password": "API key"},
    "placeholders": {
        "host": "https://ACCOUNT.api-us1.com (Settings > Developer)",
        "password": "API key from Settings > Developer",
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
                "retries a delivery, so a short outage must not lose one.",
                "version_added": "0.2.0",
                "type": "float",
                "example": "60",
                "default": "20",
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
        "config": CONFIG,
    }
