"""A letter's private links work for LETTERS_LINK_MAX_AGE_DAYS, then answer 410."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import make_data_token
from letters.models import Letter
from tests.factories import LetterFactory

pytestmark = pytest.mark.django_db

EXPIRED_EN = "Private links to a letter work for 90 days, and this one is older."
EXPIRED_KO = "편지의 비공개 링크는 90일 동안만 열 수 있으며, 이 링크는 그 기간이 지났습니다."


def issued_days_ago(days: int) -> Letter:
    letter = LetterFactory()
    Letter.objects.filter(pk=letter.pk).update(
        token_issued_at=timezone.now() - timedelta(days=days)
    )
    return letter


LINKS = {
    "page": lambda client, letter: client.get(reverse("letters:letter", args=[letter.token])),
    "pdf": lambda client, letter: client.get(
        reverse("letters:pdf", args=[letter.token]) + "?download=1"
    ),
    "envelope": lambda client, letter: client.get(
        reverse("letters:pdf", args=[letter.token]) + "?envelope=1"
    ),
    "edit": lambda client, letter: client.get(reverse("letters:edit", args=[letter.token])),
    "deliver": lambda client, letter: client.post(
        reverse("letters:deliver", args=[letter.token]), {"method": "pigeon"}
    ),
}


@pytest.mark.parametrize("kind", sorted(LINKS))
def test_a_link_works_for_its_lifetime_then_answers_410_with_the_way_to_a_fresh_one(client, kind):
    fresh, expired = issued_days_ago(89), issued_days_ago(91)

    working = LINKS[kind](client, fresh)
    response = LINKS[kind](client, expired)

    if kind in {"pdf", "envelope"}:
        assert (working.status_code, working["Content-Type"]) == (200, "application/pdf")
    elif kind == "deliver":  # reaches the letter, which refuses an unknown method
        assert working.status_code == 400 and fresh.subject in working.content.decode()
    else:
        assert working.status_code == 200 and fresh.subject in working.content.decode()
    page = response.content.decode()
    assert response.status_code == 410
    assert EXPIRED_EN in page
    assert f'href="{reverse("accounts:data_request")}"' in page
    assert expired.subject not in page and "Ji-woo" not in page


def test_the_expired_page_speaks_korean(client):
    letter = issued_days_ago(91)
    with translation.override("ko"):
        korean_url = letter.get_absolute_url()

    response = client.get(korean_url)

    page = response.content.decode()
    assert response.status_code == 410
    assert "이 링크는 만료되었습니다" in page and EXPIRED_KO in page


def test_the_lifetime_is_a_setting(client, settings):
    settings.LETTERS_LINK_MAX_AGE_DAYS = 7
    letter = issued_days_ago(8)

    response = client.get(letter.get_absolute_url())

    assert response.status_code == 410
    assert "Private links to a letter work for 7 days" in response.content.decode()


def test_my_data_lists_a_letter_whose_link_expired_with_a_new_working_link(client):
    letter = issued_days_ago(91)
    old_token = letter.token

    page = client.get(reverse("accounts:data", args=[make_data_token(letter.supporter)]))

    letter.refresh_from_db()
    assert letter.token != old_token
    assert f'href="{letter.get_absolute_url()}"' in page.content.decode()
    assert client.get(letter.get_absolute_url()).status_code == 200
    assert client.get(reverse("letters:letter", args=[old_token])).status_code == 404
