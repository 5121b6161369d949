"""Open data (docs/open-data.md): the petition list as JSON and CSV, each petition, each
letter action. Documents are checked against the JSON Schemas in tests/data/open-data/."""

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from jsonschema import Draft202012Validator

from campaigns.models import Campaign
from letters.models import Letter
from petitions import signatures
from petitions.models import Petition
from petitions.signing import services
from tests.factories import (
    CampaignFactory,
    LetterActionFactory,
    LetterFactory,
    MilestoneFactory,
    PetitionFactory,
    SignatureFactory,
    TargetFactory,
)

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "open-data"
JAN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FEB = datetime(2026, 2, 5, 9, 0, tzinfo=UTC)


def assert_valid(document: dict, schema_name: str) -> None:
    schema = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [error.message for error in validator.iter_errors(document)]
    assert errors == []


@pytest.fixture
def petition(db):
    campaign = CampaignFactory(slug="free-speech", title_en="Free speech", title_ko="표현의 자유")
    target = TargetFactory(name="Minister of Justice", name_ko="법무부 장관")
    petition = PetitionFactory(
        campaign=campaign,
        slug="free-them",
        title_en="Free them",
        title_ko="석방해 주십시오",
        goal=500,
        published_at=FEB,
        targets=[target],
    )
    MilestoneFactory(petition=petition, threshold=2, label_en="response", label_ko="답변")
    return petition


def test_a_petition_document_has_the_counts_and_no_one_in_it(petition):
    SignatureFactory(petition=petition, country="KR", region="busan")
    SignatureFactory(petition=petition, country="KR", region="")
    SignatureFactory(petition=petition, country="JP")
    SignatureFactory(petition=petition, status="pending", country="US")
    signatures.reconcile_counts()
    petition.refresh_from_db()

    response = Client().get("/petitions/free-them.json")

    assert response.status_code == 200
    document = response.json()
    assert_valid(document, "petition")
    target = petition.targets.get()
    milestone = petition.milestones.get()
    assert document["version"] == 1
    assert document["title"] == {"en": "Free them", "ko": "석방해 주십시오"}
    assert document["pages"] == {
        "en": "http://testserver/en/petitions/free-them/",
        "ko": "http://testserver/ko/petitions/free-them/",
    }
    assert document["data"] == "http://testserver/petitions/free-them.json"
    assert document["campaign"] == {
        "slug": "free-speech",
        "title": {"en": "Free speech", "ko": "표현의 자유"},
        "pages": {
            "en": "http://testserver/en/campaigns/free-speech/",
            "ko": "http://testserver/ko/campaigns/free-speech/",
        },
    }
    assert document["targets"] == [
        {
            "id": target.pk,
            "name": {"en": "Minister of Justice", "ko": "법무부 장관"},
            "organisation": {"en": "Ministry of Example Affairs", "ko": "예시부"},
        }
    ]
    assert document["status"] == "open"
    assert document["accepting_signatures"] is True
    assert document["signature_count"] == 3
    assert document["goal"] == 500
    assert document["published_at"] == "2026-02-05T09:00:00+00:00"
    assert document["milestones"] == [
        {
            "threshold": 2,
            "label": {"en": "response", "ko": "답변"},
            "within_days": None,
            "deadline": None,
            "reached_at": milestone.reached_at.isoformat(),
            "met": True,
        }
    ]
    assert document["signatures_by_country"] == {"KR": 2, "JP": 1}
    assert document["signatures_by_region"]["busan"] == 1
    assert sum(document["signatures_by_region"].values()) == 1
    assert document["feeds"] == {
        "updates": {
            "en": "http://testserver/en/updates/petitions/free-them/feed/",
            "ko": "http://testserver/ko/updates/petitions/free-them/feed/",
        }
    }


