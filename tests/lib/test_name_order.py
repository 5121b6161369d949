"""Korean forms ask for the family name (성) before the given name (이름)."""

from django import forms
from django.utils import translation

from lib.forms import NameOrderMixin
from petitions.models import Petition
from petitions.signing.forms import SignForm


class NameForm(NameOrderMixin, forms.Form):
    amount = forms.IntegerField()
    first_name = forms.CharField(label="First name")
    last_name = forms.CharField(label="Last name")
    email = forms.EmailField()


def test_korean_forms_put_the_family_name_first():
    with translation.override("ko"):
        form = NameForm()

        assert [field.name for field in form.name_fields] == ["last_name", "first_name"]
        # The error summary walks the fields in this order too.
        assert list(form.fields) == ["amount", "last_name", "first_name", "email"]


def test_english_forms_keep_the_given_name_first():
    with translation.override("en"):
        form = NameForm()

        assert [field.name for field in form.name_fields] == ["first_name", "last_name"]
        assert list(form.fields) == ["amount", "first_name", "last_name", "email"]


def test_the_sign_form_labels_read_seong_then_ireum_in_korean():
    petition = Petition(postcode_field="off", city_field="off")

    with translation.override("ko"):
        labels = [str(field.label) for field in SignForm(petition=petition).name_fields]

    assert labels == ["성", "이름"]
