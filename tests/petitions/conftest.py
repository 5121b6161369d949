"""Petition fixtures. The challenge is off unless a test turns it on (as in benchmarks);
tests of the challenge itself set PETITIONS_CHALLENGE back to True."""

import pytest
from django.urls import reverse

from petitions.hotpath import page_cache
from tests.factories import MilestoneFactory, PetitionFactory


@pytest.fixture(autouse=True)
def _challenge_off(settings):
    settings.PETITIONS_CHALLENGE = False


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    """Workers keep page copies for a few seconds; each test starts without any."""
    page_cache.clear_local()
    yield
    page_cache.clear_local()


@pytest.fixture
def petition(campaign):
    """An open petition of bob's campaign, needing email confirmation, milestones 2 and 5."""
    petition = PetitionFactory(campaign=campaign, slug="free-them", title="Free them now", goal=10)
    MilestoneFactory(petition=petition, threshold=2)
    MilestoneFactory(petition=petition, threshold=5)
    return petition


def form_data(**overrides) -> dict:
    """What a person types into the sign form."""
    data = {
        "first_name": "Ji-woo",
        "last_name": "Kim",
        "email": "jiwoo@example.org",
        "country": "KR",
        "display": "initials",
        "comment": "",
        "source": "",
        "sensitive_consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as a browser would, running after-commit work (the task that signs, mail)."""

    def post(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return post


def sign_url(petition) -> str:
    return reverse("petitions:sign", args=[petition.slug])