def test_what_a_signer_typed_appears_in_no_document(petition, django_capture_on_commit_callbacks):
    Petition.objects.filter(pk=petition.pk).update(
        requires_confirmation=False, postcode_field="optional", postcode_kept=True
    )
    petition.refresh_from_db()
    signer = services.SignerDetails(
        email="hyejin.quietly@example.org",
        first_name="Hyejin",
        last_name="Yoonseo-Marlowe",
        country="KR",
        postcode="48058",
        city="Haeundae-gu Secret",
        display="full",
        comment="My cousin is held in Andong.",
        sensitive_consent=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.sign_petition(petition=petition, signer=signer)
    action = LetterActionFactory(slug="write-now", campaign=petition.campaign)
    LetterFactory(
        action=action,
        supporter=result.signature.supporter,
        first_name="Hyejin",
        last_name="Yoonseo-Marlowe",
        city="Haeundae-gu Secret",
        status=Letter.Status.SENT,
    )
    client = Client()

    bodies = [
        client.get(url).content.decode()
        for url in (
            "/petitions.json",
            "/petitions.csv",
            "/petitions/free-them.json",
            "/letters/write-now.json",
        )
    ]

    assert result.signature.is_counted
    assert json.loads(bodies[2])["signatures_by_region"]["busan"] == 1
    assert json.loads(bodies[3])["letters_to_officials"] == 1
    for body in bodies:
        for secret in ("hyejin", "yoonseo", "marlowe", "48058", "haeundae", "cousin", "andong"):
            assert secret not in body.lower()


def test_cors_and_cache_headers_on_every_document(petition):
    LetterActionFactory(slug="write-now")
    client = Client()

    for url in (
        "/petitions.json",
        "/petitions.csv",
        "/petitions/free-them.json",
        "/letters/write-now.json",
    ):
        response = client.get(url)

        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=15"


def test_the_preflight_allows_reading_only(petition):
    response = Client().options(
        "/petitions/free-them.json",
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 204
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writing_is_refused_with_405(petition, method):
    LetterActionFactory(slug="write-now")
    client = Client(enforce_csrf_checks=True)

    for url in (
        "/petitions.json",
        "/petitions.csv",
        "/petitions/free-them.json",
        "/letters/write-now.json",
    ):
        response = getattr(client, method)(url)

        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json() == {"version": 1, "error": "Read-only: use GET."}


def test_drafts_and_unknown_addresses_are_404(petition):
    PetitionFactory(slug="draft-one", status=Petition.Status.DRAFT)
    PetitionFactory(slug="hidden-campaign", campaign=CampaignFactory(status=Campaign.Status.DRAFT))
    LetterActionFactory(slug="draft-letter", status="draft")
    client = Client()

    for url in (
        "/petitions/draft-one.json",
        "/petitions/hidden-campaign.json",
        "/petitions/nobody.json",
        "/letters/draft-letter.json",
        "/letters/nobody.json",
    ):
        response = client.get(url)

        assert response.status_code == 404
        assert response["Access-Control-Allow-Origin"] == "*"
        assert_valid(response.json(), "error")
    listed = client.get("/petitions.json").json()
    assert [item["slug"] for item in listed["petitions"]] == ["free-them"]


def test_a_petition_taken_back_to_draft_leaves_its_cached_document(petition):
    client = Client()
    assert client.get("/petitions/free-them.json").status_code == 200
    assert client.get("/petitions/free-them.json").status_code == 200  # the fast path

    petition.set_status(Petition.Status.DRAFT)

    assert client.get("/petitions/free-them.json").status_code == 404


def test_the_cached_document_is_served_before_the_middleware(petition):
    rendered = Client().get("/petitions/free-them.json")

    fast = Client().get("/petitions/free-them.json")

    assert hasattr(rendered.wsgi_request, "user")
    assert not hasattr(fast.wsgi_request, "user")
    assert fast.content == rendered.content
    assert fast["Access-Control-Allow-Origin"] == "*"
    assert fast["Cache-Control"] == "public, max-age=15"
    assert fast["Content-Type"] == "application/json"


def test_the_list_filters_by_status_and_campaign(petition):
    other = CampaignFactory(slug="clean-air")
    PetitionFactory(slug="past-time", closes_at=JAN, published_at=JAN, campaign=other)
    PetitionFactory(slug="answered", status=Petition.Status.RESPONDED, published_at=JAN)
    client = Client()

    def slugs(query: str) -> list[str]:
        response = client.get(f"/petitions.json{query}")
        assert response.status_code == 200
        assert_valid(response.json(), "petition-list")
        return [item["slug"] for item in response.json()["petitions"]]

    # Newest first; the same day, the later one first.
    assert slugs("") == ["free-them", "answered", "past-time"]
    assert slugs("?status=open") == ["free-them"]
    assert slugs("?status=closed") == ["past-time"]
    assert slugs("?status=responded") == ["answered"]
    assert slugs("?status=delivered") == []
    assert slugs("?campaign=clean-air") == ["past-time"]
    assert slugs("?campaign=clean-air&status=open") == []
    listed = client.get("/petitions.json?campaign=clean-air").json()["petitions"][0]
    assert listed["status"] == "closed"
    assert listed["accepting_signatures"] is False


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?status=pending",
            "Unknown status 'pending': use one of open, closed, delivered, responded.",
        ),
        ("?campaign=nowhere", "No published campaign 'nowhere'."),
        ("?campaign=a%20b", "No published campaign 'a b'."),
        ("?page=0", "Page '0' is not a whole number from 1."),
        ("?page=two", "Page 'two' is not a whole number from 1."),
        ("?page=2", "Page 2 is past the last page, 1."),
    ],
)
def test_bad_filters_are_400_with_a_message(petition, query, message):
    response = Client().get(f"/petitions.json{query}")

    assert response.status_code == 400
    assert response.json() == {"version": 1, "error": message}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_draft_campaign_is_not_a_filter(petition):
    CampaignFactory(slug="secret-plans", status=Campaign.Status.DRAFT)

    response = Client().get("/petitions.csv?campaign=secret-plans")

    assert response.status_code == 400
    assert response.json() == {"version": 1, "error": "No published campaign 'secret-plans'."}


