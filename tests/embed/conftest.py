"""Embed fixtures: a campaign that lets one partner site frame its actions."""

import pytest

from petitions.hotpath import page_cache
from tests.factories import LetterActionFactory, PetitionFactory, TargetFactory

PARTNER = "https://partner.example.org"


@pytest.fixture(autouse=True)
def _challenge_off(settings):
    settings.PETITIONS_CHALLENGE = False


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()
    yield
    page_cache.clear_local()


@pytest.fixture
def framed_campaign(campaign):
    campaign.embed_origins = f"{PARTNER}\nhttp://localhost:8001"
    campaign.save()
    return campaign


@pytest.fixture
def petition(framed_campaign):
    return PetitionFactory(campaign=framed_campaign, slug="free-them", title="Free them now")


@pytest.fixture
def letter_action(framed_campaign):
    target = TargetFactory(name="The Minister", email="minister@officials.example")
    framed_campaign.targets.add(target)
    action = LetterActionFactory(campaign=framed_campaign, slug="write-now", deliver_email=True)
    action.targets.set([target])
    return action


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as a browser in a frame would: no cookies; after-commit work runs."""

    def post(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return post


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
