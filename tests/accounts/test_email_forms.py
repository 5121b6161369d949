"""Every form that takes a supporter's address stores its canonical form or refuses it."""

import pytest
from django.urls import reverse

from accounts.forms import DataRequestForm
from accounts.models import User
from donations.forms import DonationForm
from letters.forms import LetterForm
from tests.factories import PASSWORD, LetterActionFactory

FULLWIDTH_GMAIL = "zw2@\uff47\uff4d\uff41\uff49\uff4c.com"
UNCANONICAL = "Enter an email address that can receive mail, without hidden or unusual characters."


def data_request_form(email):
    return DataRequestForm({"email": email})


def letter_form(email):
    return LetterForm({"email": email}, action=LetterActionFactory(), interface_language="en")


def donation_form(email):
    return DonationForm({"email": email}, currency="EUR")


FORMS = [data_request_form, letter_form, donation_form]


@pytest.mark.django_db
@pytest.mark.parametrize("make_form", FORMS)
def test_email_form_cleans_a_fullwidth_domain_to_the_canonical_address(make_form):
    form = make_form(FULLWIDTH_GMAIL)

    form.is_valid()

    assert "email" not in form.errors
    assert form.cleaned_data["email"] == "zw2@gmail.com"


@pytest.mark.django_db
@pytest.mark.parametrize("make_form", FORMS)
def test_email_form_refuses_an_address_with_no_canonical_form(make_form):
    form = make_form('"zw2@x"@gmail.com')

    form.is_valid()

    assert form.errors["email"] == [UNCANONICAL]


@pytest.mark.django_db
def test_signup_stores_the_canonical_address(client):
    client.post(
        reverse("account_signup"),
        {"email": "ZW2@gm\u00adail.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert list(User.objects.values_list("email", flat=True)) == ["zw2@gmail.com"]


@pytest.mark.django_db
def test_signup_refuses_an_address_with_no_canonical_form(client):
    response = client.post(
        reverse("account_signup"),
        {"email": '"zw2@x"@gmail.com', "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.context["form"].errors["email"] == [UNCANONICAL]
    assert not User.objects.exists()
