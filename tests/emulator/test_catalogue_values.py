"""The emulator refuses a request value the catalogue's rule for its field does not take (enums, formats).

The rules are the catalogue's (``catalogue/resources.py`` and ``catalogue/tables``), so the emulator, the
operators and the generic hooks agree on what the API takes; a field whose document example breaks its
rule is left lenient (``Behaviour.lenient``, each with its reason).
"""

from __future__ import annotations

import httpx
import pytest

from airflow_provider_activecampaign.catalogue import RESOURCES as CATALOGUE
from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from airflow_provider_activecampaign.testing.emulator.resources import BEHAVIOURS, EMULATED

DEAL = {"title": "Pilot", "value": 100, "currency": "usd", "contact": "1", "group": "1", "stage": "1"}


@pytest.fixture
def seeded(activecampaign_emulator: ActiveCampaignEmulator) -> ActiveCampaignEmulator:
    """The emulator with contact 1 and deal 1 (in the seed's pipeline 1, stage 1)."""
    activecampaign_emulator.insert("contacts", id="1", email="ada@example.com")
    activecampaign_emulator.insert("deals", id="1", title="Old", contact="1", group="1", stage="1")
    return activecampaign_emulator


def _refused(reply: httpx.Response, field: str) -> str:
    assert reply.status_code == 422, reply.text
    (error,) = reply.json()["errors"]
    assert error["source"]["pointer"] == f"/data/attributes/{field}" and error["code"] == "field_invalid"
    return error["title"]


@pytest.mark.parametrize(("path", "envelope", "body", "field"), [
    ("/deals", "deal", {**DEAL, "status": 7}, "status"),
    ("/deals", "deal", {**DEAL, "status": "bogus"}, "status"),
    ("/deals", "deal", {**DEAL, "currency": "zzz"}, "currency"),
    ("/tags", "tag", {"tag": "vip", "tagType": "bogus"}, "tagType"),
    ("/dealTasks", "dealTask", {"relid": "1", "dealTasktype": "1", "duedate": "2026-01-01T10:00:00-06:00",
                                "status": 5}, "status"),
    ("/dealStages", "dealStage", {"title": "New", "group": "1", "color": "not-a-colour"}, "color"),
    ("/contactLists", "contactList", {"contact": "1", "list": "1", "status": 0}, "status"),
    ("/notes", "note", {"note": "Hi", "relid": "1", "reltype": "Nowhere"}, "reltype"),
])
def test_a_value_the_catalogue_refuses_is_refused_with_422(seeded, api, path, envelope, body, field) -> None:
    before = len(seeded.records(path.strip("/")))

    title = _refused(api.post(path, json={envelope: body}), field)

    assert field in title and "must be" in title
    assert len(seeded.records(path.strip("/"))) == before, "nothing was stored"


def test_an_update_is_checked_too_and_a_good_value_passes(seeded, api) -> None:
    _refused(api.put("/deals/1", json={"deal": {"status": 9}}), "status")
    assert seeded.record("deals", 1)["status"] != "9"

    assert api.put("/deals/1", json={"deal": {"status": 1, "currency": "EUR"}}).status_code == 200
    assert api.post("/deals", json={"deal": {**DEAL, "status": 2}}).status_code == 201


def test_a_lenient_field_takes_what_the_documents_example_sends(seeded, api) -> None:
    """``perstag``: the document's own example sends 'Personalized Tag', which the catalogue's pattern refuses."""
    created = api.post("/fields", json={"field": {"title": "Colour", "type": "text"}})
    field_id = created.json()["field"]["id"]

    reply = api.put(f"/fields/{field_id}", json={"field": {"title": "Colour", "type": "text",
                                                           "perstag": "Personalized Tag"}})

    assert reply.status_code == 200, reply.text
    assert "perstag" in BEHAVIOURS["field"].lenient and "perstag" not in EMULATED["field"].rules


def test_every_checked_rule_is_the_catalogues_own() -> None:
    for name, res in EMULATED.items():
        aliases = {stored: sent for sent, stored in BEHAVIOURS[name].aliases.items()}
        for field, rule in res.rules.items():
            assert CATALOGUE[name].fields[aliases.get(field, field)] is rule, (name, field)
    assert sum(len(res.rules) for res in EMULATED.values()) >= 40


@pytest.mark.parametrize(("path", "envelope", "body", "field"), [
    ("/contacts", "contact", {"email": "ada\u200b@example.com"}, "email"),  # a zero-width space
    ("/contacts", "contact", {"email": "ada@example"}, "email"),
    ("/eventTrackingEvents", "eventTrackingEvent", {"name": "signed-up!"}, "name"),
    ("/webhooks", "webhook", {"name": "Hook", "url": "ftp://example.com/x", "events": ["subscribe"],
                              "sources": ["public"]}, "url"),
])
def test_the_emulators_own_format_checks_are_now_the_catalogues(seeded, api, path, envelope, body, field) -> None:
    title = _refused(api.post(path, json={envelope: body}), field)
    assert "must be" in title


def test_a_required_field_is_not_blanked_by_an_update(seeded, api) -> None:
    _refused(api.put("/contacts/1", json={"contact": {"email": ""}}), "email")
    assert seeded.record("contacts", 1)["email"] == "ada@example.com"
    assert api.put("/contacts/1", json={"contact": {"email": " grace@example.com "}}).status_code == 200
    assert seeded.record("contacts", 1)["email"] == "grace@example.com"


def test_an_override_differs_from_the_catalogue_it_overrides() -> None:
    """``ops``/``stamps``/``required`` in a Behaviour are known differences only, never the catalogue restated."""
    overrides = []
    for name, behaviour in BEHAVIOURS.items():
        described = CATALOGUE[name]
        catalogue = {"ops": set(described.operations), "stamps": (described.created, described.updated),
                     "required": {field for field, rule in described.fields.items() if rule.required}}
        for attr in ("ops", "stamps", "required"):
            given = getattr(behaviour, attr)
            if given is not None:
                assert (tuple(given) if attr == "stamps" else set(given)) != catalogue[attr], (name, attr)
                overrides.append((name, attr))
    assert len(overrides) <= 39, overrides


def test_a_task_outcome_needs_a_sentiment_as_the_catalogue_says(api) -> None:
    """The document's POST /taskOutcomes schema requires title and sentiment: the catalogue now says so too."""
    assert CATALOGUE["taskOutcome"].fields["sentiment"].required
    missing = api.post("/taskOutcomes", json={"taskOutcome": {"title": "Interested"}})
    assert missing.status_code == 422 and missing.json()["errors"][0]["code"] == "field_missing"
    _refused(api.post("/taskOutcomes", json={"taskOutcome": {"title": "Interested", "sentiment": "Happy"}}),
             "sentiment")
    assert api.post("/taskOutcomes", json={"taskOutcome": {"title": "Interested", "sentiment": "Positive"}}
                    ).status_code == 200
