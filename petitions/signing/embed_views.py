"""The petition embed for other sites (issue 13; docs/embedding.md).

A compact page that signs inside another site's frame. Framed only by the origins the
campaign allows (``lib.framing.embed_view``); the sign form carries a signed token bound
to the petition (``lib.framing.make_form_token``) instead of the CSRF cookie, because a
frame on another site gets no cookies of ours. Nothing here reads a session or a
signed-in user: a POST without CSRF protection must not act for anyone, so everyone
signs as the full page's anonymous signer does (stored form, confirmation mail, same
rate limits, proof-of-work and honeypot). The thank-you step and the next action stay
in the frame.

The page itself is the same for every visitor (the token names the petition, not a
person), so it is kept in the shared cache for ``PETITIONS_PAGE_CACHE_SECONDS``, far
shorter than the token's life (``EMBED_FORM_TOKEN_MAX_AGE``).
"""

import dataclasses

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from accounts import notices
from campaigns.actions import next_action
from lib import embed as framing
from lib import embedcache

from .. import regions
from ..hotpath import page_views
from ..models import Petition
from . import abuse, intake, services, views
from .forms import SignForm

TEMPLATE = "embed/petition.html"
THANKS_TEMPLATE = "embed/petition_thanks.html"
SOURCE = "embed"


def _action(petition: Petition) -> str:
    return f"petition:{petition.pk}"


def _frame(request, petition: Petition) -> dict:
    theme_url = reverse("petitions:embed_theme", args=[petition.slug])
    return framing.frame_context(request, campaign=petition.campaign, theme_url=theme_url)


def _context(
    request, petition: Petition, *, form: SignForm | None = None, notice: str = ""
) -> dict:
    if form is None and petition.is_open:
        form = SignForm(petition=petition)
    return {
        **_frame(request, petition),
        "petition": petition,
        "counter": views._counter(petition),
        "form": form,
        "notice": notice,
        "form_token": framing.make_form_token(_action(petition)),
        "token_field": framing.FORM_TOKEN_FIELD,
        "page_url": settings.SITE_URL + petition.get_absolute_url(),
        "challenge_url": f"{reverse('petitions:challenge')}?petition={petition.slug}"
        if settings.PETITIONS_CHALLENGE
        else "",
        "privacy_notice": notices.PETITION.text,
    }


def _render(request, petition: Petition, *, status: int = 200, **kwargs) -> HttpResponse:
    return framing.render_frame(
        request, TEMPLATE, _context(request, petition, **kwargs), status=status
    )


@framing.embed_view
@require_safe
def embed(request, slug):
    petition = views._get_petition_for_user(request, slug)
    request.embed_origins = petition.campaign.embed_origin_list()
    if not petition.is_public:
        return _render(request, petition)  # a manager's preview of a draft: never shared
    page_views.count(request, petition.slug)
    html = render_to_string(TEMPLATE, _context(request, petition), request)
    # The next visitors get this copy from lib.embedcache (which counts their views).
    seconds = petition.seconds_until_change() or float("inf")
    embedcache.keep(
        request, translation.get_language(), html, request.embed_origins, seconds=seconds
    )
    return HttpResponse(html)


@framing.embed_view
@csrf_exempt  # the form token stands in for it (lib/embed.py); no session is read
@require_POST
def embed_sign(request, slug):
    petition = views._petition_for_signing(request, slug)
    request.embed_origins = petition.campaign.embed_origin_list()
    form = SignForm(request.POST, petition=petition)
    refusal = framing.check_form_token(
        request.POST.get(framing.FORM_TOKEN_FIELD, ""), _action(petition)
    )
    if refusal:
        return _render(request, petition, form=form, notice=refusal, status=403)
    if not petition.is_open:
        notice = _("This petition is not taking signatures, so nothing was saved.")
        return _render(request, petition, notice=notice, status=409)
    if not form.is_valid():
        return _render(request, petition, form=form, status=400)
    ip_hash = abuse.request_ip_hash(request)
    review_reason = abuse.review_reason(
        petition=petition,
        ip_hash=ip_hash,
        verified=False,
        honeypot=form.cleaned_data.get("website", ""),
        solution=form.cleaned_data.get("altcha", ""),
    )
    try:
        intake.request_signature(
            petition=petition,
            signer=dataclasses.replace(form.signature_fields(), source=SOURCE),
            ip_hash=ip_hash,
            language=translation.get_language(),
            review_reason=review_reason,
        )
    except services.PetitionNotOpen:
        notice = _("This petition closed a moment ago, so nothing was saved.")
        return _render(request, petition, notice=notice, status=409)
    response = redirect("petitions:embed_thanks", slug=petition.slug)
    region = regions.region_of(form.cleaned_data["country"], form.cleaned_data.get("postcode", ""))
    if region:
        response["Location"] += f"?region={region}"
    return response


@framing.embed_view
@require_safe
def embed_thanks(request, slug):
    petition = views._petition_for_signing(request, slug)
    request.embed_origins = petition.campaign.embed_origin_list()
    following = next_action(petition.campaign, exclude=f"petition:{petition.pk}")
    context = {
        **_frame(request, petition),
        "petition": petition,
        "next_action": following,
        "next_action_url": following.url_in_frame if following else "",
        "page_url": settings.SITE_URL + petition.get_absolute_url(),
        **views._share_context(petition),
    }
    return render(request, THANKS_TEMPLATE, context)


@require_safe
def embed_theme(request, slug):
    """The campaign's theme tokens for the frame (lib.embed.theme_stylesheet)."""
    petition = views._petition_for_signing(request, slug)
    return framing.theme_response(petition.campaign.embed_stylesheet())
