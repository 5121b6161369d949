import re

from django.core import mail
from django.urls import reverse

from accounts.models import Supporter
from petitions.models import Signature
from tests.lib.test_email_canonical import ZW2_SPELLINGS
from tests.petitions.conftest import form_data


def confirm_links(messages) -> list[str]:
    return [
        link
        for message in messages
        for link in re.findall(r"http://testserver(/en/petitions/confirm/[^/\s]+/)", message.body)
    ]


def test_one_mailbox_spelt_eight_ways_signs_once(post, petition):
    for spelling in ZW2_SPELLINGS:
        post(reverse("petitions:sign", args=[petition.slug]), form_data(email=spelling))
    for link in confirm_links(mail.outbox):
        post(link)

    petition.refresh_from_db()
    assert list(Supporter.objects.values_list("email", flat=True)) == ["zw2@gmail.com"]
    assert [(s.supporter.email, s.status) for s in Signature.objects.all()] == [
        ("zw2@gmail.com", Signature.Status.CONFIRMED)
    ]
    assert petition.signature_count == 1


def test_sign_form_refuses_an_address_with_no_canonical_form(post, petition):
    response = post(
        reverse("petitions:sign", args=[petition.slug]), form_data(email='"zw2@x"@gmail.com')
    )

    assert response.context["form"].errors["email"] == [
        "Enter an email address that can receive mail, without hidden or unusual characters."
    ]
    assert not Signature.objects.exists()
