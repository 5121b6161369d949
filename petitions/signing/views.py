from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import slug_re
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts import notices, roles
from accounts.models import Supporter
from campaigns.actions import next_action
from lib import kr_regions, ratelimit
from lib.ratelimit import Limit

from .. import regions, signatures
from ..hotpath import page_cache, page_views
from ..models import Petition, Signature
from . import abuse, intake, listing, outcomes, services, tokens
from .forms import ConfirmForm, SignForm

DETAIL_TEMPLATE = "petitions/petition_detail.html"
RECENT_SIGNERS = 10
RESEND_PER_SIGNATURE = Limit(1, 15 * 60)
RESEND_PER_IP = Limit(10, 60 * 60)


@dataclass(frozen=True)
class Counter:
    count: int
    goal: int
    next_milestone: int
    updated_at: datetime | None
    live: bool  # still taking signatures: the page keeps refreshing it
    # Open data (count.json): confirmed signatures per region (시·도), zeros included.
    by_region: dict | None = None

    @property
    def percent(self) -> int:
        return min(100, (100 * self.count) // max(self.next_milestone, 1))


@dataclass(frozen=True)
class ShareLink:
    key: str
    label: str
    url: str


def _get_petition_for_user(request, slug: str) -> Petition:
    """A public petition for everyone; a draft (or one in a draft campaign) for its managers.

    Also loads what the page shows (milestones, officials).
    """
    petitions = Petition.objects.select_related("campaign").with_current_count()
    petition = get_object_or_404(petitions.prefetch_related("milestones", "targets"), slug=slug)
    return _visible(request, petition)


def _petition_for_signing(request, slug: str) -> Petition:
    """The petition a sign POST names, as ``_get_petition_for_user`` finds it, but cached.

    A busy petition takes signatures by the hundred a second, and each needs the
    petition (its form settings) before anything else: the row and its campaign are
    kept as long as the cached page. Whether it takes the signature is not decided on
    this copy: the signing transaction reads that again (``services.sign_petition``).
    """
    petition = page_cache.petition(
        slug, lambda: Petition.objects.select_related("campaign").filter(slug=slug).first()
    )
    if petition is None:
        raise Http404("No petition at this address.")
    return _visible(request, petition)


def _visible(request, petition: Petition) -> Petition:
    if petition.is_public or roles.can_manage_campaign(request.user, petition.campaign):
        return petition
    raise Http404("No petition at this address.")


def _verified_supporter(request) -> Supporter | None:
    """The signed-in person's supporter, if their account's address for it is verified."""
    user = request.user
    if not user.is_authenticated:
        return None
    supporter = Supporter.objects.filter(user=user).first()
    if supporter is None:
        return None
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=supporter.email, verified=True
    ).exists()
    return supporter if verified else None


def _counter(petition: Petition, *, by_region: dict | None = None) -> Counter:
    return Counter(
        by_region=by_region,
        count=petition.current_count,
        goal=petition.goal,
        next_milestone=petition.next_milestone(),
        updated_at=petition.current_count_changed_at,
        live=petition.is_open,
    )


def _cached_counter(slug: str) -> Counter:
    """The public counter, shared for a few seconds by every reader of count.json."""
    key = page_cache.counter_key(slug)
    counter = page_cache.cached(key)
    if counter is None:
        petition = get_object_or_404(
            Petition.objects.public()
            .select_related("campaign")
            .with_current_count()
            .prefetch_related("milestones"),
            slug=slug,
        )
        counter = _counter(petition, by_region=regions.signatures_by_region(petition.pk))
        page_cache.remember(key, counter, settings.PETITIONS_PAGE_CACHE_SECONDS)
    return counter