def test_the_list_is_paged_with_links(petition, settings):
    PetitionFactory.create_batch(50, campaign=petition.campaign, published_at=JAN)
    client = Client()

    first = client.get("/petitions.json?campaign=free-speech").json()
    second = client.get(first["next"].removeprefix("http://testserver")).json()

    assert (first["count"], first["page"], first["pages"]) == (51, 1, 2)
    assert len(first["petitions"]) == 50
    assert first["petitions"][0]["slug"] == "free-them"
    assert first["previous"] is None
    assert first["next"] == "http://testserver/petitions.json?campaign=free-speech&page=2"
    assert len(second["petitions"]) == 1
    assert second["next"] is None
    assert second["previous"] == "http://testserver/petitions.json?campaign=free-speech"
    assert_valid(second, "petition-list")


def test_the_csv_lists_the_same_petitions_safe_for_spreadsheets(petition):
    PetitionFactory(slug="formula", title_en="=HYPERLINK(1)", published_at=JAN)

    response = Client().get("/petitions.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "version",
        "slug",
        "title_en",
        "title_ko",
        "status",
        "accepting_signatures",
        "campaign",
        "signature_count",
        "goal",
        "published_at",
        "opens_at",
        "closes_at",
        "page_en",
        "page_ko",
        "data",
    ]
    assert rows[1] == [
        "1",
        "free-them",
        "Free them",
        "석방해 주십시오",
        "open",
        "true",
        "free-speech",
        "0",
        "500",
        "2026-02-05T09:00:00+00:00",
        "",
        "",
        "http://testserver/en/petitions/free-them/",
        "http://testserver/ko/petitions/free-them/",
        "http://testserver/petitions/free-them.json",
    ]
    assert rows[2][2] == "'=HYPERLINK(1)"
    assert len(rows) == 3


def test_a_letter_action_counts_letters_per_official(db):
    first = TargetFactory(name="Minister A", name_ko="가 장관")
    second = TargetFactory(name="Minister B", name_ko="")
    action = LetterActionFactory(slug="write-now", targets=[first, second], goal=100)
    LetterFactory(action=action, target=first, status=Letter.Status.SENT)
    LetterFactory(action=action, target=first, status=Letter.Status.QUEUED)
    LetterFactory(action=action, target=second, status=Letter.Status.POSTED)
    LetterFactory(action=action, target=second)  # a draft: not counted per official
    action.__class__.objects.filter(pk=action.pk).update(letter_count=4)

    response = Client().get(reverse("open_letter_action", args=["write-now"]))

    document = response.json()
    assert_valid(document, "letter-action")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert document["letters_written"] == 4
    assert document["letters_to_officials"] == 3
    assert document["status"] == "open"
    assert document["accepting_letters"] is True
    assert document["goal"] == 100
    assert document["pages"] == {
        "en": "http://testserver/en/letters/write-now/",
        "ko": "http://testserver/ko/letters/write-now/",
    }
    assert [(row["name"], row["letters"], row["delivered"]) for row in document["targets"]] == [
        ({"en": "Minister A", "ko": "가 장관"}, 2, 1),
        ({"en": "Minister B", "ko": "Minister B"}, 1, 1),
    ]


def test_a_closed_letter_action_is_still_published(db):
    LetterActionFactory(slug="was-open", status="closed")

    response = Client().get("/letters/was-open.json")

    assert response.status_code == 200
    assert response.json()["accepting_letters"] is False
