"""Fixtures of the manager area: bob's petition and letter action, staff without MFA."""

import pytest

from accounts import roles
from petitions.hotpath import page_cache
from tests.factories import (
    LetterActionFactory,
    MilestoneFactory,
    PetitionFactory,
    TargetFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _challenge_off(settings):
    settings.PETITIONS_CHALLENGE = False


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()
    yield
    page_cache.clear_local()


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Letter PDFs go to a throw-away folder, never to var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def staff_without_mfa(db):
    return UserFactory(email="nomfa@example.org", groups=[roles.STAFF], is_staff=True)


@pytest.fixture
def minister(db):
    return TargetFactory(
        name="The Minister of Justice",
        name_ko="법무부 장관",
        organisation="Ministry of Justice",
        salutation_en="Dear Minister",
        salutation_ko="장관님께",
    )


@pytest.fixture
def petition(campaign, minister):
    """An open petition of bob's campaign, goal 10, milestones 2 and 5."""
    petition = PetitionFactory(
        campaign=campaign, slug="free-them", title="Free them now", goal=10, targets=[minister]
    )
    MilestoneFactory(petition=petition, threshold=2)
    MilestoneFactory(petition=petition, threshold=5)
    return petition


@pytest.fixture
def letter_action(campaign, minister):
    """An open letter action of bob's campaign, to the Minister of Justice."""
    return LetterActionFactory(
        campaign=campaign,
        slug="write-to-the-minister",
        title="Write to the Minister",
        targets=[minister],
    )


def campaign_data(**overrides) -> dict:
    """What staff type into the campaign form."""
    data = {
        "title": "End the death penalty",
        "slug": "end-the-death-penalty",
        "summary": "Korea has not executed anyone since 1997. Make it law.",
        "body": "Abolition is **overdue**.",
        "image_alt": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def petition_data(campaign, **overrides) -> dict:
    """What a manager types into the petition form."""
    data = {
        "campaign": campaign.pk,
        "title": "Abolish the death penalty",
        "slug": "abolish-the-death-penalty",
        "summary": "Make the moratorium law.",
        "body": "We ask the National Assembly to **act**.",
        "goal": "5000",
        "milestones": "1,000 2,500",
        "opens_at": "",
        "closes_at": "",
        "requires_confirmation": "on",
        "postcode_field": "off",
        "city_field": "optional",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def letter_data(campaign, officials, **overrides) -> dict:
    """What a manager types into the letter action form."""
    data = {
        "campaign": campaign.pk,
        "title": "Write to the Speaker",
        "slug": "write-to-the-speaker",
        "summary": "Ask the Speaker to schedule the vote.",
        "intro": "A letter **in your words** counts.",
        "targets": [official.pk for official in officials],
        "target_mode": "all",
        "subject_en": "Please schedule the vote",
        "body_en": "I write from {city}, {country}.\n\nPlease schedule the vote.",
        "subject_ko": "표결 일정을 잡아 주십시오",
        "body_ko": "{city}에서 편지를 드립니다.\n\n표결 일정을 잡아 주십시오.",
        "editing": "paragraph",
        "paragraph_max_length": "1500",
        "body_max_length": "6000",
        "deliver_download": "on",
        "deliver_email": "on",
        "goal": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
