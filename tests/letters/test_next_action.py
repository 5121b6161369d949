"""After a letter is on its way, its page offers the campaign's next action (as after signing)."""

import pytest
from django.core.cache import cache
from django.test import Client

from petitions.hotpath import page_cache
from tests.factories import (
    CampaignFactory,
    LetterActionFactory,
    LetterFactory,
    PetitionFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

NEXT = '<h2 id="next-heading">Your next action</h2>'


@pytest.fixture(autouse=True)
def _fresh_actions():
    """A campaign's actions are shared for a few seconds, by campaign id (ids come back
    between tests): each test starts without any."""
    page_cache.clear_local()
    cache.clear()


@pytest.fixture
def action(campaign):
    return LetterActionFactory(
        campaign=campaign,
        title="Write to the Minister",
        targets=[TargetFactory(name="The Minister of Justice")],
    )


@pytest.mark.parametrize("status", ["queued", "sent", "ready", "posted"])
def test_a_letter_on_its_way_offers_the_campaigns_petition(client, action, campaign, status):
    PetitionFactory(campaign=campaign, slug="free-them", title="Free them now")
    letter = LetterFactory(action=action, status=status)

    html = client.get(letter.get_absolute_url()).content.decode()

    assert html.count(NEXT) == 1
    assert '<h3><a href="/en/petitions/free-them/">Free them now</a></h3>' in html


@pytest.mark.parametrize("status", ["draft", "failed"])
def test_a_letter_not_yet_on_its_way_offers_nothing_else_yet(client, action, campaign, status):
    PetitionFactory(campaign=campaign, title="Free them now")
    letter = LetterFactory(action=action, status=status)

    html = client.get(letter.get_absolute_url()).content.decode()

    assert NEXT not in html


def test_the_letter_page_never_offers_the_same_letter_action(client):
    action = LetterActionFactory(campaign=CampaignFactory(), targets=[TargetFactory()])
    letter = LetterFactory(action=action, status="sent")

    html = client.get(letter.get_absolute_url()).content.decode()

    assert NEXT not in html


def test_the_next_action_reads_in_korean(action, campaign):
    PetitionFactory(campaign=campaign, slug="free-them", title_ko="수감된 분들을 석방해 주십시오")
    letter = LetterFactory(action=action, status="sent")
    url = letter.get_absolute_url().replace("/en/", "/ko/", 1)

    html = Client().get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert '<h2 id="next-heading">이어서 참여하기</h2>' in html
    assert '<h3><a href="/ko/petitions/free-them/">수감된 분들을 석방해 주십시오</a></h3>' in html
