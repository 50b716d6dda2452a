"""The catalogue's model: free of Airflow, one builder for paths with ids, sub-collections and actions as data."""

from __future__ import annotations

import subprocess
import sys

import pytest

from airflow_provider_activecampaign.catalogue import (
    RESOURCES,
    SUBCOLLECTIONS,
    CatalogueInputError,
    action,
    resource,
    sub_collection,
)
from airflow_provider_activecampaign.exceptions import ActiveCampaignError, ActiveCampaignInputError


def test_the_catalogue_imports_without_airflow_or_pendulum() -> None:
    code = (
        "import sys\n"
        "import airflow_provider_activecampaign.catalogue as c\n"
        "from airflow_provider_activecampaign.catalogue import resource\n"
        "loaded = [m for m in sys.modules if m == 'airflow' or m.startswith(('airflow.', 'pendulum'))]\n"
        "assert not loaded, loaded\n"
        "try:\n"
        "    resource('deal').item_path('x')\n"
        "except c.CatalogueInputError as error:\n"
        "    assert type(error) is c.CatalogueInputError, type(error)\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "field 'record_id' must be an ActiveCampaign id" in done.stdout


def test_with_airflow_loaded_the_catalogue_raises_the_airflow_family() -> None:
    with pytest.raises(ActiveCampaignInputError) as caught:
        resource("deal").item_path("x")
    assert isinstance(caught.value, (ActiveCampaignError, CatalogueInputError, ValueError))


def test_sub_collection_paths_are_built_in_one_place() -> None:
    tags = sub_collection("contact", "contactTag")
    assert tags.collection_path(" 7") == "contacts/7/contactTags"
    assert tags.name == "contact.contactTags"
    with pytest.raises(CatalogueInputError, match="parent_id"):
        tags.collection_path(None)
    with pytest.raises(CatalogueInputError, match="a resource listed under a contact"):
        sub_collection("contact", "calendar")


def test_every_sub_collection_joins_two_catalogue_resources() -> None:
    for (parent, child), sub in SUBCOLLECTIONS.items():
        assert parent in RESOURCES and child in RESOURCES, sub
        assert "{parent}" in sub.path, sub


@pytest.mark.parametrize("bad", ["7/../8", "a?b", "", None])
def test_a_path_segment_is_one_segment(bad: object) -> None:
    with pytest.raises(CatalogueInputError):
        resource("deal").item_path(bad)


def test_an_unknown_action_lists_the_known_ones() -> None:
    with pytest.raises(CatalogueInputError, match="a catalogue action"):
        action("deal.teleport")


def test_every_custom_field_value_in_the_catalogue_names_where_its_fields_are_listed():
    """Each body field holding custom field ids (a list of values, or a ``customFieldId``) names the
    resource listing the account's fields, so its ids are checked before a write."""
    from airflow_provider_activecampaign.catalogue import ACTIONS, RESOURCES, resource

    holders = [(spec.name, name, rule) for spec in (*RESOURCES.values(), *ACTIONS.values())
               for name, rule in spec.fields.items() if rule.kind == "fields" or name == "customFieldId"]
    assert len(holders) == 6  # contact, contact.sync, deal, account, and the deal and account field data
    for owner, name, rule in holders:
        assert rule.defined_by is not None, f"{owner}.{name}"
        listing = resource(rule.defined_by)
        assert "list" in listing.operations and listing.plural == listing.path, f"{owner}.{name}"
    named = {(owner, name): rule.defined_by for owner, name, rule in holders}
    assert named[("contact", "fieldValues")] == named[("contact.sync", "fieldValues")] == "field"
    assert named[("deal", "fields")] == named[("dealCustomFieldDatum", "customFieldId")] == "dealCustomFieldMetum"
    assert named[("account", "fields")] == "accountCustomFieldMetum"
    assert RESOURCES["fieldValue"].fields["field"].defined_by == "field"
