import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import client_ip, hash_ip

from . import personal_data, roles, services
from .forms import DataRequestForm, EraseForm
from .models import Supporter


def _get_supporter_for_token(token: str) -> Supporter:
    supporter = services.supporter_from_data_token(token)
    if supporter is None:
        raise Http404("This link is not valid any more.")
    return supporter


@login_required
def activity(request):
    supporter = Supporter.objects.filter(user=request.user).first()
    context = {
        "supporter": supporter,
        "sections": personal_data.activity_sections(supporter) if supporter else [],
        "data_token": services.make_data_token(supporter) if supporter else None,
        "needs_mfa": roles.must_use_mfa(request.user) and not roles.has_mfa(request.user),
    }
    return render(request, "accounts/activity.html", context)


# Where someone sent to set up MFA was going; allauth's set-up pages know nothing of it,
# so its last page (the recovery codes) offers the way back from the session.
MFA_NEXT_SESSION_KEY = "sori_after_mfa"


def mfa_required(request):
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_authenticated and roles.has_mfa(request.user) and next_url:
        request.session.pop(MFA_NEXT_SESSION_KEY, None)
        return redirect(next_url)
    if request.user.is_authenticated and next_url:
        request.session[MFA_NEXT_SESSION_KEY] = next_url
    return render(request, "accounts/mfa_required.html", {"next": next_url})


def data_request(request):
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.request_data_link(
            email=form.cleaned_data["email"],
            language=request.LANGUAGE_CODE,
            client=hash_ip(client_ip(request)),
        ):
            return render(request, "accounts/data_request_sent.html")
        form.add_error(None, _("Too many attempts from here. Please wait an hour and try again."))
        return render(request, "accounts/data_request.html", {"form": form}, status=429)
    return render(request, "accounts/data_request.html", {"form": form})


def data_detail(request, token):
    supporter = _get_supporter_for_token(token)
    context = {
        "supporter": supporter,
        "token": token,
        "sections": personal_data.activity_sections(supporter),
        "consents": supporter.consents.all()[:50],
        "erase_form": EraseForm(),
    }
    return render(request, "accounts/data_detail.html", context)


def data_download(request, token):
    supporter = _get_supporter_for_token(token)
    body = json.dumps(services.export_supporter(supporter), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sori-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def data_erase(request, token):
    supporter = _get_supporter_for_token(token)
    form = EraseForm(request.POST)
    if not form.is_valid():
        context = {
            "supporter": supporter,
            "token": token,
            "erase_form": form,
            "sections": personal_data.activity_sections(supporter),
            "consents": supporter.consents.all()[:50],
        }
        return render(request, "accounts/data_detail.html", context, status=400)
    services.erase_supporter(supporter=supporter)
    messages.success(request, _("Your data has been erased."))
    return redirect(reverse("accounts:data_request"))
