"""The read API: entry point, collections, paging, filters, privacy and audit."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from accounts import notices
from accounts.models import AuditEntry, ConsentRecord
from accounts.services import record_consent
from api.models import ForeignIdentifier, Kind
from petitions.models import Signature
from petitions.signatures import reconcile_counts
from tests.factories import (
    LetterActionFactory,
    LetterFactory,
    PaymentFactory,
    PetitionFactory,
    SignatureFactory,
    SupporterFactory,
)

from .conftest import ApiClient
from .osdi import validate, validate_collection

pytestmark = pytest.mark.django_db


def test_entry_point_describes_the_api(staff_api):
    response = staff_api.get("/api/v1/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/hal+json"
    body = validate(response.json(), "aep")
    assert (body["vendor_name"], body["namespace"], body["max_pagesize"]) == ("Sori", "sori", 100)
    assert body["_links"]["osdi:petitions"]["href"] == "http://testserver/api/v1/petitions"
    assert body["_links"]["osdi:person_signup_helper"]["href"] == "http://testserver/api/v1/people"


def test_no_token_or_a_bad_one_is_401(carol):
    missing = ApiClient().get("/api/v1/")
    bad = ApiClient("sori_not-a-token").get("/api/v1/")
    bearer = ApiClient().get("/api/v1/", HTTP_AUTHORIZATION="Bearer sori_not-a-token")

    assert [missing.status_code, bad.status_code, bearer.status_code] == [401, 401, 401]
    assert validate(bad.json(), "error") == {"error": "This API token is not valid."}
    assert missing["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_is_401(carol):
    from api.models import ApiToken

    row, token = ApiToken.issue(owner=carol, name="old")
    row.revoke()

    assert ApiClient(token).get("/api/v1/").status_code == 401


def test_bearer_token_works_and_stamps_last_used(carol):
    from api.models import ApiToken

    row, token = ApiToken.issue(owner=carol, name="crm")

    response = ApiClient().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert row.token_hash != token and token not in row.token_hash


def test_petitions_and_their_signatures(staff_api):
    petition = PetitionFactory(slug="free-them")
    signatures = [SignatureFactory(petition=petition, comment=f"c{n}") for n in range(3)]
    SignatureFactory(petition=petition, status=Signature.Status.PENDING, confirmed_at=None)
    reconcile_counts()

    listing = staff_api.get("/api/v1/petitions").json()
    detail = staff_api.get(f"/api/v1/petitions/{petition.pk}").json()
    signed = staff_api.get(f"/api/v1/petitions/{petition.pk}/signatures").json()

    assert [p["identifiers"] for p in validate_collection(listing, "osdi:petitions")] == [
        [f"sori:{petition.pk}"]
    ]
    validate(detail, "petition")
    assert detail["total_signatures"] == 3
    assert detail["browser_url"] == "http://testserver/en/petitions/free-them/"
    members = validate_collection(signed, "osdi:signatures")
    assert [m["comments"] for m in members] == ["c0", "c1", "c2"]
    assert members[0]["_links"]["osdi:person"]["href"] == (
        f"http://testserver/api/v1/people/{signatures[0].supporter_id}"
    )
    assert signed["total_records"] == 3


def test_pages_from_either_end_and_by_cursor_agree(staff_api):
    petition = PetitionFactory()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        SignatureFactory(petition=petition, created_at=start + timedelta(minutes=n))
        for n in range(7)
    ]
    reconcile_counts()
    path = f"/api/v1/petitions/{petition.pk}/signatures?per_page=2"

    pages = [staff_api.get(f"{path}&page={n}").json() for n in (1, 2, 3, 4)]
    walked = [pages[0]]
    while "next" in walked[-1]["_links"]:
        walked.append(staff_api.get(walked[-1]["_links"]["next"]["href"]).json())

    ids = [[m["identifiers"][0] for m in page["_embedded"]["osdi:signatures"]] for page in pages]
    assert ids == [[f"sori:{r.pk}" for r in rows[i : i + 2]] for i in (0, 2, 4, 6)]
    assert [[m["identifiers"][0] for m in p["_embedded"]["osdi:signatures"]] for p in walked] == ids
    assert [p["page"] for p in walked] == [1, 2, 3, 4]
    assert pages[3]["total_pages"] == 4
    assert "next" not in pages[3]["_links"]
    assert pages[3]["_links"]["previous"]["href"].endswith("page=3&per_page=2")


def test_per_page_is_capped_by_max_pagesize(staff_api):
    with override_settings(API_MAX_PAGESIZE=2):
        body = staff_api.get("/api/v1/petitions?per_page=50").json()

    assert body["per_page"] == 2


@pytest.mark.parametrize("name", ["filter", "$filter"])
def test_filter_by_modified_date(staff_api, name):
    old = SupporterFactory()
    new = SupporterFactory()
    type(old).objects.filter(pk=old.pk).update(
        created_at=datetime(2025, 6, 1, tzinfo=UTC), updated_at=datetime(2025, 6, 1, tzinfo=UTC)
    )

    body = staff_api.get(f"/api/v1/people?{name}=modified_date gt '2026-01-01T00:00:00Z'").json()

    assert [m["identifiers"][0] for m in validate_collection(body, "osdi:people")] == [
        f"sori:{new.pk}"
    ]


def test_an_unsubscribe_moves_modified_date(staff_api):
    supporter = SupporterFactory()
    type(supporter).objects.filter(pk=supporter.pk).update(
        created_at=datetime(2025, 6, 1, tzinfo=UTC), updated_at=datetime(2025, 6, 1, tzinfo=UTC)
    )
    record_consent(
        supporter=supporter,
        purpose=ConsentRecord.Purpose.UPDATES,
        granted=False,
        notice=notices.UPDATES,
    )

    body = staff_api.get("/api/v1/people?filter=modified_date ge '2026-01-01'").json()

    assert [m["email_addresses"] for m in body["_embedded"]["osdi:people"]] == [
        [{"address": supporter.email, "primary": True, "status": "unsubscribed"}]
    ]


def test_filters_combine_with_and(staff_api):
    petition = PetitionFactory()
    for day in (1, 2, 3):
        SignatureFactory(
            petition=petition,
            created_at=datetime(2026, 3, day, tzinfo=UTC),
            confirmed_at=datetime(2026, 3, day, tzinfo=UTC),
        )
    reconcile_counts()
    query = "modified_date ge '2026-03-02T00:00:00Z' and modified_date lt '2026-03-03'"

    body = staff_api.get(f"/api/v1/petitions/{petition.pk}/signatures?filter={query}").json()

    assert [m["action_date"] for m in body["_embedded"]["osdi:signatures"]] == [
        "2026-03-02T00:00:00Z"
    ]
    assert body["total_records"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "modified_date",
        "modified_date gt",
        "modified_date between '2026-01-01'",
        "modified_date gt 'yesterday'",
        "colour eq 'red'",
        "modified_date gt '2026-01-01' or created_date lt '2026-02-01'",
    ],
)
def test_an_unparseable_filter_is_400(staff_api, text):
    response = staff_api.get(f"/api/v1/people?filter={text}")

    assert response.status_code == 400
    assert validate(response.json(), "error")["error"]


def test_foreign_identifiers_are_returned_and_searchable(staff_api):
    supporter, other = SupporterFactory(), SupporterFactory()
    ForeignIdentifier.objects.create(kind=Kind.PERSON, object_id=supporter.pk, value="civicrm:77")

    body = staff_api.get("/api/v1/people?filter=identifier eq 'civicrm:77'").json()
    ours = staff_api.get(f"/api/v1/people?filter=identifier eq 'sori:{other.pk}'").json()

    assert [m["identifiers"] for m in body["_embedded"]["osdi:people"]] == [
        [f"sori:{supporter.pk}", "civicrm:77"]
    ]
    assert [m["identifiers"] for m in ours["_embedded"]["osdi:people"]] == [[f"sori:{other.pk}"]]


def test_staff_see_contact_details_managers_never(staff_api, manager_api, campaign):
    petition = PetitionFactory(campaign=campaign)
    signature = SignatureFactory(petition=petition, supporter__postcode="04524")
    reconcile_counts()

    staff = staff_api.get(f"/api/v1/people/{signature.supporter_id}").json()
    manager = manager_api.get(f"/api/v1/people/{signature.supporter_id}").json()

    validate(staff, "person")
    validate(manager, "person")
    assert staff["email_addresses"] == [
        {"address": signature.supporter.email, "primary": True, "status": "unsubscribed"}
    ]
    assert staff["postal_addresses"] == [
        {"primary": True, "country": "GB", "locality": "London", "postal_code": "04524"}
    ]
    assert "email_addresses" not in manager and "postal_addresses" not in manager
    assert manager["given_name"] == signature.supporter.first_name


def test_managers_cannot_filter_by_email(manager_api):
    response = manager_api.get("/api/v1/people?filter=email_address eq 'a@example.org'")

    assert response.status_code == 400


def test_staff_find_a_person_by_email(staff_api):
    supporter = SupporterFactory(email="ji.woo@example.org")

    body = staff_api.get("/api/v1/people?filter=email_address eq 'Ji.Woo@Example.org'").json()

    assert [m["identifiers"][0] for m in body["_embedded"]["osdi:people"]] == [
        f"sori:{supporter.pk}"
    ]


def test_personal_reads_are_audited_once_per_request(staff_api, carol):
    SupporterFactory.create_batch(3)

    staff_api.get("/api/v1/people?per_page=2")
    staff_api.get("/api/v1/petitions")

    entries = list(AuditEntry.objects.values_list("actor_email", "action", "subject", "rows"))
    assert entries == [("carol@example.org", "api.read.people", "/api/v1/people", 2)]


def test_letter_actions_and_outreaches(staff_api):
    action = LetterActionFactory(deliver_email=True)
    letter = LetterFactory(action=action, subject="Free them")
    type(action).objects.filter(pk=action.pk).update(letter_count=1)

    campaigns = staff_api.get("/api/v1/advocacy_campaigns").json()
    outreaches = staff_api.get(f"/api/v1/advocacy_campaigns/{action.pk}/outreaches").json()

    [member] = validate_collection(campaigns, "osdi:advocacy_campaigns")
    assert (member["total_outreaches"], member["type"]) == (1, "email")
    assert member["target_list"][0]["name"] == action.targets.first().display_name()
    [outreach] = validate_collection(outreaches, "osdi:outreaches")
    assert outreach["subject"] == "Free them"
    assert outreach["_links"]["osdi:person"]["href"].endswith(f"/people/{letter.supporter_id}")


def test_donations_and_fundraising_pages(staff_api, campaign):
    payment = PaymentFactory(donation__campaign=campaign, amount=2500, currency="GBP")
    PaymentFactory(
        donation=payment.donation,
        paid_at=payment.paid_at + timedelta(days=31),
        amount=2500,
        amount_refunded=2500,
        refunded_at=payment.paid_at + timedelta(days=32),
    )

    donations = staff_api.get("/api/v1/donations").json()
    pages = staff_api.get("/api/v1/fundraising_pages").json()
    page = staff_api.get(f"/api/v1/fundraising_pages/{campaign.pk}/donations").json()

    first, second = validate_collection(donations, "osdi:donations")
    assert (first["amount"], first["currency"], first["voided"]) == ("25.00", "GBP", False)
    assert (second["subscription_instance"], second["voided"]) == (2, True)
    assert second["voided_date"] == "2026-12-22T10:00:00Z"
    listed = validate_collection(pages, "osdi:fundraising_pages")
    assert [(p["identifiers"], p["total_donations"]) for p in listed] == [
        (["sori:0"], 0),
        ([f"sori:{campaign.pk}"], 2),
    ]
    assert page["total_records"] == 2


def test_tags_and_taggings(staff_api, campaign):
    signature = SignatureFactory(petition=PetitionFactory(campaign=campaign))
    reconcile_counts()

    tags = staff_api.get("/api/v1/tags").json()
    taggings = staff_api.get(f"/api/v1/tags/{campaign.pk}/taggings").json()

    assert [t["name"] for t in validate_collection(tags, "osdi:tags")] == ["Reform the NSL"]
    [tagging] = validate_collection(taggings, "osdi:taggings")
    assert tagging["_links"]["osdi:person"]["href"].endswith(f"/people/{signature.supporter_id}")


def test_each_token_is_rate_limited(staff_api):
    with override_settings(API_RATE_LIMIT=2):
        answers = [staff_api.get("/api/v1/") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    assert validate(answers[2].json(), "error")["error"]


def test_json_is_accepted_too(staff_api):
    response = staff_api.get("/api/v1/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_unknown_ids_are_404(staff_api):
    assert staff_api.get("/api/v1/people/999999999999999999").status_code == 404
    assert staff_api.get("/api/v1/people/9999999999999999999999").status_code == 404


def test_the_cursor_keeps_rows_of_the_same_moment_in_order(staff_api):
    petition = PetitionFactory()
    moment = datetime(2026, 2, 1, tzinfo=UTC)
    rows = [SignatureFactory(petition=petition, created_at=moment) for _ in range(5)]
    reconcile_counts()
    page = staff_api.get(f"/api/v1/petitions/{petition.pk}/signatures?per_page=2").json()

    seen = [m["identifiers"][0] for m in page["_embedded"]["osdi:signatures"]]
    while "next" in page["_links"]:
        page = staff_api.get(page["_links"]["next"]["href"]).json()
        seen += [m["identifiers"][0] for m in page["_embedded"]["osdi:signatures"]]

    assert seen == [f"sori:{row.pk}" for row in rows]


def test_a_cursor_that_is_not_ours_is_400(staff_api):
    petition = PetitionFactory()

    response = staff_api.get(f"/api/v1/petitions/{petition.pk}/signatures?after=yesterday~1")

    assert response.status_code == 400
    assert response.json() == {"error": "The 'after' cursor is not one this API gave out."}
