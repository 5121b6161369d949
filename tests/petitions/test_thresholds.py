"""Thresholds: deadlines, projections from the last 24 hours, crossing recorded and
announced once, a missed deadline said honestly. Time is moved by setting the rows'
times and passing ``now``."""

from datetime import UTC, datetime, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from lib import i18n
from petitions import thresholds
from petitions.models import Milestone, Signature
from petitions.signatures import change_signature_status
from tests.factories import MilestoneFactory, PetitionFactory, SignatureFactory

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _petition(campaign, **kwargs):
    return PetitionFactory(
        campaign=campaign, slug="assembly", published_at=NOW - timedelta(days=10), **kwargs
    )


def test_projection_from_the_last_24_hours(campaign):
    petition = _petition(campaign, signature_count=1_000)
    MilestoneFactory(petition=petition, threshold=5_000, label_en="response", label_ko="답변")
    for hours in (1, 5, 23):  # three in the last 24 hours, one before
        SignatureFactory(petition=petition, confirmed_at=NOW - timedelta(hours=hours))
    SignatureFactory(petition=petition, confirmed_at=NOW - timedelta(hours=25))

    [state] = thresholds.threshold_states(petition, now=NOW)

    # 4,000 to go at 3 a day: 1,333.3 days.
    assert thresholds.recent_rate(petition, now=NOW) == 3
    assert state.projected_at == NOW + timedelta(days=4_000 / 3)
    assert (state.met, state.missed, state.deadline, state.too_late) == (False, False, None, False)


def test_deadline_projection_after_it_is_too_late(campaign):
    petition = _petition(campaign, signature_count=40_000)
    MilestoneFactory(petition=petition, threshold=50_000, within_days=30)
    SignatureFactory(petition=petition, confirmed_at=NOW - timedelta(hours=2))

    [state] = thresholds.threshold_states(petition, now=NOW)

    assert state.deadline == NOW + timedelta(days=20)
    assert state.projected_at == NOW + timedelta(days=10_000)
    assert state.too_late is True


def test_missed_deadline_is_shown_honestly(client, campaign):
    petition = _petition(campaign, signature_count=3)
    MilestoneFactory(petition=petition, threshold=50_000, within_days=5)

    [state] = thresholds.threshold_states(petition, now=NOW)
    with translation.override("en"):
        html = client.get(reverse("petitions:detail", args=["assembly"])).content.decode()
    with translation.override("ko"):
        html_ko = client.get(reverse("petitions:detail", args=["assembly"])).content.decode()

    assert (state.missed, state.projected_at) == (True, None)
    assert "Missed: the deadline passed before it was reached." in html
    assert "기한 안에 도달하지 못했습니다." in html_ko


def test_reached_after_the_deadline_counts_as_missed(campaign):
    petition = _petition(campaign)
    milestone = MilestoneFactory(
        petition=petition, threshold=10, within_days=5, reached_at=NOW - timedelta(days=1)
    )

    assert (milestone.met, milestone.missed(NOW)) == (False, True)


def test_page_shows_projection_in_each_language(client, campaign):
    opened = datetime.now(UTC) - timedelta(days=1)
    petition = PetitionFactory(campaign=campaign, slug="assembly", published_at=opened)
    MilestoneFactory(petition=petition, threshold=3, label_en="committee", label_ko="위원회 회부")
    SignatureFactory(petition=petition)
    petition.signature_count = 1
    petition.save()

    with translation.override("en"):
        html = client.get(reverse("petitions:detail", args=["assembly"])).content.decode()
    with translation.override("ko"):
        html_ko = client.get(reverse("petitions:detail", args=["assembly"])).content.decode()

    # 2 to go at 1 a day: reached around the day after tomorrow, in each reader's zone.
    expected = datetime.now(UTC) + timedelta(days=2)
    with i18n.override("en"):
        when_en = date_format(timezone.localtime(expected), "DATE_FORMAT")
    with i18n.override("ko"):
        when_ko = date_format(timezone.localtime(expected), "DATE_FORMAT")
    assert f"At the current rate, reached around {when_en}." in html
    assert "committee" in html
    assert f"지금 속도라면 {when_ko}쯤 도달합니다." in html_ko
    assert "위원회 회부" in html_ko


def test_crossing_is_recorded_once_and_mailed_to_managers(
    campaign, bob, django_capture_on_commit_callbacks
):
    petition = _petition(campaign)
    milestone = MilestoneFactory(petition=petition, threshold=2, label_en="response")
    first = SignatureFactory(petition=petition, status="pending", confirmed_at=None)
    second = SignatureFactory(petition=petition, status="pending", confirmed_at=None)
    SignatureFactory(petition=petition, status="pending", confirmed_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        change_signature_status(signature=first, status=Signature.Status.CONFIRMED)
    milestone.refresh_from_db()
    assert milestone.reached_at is None
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        change_signature_status(signature=second, status=Signature.Status.CONFIRMED)
    milestone.refresh_from_db()
    reached = milestone.reached_at
    assert reached is not None
    assert milestone.announced_at is not None
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert mail.outbox[0].subject == f"2 signatures reached: “{petition.title_en}”"
    assert "This threshold brings: response." in mail.outbox[0].body

    third = Signature.objects.filter(petition=petition, status="pending").get()
    with django_capture_on_commit_callbacks(execute=True):
        change_signature_status(signature=third, status=Signature.Status.CONFIRMED)
    milestone.refresh_from_db()
    assert milestone.reached_at == reached
    assert len(mail.outbox) == 1


def test_announcing_again_does_nothing(campaign, bob, django_capture_on_commit_callbacks):
    petition = _petition(campaign)
    MilestoneFactory(petition=petition, threshold=1, reached_at=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        first = thresholds.announce_thresholds(petition_id=petition.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = thresholds.announce_thresholds(petition_id=petition.pk)

    assert (first, second) == ([1], [])
    assert len(mail.outbox) == 1
    assert Milestone.objects.get().announced_at is not None


def test_manager_sets_deadline_and_labels(client, bob, campaign):
    petition = _petition(campaign)
    milestone = MilestoneFactory(petition=petition, threshold=50_000)
    client.force_login(bob)
    url = reverse("petitions:manage_thresholds", args=[petition.pk])

    response = client.post(
        url,
        {
            "milestones-TOTAL_FORMS": "2",
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": str(milestone.pk),
            "milestones-0-petition": str(petition.pk),
            "milestones-0-threshold": "50000",
            "milestones-0-within_days": "30",
            "milestones-0-label_en": "committee",
            "milestones-0-label_ko": "위원회 회부",
            "milestones-1-petition": str(petition.pk),
            "milestones-1-threshold": "",
        },
    )

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.within_days, milestone.label_en, milestone.label_ko) == (
        30,
        "committee",
        "위원회 회부",
    )


def test_thresholds_page_is_refused_to_another_campaigns_manager(client, mallory, campaign):
    petition = _petition(campaign)
    client.force_login(mallory)

    response = client.get(reverse("petitions:manage_thresholds", args=[petition.pk]))

    assert response.status_code == 404
