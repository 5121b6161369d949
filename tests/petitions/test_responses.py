"""Officials' responses: recorded by managers, shown under "Response", status "responded"."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from petitions import responses
from petitions.models import Petition, Response
from tests.factories import PetitionFactory, TargetFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _petition(campaign, status=Petition.Status.DELIVERED):
    minister = TargetFactory(name="Minister of Justice", name_ko="법무부 장관")
    petition = PetitionFactory(campaign=campaign, slug="answered", status=status)
    petition.targets.add(minister)
    return petition, minister


def test_manager_records_a_response_and_the_petition_becomes_responded(
    client, bob, campaign, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    petition, minister = _petition(campaign)
    petition.delivered_at = petition.created_at
    petition.save()
    client.force_login(bob)

    response = client.post(
        reverse("petitions:manage_responses", args=[petition.pk]),
        {
            "target": minister.pk,
            "responded_on": "2026-11-30",
            "body_en": "We will **review** the law.",
            "body_ko": "법을 **검토**하겠습니다.",
            "pdf": SimpleUploadedFile("answer.pdf", PDF, content_type="application/pdf"),
        },
    )

    assert response.status_code == 302
    recorded = Response.objects.get()
    assert (recorded.target, recorded.responded_on) == (minister, date(2026, 11, 30))
    assert recorded.body_html_en == "<p>We will <strong>review</strong> the law.</p>"
    with recorded.pdf.open("rb") as stored:
        assert stored.read() == PDF
    petition.refresh_from_db()
    assert petition.status == Petition.Status.RESPONDED


def test_response_is_shown_on_the_page_in_each_language(client, campaign):
    petition, minister = _petition(campaign)
    responses.record_response(
        response=Response(
            petition=petition,
            target=minister,
            responded_on=date(2026, 11, 30),
            body_en="We will review the law.",
            body_ko="법을 검토하겠습니다.",
        )
    )

    with translation.override("en"):
        html = client.get(reverse("petitions:detail", args=["answered"])).content.decode()
    with translation.override("ko"):
        html_ko = client.get(reverse("petitions:detail", args=["answered"])).content.decode()

    assert '<h2 id="responses-heading">Response</h2>' in html
    assert "We will review the law." in html
    assert "30 November 2026" in html
    assert '<h2 id="responses-heading">답변</h2>' in html_ko
    assert "법을 검토하겠습니다." in html_ko
    assert "2026년 11월 30일" in html_ko
    assert "법무부 장관" in html_ko


def test_responded_petition_is_public_and_ended(campaign):
    petition, minister = _petition(campaign, status=Petition.Status.CLOSED)

    responses.record_response(
        response=Response(
            petition=petition, target=minister, responded_on=date(2026, 11, 30), body_en="Yes."
        )
    )

    petition.refresh_from_db()
    assert petition.status == Petition.Status.RESPONDED
    assert list(Petition.objects.public()) == [petition]
    assert (petition.has_closed, petition.is_open) == (True, False)


def test_open_petition_stays_open_when_an_official_responds(campaign):
    petition, minister = _petition(campaign, status=Petition.Status.OPEN)

    responses.record_response(
        response=Response(
            petition=petition, target=minister, responded_on=date(2026, 11, 30), body_en="Yes."
        )
    )

    petition.refresh_from_db()
    assert petition.status == Petition.Status.OPEN


def test_deleting_the_last_response_goes_back_to_delivered(client, bob, campaign):
    petition, minister = _petition(campaign)
    petition.delivered_at = petition.created_at
    petition.save()
    recorded = responses.record_response(
        response=Response(
            petition=petition, target=minister, responded_on=date(2026, 11, 30), body_en="Yes."
        )
    )
    client.force_login(bob)

    response = client.post(
        reverse("petitions:manage_response_delete", args=[petition.pk, recorded.pk])
    )

    assert response.status_code == 302
    assert not Response.objects.exists()
    petition.refresh_from_db()
    assert petition.status == Petition.Status.DELIVERED


def test_a_file_that_is_not_a_pdf_is_refused(client, bob, campaign):
    petition, minister = _petition(campaign)
    client.force_login(bob)

    response = client.post(
        reverse("petitions:manage_responses", args=[petition.pk]),
        {
            "target": minister.pk,
            "responded_on": "2026-11-30",
            "body_en": "Yes.",
            "pdf": SimpleUploadedFile("answer.pdf", b"<html>", content_type="application/pdf"),
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"pdf": ["Upload a PDF file."]}
    assert not Response.objects.exists()


def test_responses_page_is_refused_to_another_campaigns_manager(client, mallory, campaign):
    petition, minister = _petition(campaign)
    client.force_login(mallory)

    response = client.post(
        reverse("petitions:manage_responses", args=[petition.pk]),
        {"target": minister.pk, "responded_on": "2026-11-30", "body_en": "Yes."},
    )

    assert response.status_code == 404
    assert not Response.objects.exists()


def test_public_list_filters_responded_petitions(client, campaign):
    petition, minister = _petition(campaign)
    PetitionFactory(campaign=campaign, slug="still-open")
    responses.record_response(
        response=Response(
            petition=petition, target=minister, responded_on=date(2026, 11, 30), body_en="Yes."
        )
    )

    with translation.override("en"):
        url = reverse("petitions:list")
    response = client.get(url + "?status=responded")

    assert [p.slug for p in response.context["petitions"]] == ["answered"]
    assert "Officials responded to it, with 0 signatures." in response.content.decode()
