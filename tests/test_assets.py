"""``activecampaign://`` URIs: built, read and normalized in one place, and registered with Airflow."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from airflow_provider_activecampaign.assets import (
    ResourceRef,
    account_from_url,
    create_asset,
    parse_uri,
    resource_uri,
    sanitize_uri,
)


@pytest.mark.parametrize(("url", "account"), [
    ("https://acme.api-us1.com", "acme"),
    ("https://Acme-EU.api-us2.com/", "acme-eu"),
    ("acme.activehosted.com", "acme"),
    ("http://127.0.0.1:8123", "127-0-0-1-8123"),
])
def test_the_account_of_a_connection_url(url, account):
    assert account_from_url(url) == account


def test_a_resource_uri_is_normalized_and_read_back():
    assert resource_uri("ACME", "/deals/") == "activecampaign://acme/deals"
    assert parse_uri("ActiveCampaign://ACME/webhooks/deal_add") == ResourceRef("acme", "webhooks/deal_add")
    ref = parse_uri("activecampaign://acme/deals")
    assert (ref.namespace, ref.path, ref.uri) == ("activecampaign://acme", "deals", "activecampaign://acme/deals")
    assert sanitize_uri(urlsplit("activecampaign://Acme/deals/")).geturl() == "activecampaign://acme/deals"


@pytest.mark.parametrize("uri", [
    "activecampaign://acme", "activecampaign://acme/", "activecampaign://acme/deals?status=0",
    "activecampaign://acme:443/deals", "activecampaign://key@acme/deals", "activecampaign://a_b/deals",
    "activecampaign://acme/de als", "s3://acme/deals",
])
def test_a_malformed_uri_is_refused(uri):
    with pytest.raises(ValueError, match=r"activecampaign|account label"):
        parse_uri(uri)


def test_airflow_normalizes_activecampaign_assets_with_the_registered_handler():
    from airflow.providers_manager import ProvidersManager

    from airflow_provider_activecampaign import assets

    manager = ProvidersManager()
    assert manager.asset_uri_handlers["activecampaign"] is assets.sanitize_uri
    assert manager.asset_factories["activecampaign"] is assets.create_asset
    assert manager.asset_to_openlineage_converters["activecampaign"] is assets.convert_asset_to_openlineage

    from airflow.providers.common.compat.sdk import Asset

    assert Asset("activecampaign://ACME/deals/").uri == "activecampaign://acme/deals"
    assert create_asset(account="Acme", resource="deals").uri == "activecampaign://acme/deals"
    with pytest.raises(ValueError):
        Asset("activecampaign://acme")


def test_an_asset_becomes_the_lineage_dataset_operators_report():
    pytest.importorskip("airflow.providers.openlineage", reason="the openlineage extra is not installed")
    from airflow.providers.common.compat.sdk import Asset

    from airflow_provider_activecampaign.assets import convert_asset_to_openlineage

    dataset = convert_asset_to_openlineage(Asset("activecampaign://acme/deals"), None)
    assert (dataset.namespace, dataset.name) == ("activecampaign://acme", "deals")