def share_links(petition: Petition) -> list[ShareLink]:
    """Plain links: nothing is loaded from these sites until the person clicks."""
    page = settings.SITE_URL + petition.get_absolute_url()
    title = petition.title

    def url(ref: str) -> str:
        return f"{page}?ref={ref}"

    def query(**params) -> str:
        return urlencode(params, quote_via=quote)

    return [
        ShareLink(
            "email",
            _("Email"),
            "mailto:?" + query(subject=title, body=f"{petition.summary}\n\n{url('email')}"),
        ),
        ShareLink("x", "X", "https://x.com/intent/post?" + query(text=title, url=url("x"))),
        ShareLink(
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + query(u=url("facebook")),
        ),
        ShareLink(
            "whatsapp", "WhatsApp", "https://wa.me/?" + query(text=f"{title} {url('whatsapp')}")
        ),
        ShareLink(
            "bluesky",
            "Bluesky",
            "https://bsky.app/intent/compose?" + query(text=f"{title} {url('bluesky')}"),
        ),
    ]


def _share_context(petition: Petition) -> dict:
    page = settings.SITE_URL + petition.get_absolute_url()
    return {
        "share_links": share_links(petition),
        "share_copy_url": f"{page}?ref=link",
        "share_kakao_url": f"{page}?ref=kakao",
    }


def _detail_context(
    request,
    petition: Petition,
    *,
    form: SignForm | None = None,
    supporter: Supporter | None = None,
    notice: str = "",
) -> dict:
    own_signature = None
    if supporter is not None:
        own_signature = petition.signatures.filter(supporter=supporter).first()
    if form is None and petition.is_open and own_signature is None:
        form = SignForm(petition=petition, supporter=supporter)
    recent = (
        petition.signatures.public()
        .select_related("supporter")
        .order_by("-created_at", "-pk")[:RECENT_SIGNERS]
    )
    return {
        "petition": petition,
        "campaign": petition.campaign,
        "targets": [t for t in petition.targets.all() if t.active],
        "counter": _counter(petition),
        "recent_signatures": list(recent),
        "form": form,
        "own_signature": own_signature,
        "supporter": supporter,
        "notice": notice,
        "is_preview": not petition.is_public,
        "page_url": settings.SITE_URL + petition.get_absolute_url(),
        "image_url": settings.SITE_URL + petition.campaign.image.url
        if petition.campaign.image
        else "",
        "ref": page_cache.clean_ref(request.GET.get("ref", "")),
        "challenge_url": f"{reverse('petitions:challenge')}?petition={petition.slug}"
        if settings.PETITIONS_CHALLENGE and supporter is None
        else "",
        "privacy_notice": notices.PETITION.text,
        "counter_slug": petition.slug,
        **outcomes.outcomes_context(petition),
        **_share_context(petition),
    }


@require_safe
def petition_list(request):
    # Rendered for each request, never from the shared page cache: the counts on it
    # change with every signature, and a search or a page (a query string) is the
    # reader's own.
    form = listing.ListForm(request.GET)
    choices = form.choices()
    page = listing.page_of(listing.petitions_for(choices), request.GET.get("page"))
    asked_page = request.GET.get("page")
    context = {
        "form": form,
        "page": page,
        "petitions": page.object_list,
        "fallback": bool(form.errors)
        or (asked_page is not None and asked_page != str(page.number)),
        "filtered": any(choices[name] for name in ("q", "campaign", "status")),
        "query": listing.query_string(choices),
        "now": timezone.now(),
    }
    return render(request, "petitions/petition_list.html", context)


