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
        "title_en": "End the death penalty",
        "title_ko": "사형제를 폐지해 주십시오",
        "slug": "end-the-death-penalty",
        "summary_en": "Korea has not executed anyone since 1997. Make it law.",
        "summary_ko": "한국은 1997년 이후 사형을 집행하지 않았습니다. 이제 법으로 정해 주십시오.",
        "body_en": "Abolition is **overdue**.",
        "body_ko": "폐지는 **이미 늦었습니다**.",
        "image_alt": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def petition_data(campaign, **overrides) -> dict:
    """What a manager types into the petition form."""
    data = {
        "campaign": campaign.pk,
        "title_en": "Abolish the death penalty",
        "title_ko": "사형제를 폐지해 주십시오",
        "slug": "abolish-the-death-penalty",
        "summary_en": "Make the moratorium law.",
        "summary_ko": "사형 집행 중단을 법으로 정해 주십시오.",
        "body_en": "We ask the National Assembly to **act**.",
        "body_ko": "국회가 **나서 주기를** 요청합니다.",
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
        "title_en": "Write to the Speaker",
        "title_ko": "국회의장님께 편지 쓰기",
        "slug": "write-to-the-speaker",
        "summary_en": "Ask the Speaker to schedule the vote.",
        "summary_ko": "표결 일정을 잡아 달라고 국회의장님께 요청해 주세요.",
        "intro_en": "A letter **in your words** counts.",
        "intro_ko": "직접 쓰신 편지가 **힘이 됩니다**.",
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
