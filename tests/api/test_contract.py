"""A CiviCRM-style client walks the API by its links alone, with a generic HAL client
from PyPI (halchemy, over requests) against a live server: entry point, petitions,
signatures, people, and an incremental sync by modified_date."""

from datetime import UTC, datetime

import pytest
from halchemy import Api

from accounts.models import Supporter
from api.models import ApiToken
from petitions.signatures import reconcile_counts
from tests.factories import PetitionFactory, SignatureFactory

from .osdi import validate, validate_collection


@pytest.fixture
def world(transactional_db, carol, campaign):
    petition = PetitionFactory(campaign=campaign, slug="reform-article-7")
    signatures = SignatureFactory.create_batch(3, petition=petition)
    reconcile_counts()
    token = ApiToken.issue(owner=carol, name="CiviCRM", scope="read")[1]
    return petition, signatures, token


def _client(live_server, token: str) -> Api:
    api = Api(f"{live_server.url}/api/v1/", headers={"OSDI-API-Token": token})
    api.error_handling.raise_for_status_codes = ">399"
    return api


def test_a_hal_client_walks_from_the_entry_point_to_people(live_server, world):
    _petition, signatures, token = world
    api = _client(live_server, token)

    home = api.home.get()
    petitions = api.follow(home).to("osdi:petitions").get()
    [first] = petitions.embedded_many("osdi:petitions")
    signed = api.follow(first).to("osdi:signatures").with_parameters({"per_page": 2}).get()
    pages = [signed]
    while pages[-1].has_rel("next"):
        pages.append(api.follow(pages[-1]).to("next").get())
    people = [
        api.follow(signature).to("osdi:person").get()
        for page in pages
        for signature in page.embedded_many("osdi:signatures")
    ]

    validate(dict(home), "aep")
    validate_collection(dict(petitions), "osdi:petitions")
    assert first["total_signatures"] == 3
    for page in pages:
        validate_collection(dict(page), "osdi:signatures")
    assert [person["identifiers"][0] for person in people] == [
        f"sori:{signature.supporter_id}" for signature in signatures
    ]
    for person in people:
        validate(dict(person), "person")
    assert [p["email_addresses"][0]["address"] for p in people] == [
        s.supporter.email for s in signatures
    ]


def test_an_incremental_sync_sees_only_what_changed(live_server, world):
    petition, _signatures, token = world
    moment = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    Supporter.objects.update(created_at=moment, updated_at=moment)
    api = _client(live_server, token)
    home = api.home.get()
    first_sync = api.follow(home).to("osdi:people").get()
    since = max(p["modified_date"] for p in first_sync.embedded_many("osdi:people"))
    newcomer = SignatureFactory(petition=petition)

    changed = (
        api.follow(home)
        .to("osdi:people")
        .with_parameters({"filter": f"modified_date gt '{since}'"})
        .get()
    )

    assert since == "2026-06-01T09:30:00Z"
    assert [p["identifiers"][0] for p in changed.embedded_many("osdi:people")] == [
        f"sori:{newcomer.supporter_id}"
    ]