@require_safe
def petition_detail(request, slug):
    language = translation.get_language()
    shared = page_cache.cacheable(request)
    if shared:
        html = page_cache.get(slug, language)
        if html is not None:
            page_views.count(request, slug)  # only public pages are ever in the cache
            return page_cache.respond(request, html)
    petition = _get_petition_for_user(request, slug)
    if petition.is_public:
        page_views.count(request, petition.slug)
    if shared and petition.is_public:
        context = {**_detail_context(request, petition), **page_cache.template_context()}
        html = render_to_string(DETAIL_TEMPLATE, context, page_cache.template_request(request))
        page_cache.store(slug, language, html, timeout=petition.seconds_until_change())
        return page_cache.respond(request, html)
    context = _detail_context(request, petition, supporter=_verified_supporter(request))
    response = render(request, DETAIL_TEMPLATE, context)
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_POST
def sign(request, slug):
    petition = _petition_for_signing(request, slug)
    supporter = _verified_supporter(request)
    if not petition.is_open:
        notice = _("This petition is not taking signatures, so nothing was saved.")
        context = _detail_context(request, petition, supporter=supporter, notice=notice)
        return render(request, DETAIL_TEMPLATE, context, status=409)
    form = SignForm(request.POST, petition=petition, supporter=supporter)
    if not form.is_valid():
        context = _detail_context(request, petition, form=form, supporter=supporter)
        return render(request, DETAIL_TEMPLATE, context, status=400)
    ip_hash = abuse.request_ip_hash(request)
    review_reason = abuse.review_reason(
        petition=petition,
        ip_hash=ip_hash,
        verified=supporter is not None,
        honeypot=form.cleaned_data.get("website", ""),
        solution=form.cleaned_data.get("altcha", ""),
    )
    try:
        if supporter is None:
            # Stored and signed by a task: the request does the same work whether or not
            # the address has signed, so its timing tells nobody who has.
            intake.request_signature(
                petition=petition,
                signer=form.signature_fields(),
                ip_hash=ip_hash,
                language=translation.get_language(),
                review_reason=review_reason,
            )
        else:
            # A verified supporter learns only about themselves: signed at once.
            services.sign_petition(
                petition=petition,
                signer=form.signature_fields(),
                ip_hash=ip_hash,
                language=translation.get_language(),
                verified_supporter=supporter,
                review_reason=review_reason,
            )
    except services.PetitionNotOpen:
        notice = _("This petition closed a moment ago, so nothing was saved.")
        context = _detail_context(request, petition, supporter=supporter, notice=notice)
        return render(request, DETAIL_TEMPLATE, context, status=409)
    # The same answer for a first signature and a repeat: nobody learns who has signed.
    # The region (시·도, never the postcode) picks "popular in your region" there.
    response = redirect("petitions:thanks", slug=petition.slug)
    region = regions.region_of(form.cleaned_data["country"], form.cleaned_data.get("postcode", ""))
    if region:
        response["Location"] += f"?region={region}"
    return response


@require_safe
def thanks(request, slug):
    petition = _get_petition_for_user(request, slug)
    supporter = _verified_supporter(request)
    own = petition.signatures.filter(supporter=supporter).first() if supporter else None
    context = {
        "petition": petition,
        "own_signature": own,
        "popular_in_region": regions.popular_in_region(
            request.GET.get("region", ""), exclude=petition.pk
        ),
        "region": kr_regions.BY_CODE.get(request.GET.get("region", "")),
        "next_action": next_action(petition.campaign, exclude=f"petition:{petition.pk}"),
        **_share_context(petition),
    }
    return render(request, "petitions/thanks.html", context)


@require_safe
def count_json(request, slug):
    counter = _cached_counter(slug)
    response = JsonResponse(
        {
            "count": counter.count,
            "goal": counter.goal,
            "updated_at": counter.updated_at.isoformat() if counter.updated_at else None,
            "signatures_by_region": counter.by_region,
        }
    )
    patch_cache_control(response, public=True, max_age=settings.PETITIONS_COUNT_MAX_AGE)
    return response


@require_safe
def counter_fragment(request, slug):
    """The counter block alone, for the page's htmx refresh."""
    counter = _cached_counter(slug)
    response = render(
        request, f"{DETAIL_TEMPLATE}#counter", {"counter": counter, "counter_slug": slug}
    )
    patch_cache_control(response, public=True, max_age=settings.PETITIONS_COUNT_MAX_AGE)
    # Its words follow the language, which a cookie may choose.
    patch_vary_headers(response, ["Cookie"])
    return response


