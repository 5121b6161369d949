from django import forms
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.urls import path
from django_countries import countries

from accounts.models import Supporter
from petitions.models import Petition

REFERENCE_PETITION = "bench-reference"


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


def healthz(request):
    return JsonResponse({"status": "ok"})


class ReferenceSignForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(max_length=254)
    country = forms.ChoiceField(choices=list(countries))
    display = forms.ChoiceField(choices=[("full", "full"), ("initials", "initials")])


def sign(request):
    """The floor of any sign endpoint: validate a form, INSERT a row, F() the counter.

    Both writes in one transaction, as correctness requires (a count that moves
    without its row, or the reverse, would drift).
    """
    form = ReferenceSignForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(b"invalid")
    data = form.cleaned_data
    with transaction.atomic():
        Supporter.objects.create(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            country=data["country"],
        )
        Petition.objects.filter(slug=REFERENCE_PETITION).update(
            signature_count=F("signature_count") + 1
        )
    return HttpResponseRedirect("/thanks")


urlpatterns = [
    path("hello", hello),
    path("healthz", healthz),
    path("sign", sign),
]