@never_cache
@require_safe
def challenge(request):
    """A challenge for signing the petition ``?petition=<slug>`` (harder in a surge)."""
    if not settings.PETITIONS_CHALLENGE:
        raise Http404("The challenge is switched off.")
    slug = request.GET.get("petition", "")
    if not slug_re.fullmatch(slug):
        raise Http404("No petition at this address.")
    petition = _petition_for_signing(request, slug)
    return JsonResponse(abuse.new_challenge(petition_id=petition.pk))


def _invalid_link(request, check: tokens.TokenCheck):
    return render(request, "petitions/link_invalid.html", {"check": check}, status=404)


@never_cache
def confirm(request, token):
    """GET shows a button; only the POST confirms, because mail scanners open links."""
    check = tokens.check_confirm_token(token)
    if not check.valid or check.signature is None:
        return _invalid_link(request, check)
    signature = check.signature
    if check.expired and signature.needs_email_confirmation:
        context = {"signature": signature, "token": token}
        return render(request, "petitions/confirm_expired.html", context, status=410)
    # A POST without the name fields (a page from before they existed) keeps the name.
    named = request.method == "POST" and "first_name" in request.POST
    form = ConfirmForm(request.POST if named else None, signature=signature)
    if request.method == "POST":
        if named and not form.is_valid():
            context = {"signature": signature, "token": token, "form": form}
            return render(request, "petitions/confirm.html", context, status=400)
        name = form.cleaned_data if named else None
        signature = services.confirm_signature(signature=signature, name=name)
        if signature.status == Signature.Status.CONFIRMED:
            messages.success(request, _("Thank you! Your signature is confirmed and counted."))
        elif signature.status == Signature.Status.REVIEW:
            messages.success(
                request,
                _("Thank you for confirming. Your signature will count once we have checked it."),
            )
        return redirect(signature.petition.get_absolute_url())
    context = {"signature": signature, "token": token, "form": form}
    return render(request, "petitions/confirm.html", context)


@never_cache
@require_POST
def resend(request, token):
    """Mail a fresh confirmation link to the signer's own address (rate limited)."""
    check = tokens.check_confirm_token(token)
    if not check.valid or check.signature is None:
        return _invalid_link(request, check)
    signature = check.signature
    ip_hash = abuse.request_ip_hash(request)
    allowed = ratelimit.allow(
        f"petitions:resend:{signature.pk}", RESEND_PER_SIGNATURE
    ) and ratelimit.allow(f"petitions:resend-ip:{ip_hash}", RESEND_PER_IP)
    if allowed:
        services.resend_confirmation(signature=signature, ip_hash=ip_hash)
    return render(request, "petitions/resent.html", {"petition": signature.petition})


@never_cache
def withdraw(request, token):
    """The withdraw link from our emails: GET shows a button, POST withdraws."""
    check = tokens.check_withdraw_token(token)
    if not check.valid:
        return _invalid_link(request, check)
    if check.signature is None:
        return render(request, "petitions/withdrawn.html", {"petition": None})
    signature = check.signature
    if request.method == "POST":
        signatures.withdraw_signature(signature=signature, language=translation.get_language())
        return render(request, "petitions/withdrawn.html", {"petition": signature.petition})
    return render(request, "petitions/withdraw.html", {"signature": signature, "token": token})


@login_required
@require_POST
def withdraw_own(request, slug):
    """A signed-in supporter withdraws their signature from the petition page."""
    petition = _get_petition_for_user(request, slug)
    supporter = Supporter.objects.filter(user=request.user).first()
    signature = petition.signatures.filter(supporter=supporter).first() if supporter else None
    if signature is None:
        messages.info(request, _("You have not signed this petition."))
    else:
        signatures.withdraw_signature(signature=signature, language=translation.get_language())
        messages.success(request, _("Your signature has been withdrawn."))
    return redirect(petition.get_absolute_url())
