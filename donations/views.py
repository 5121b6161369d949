import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts import notices
from accounts.models import Supporter
from accounts.services import supporter_from_data_token
from campaigns.models import Campaign
from lib import ratelimit
from lib.http import client_ip, hash_ip

from . import money, services
from .forms import DonationForm
from .models import Donation, Payment
from .receipts import receipt_response
from .stripe_api import WebhookRejected, donations_enabled, verify_webhook

logger = logging.getLogger(__name__)

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"

# Chrome applies form-action to the redirects that follow a form POST, so the page
# holding the donate form (and only that page) may send its form on to Stripe Checkout.
allow_checkout_redirect = csp_override(
    {
        **settings.SECURE_CSP,
        "form-action": [
            *settings.SECURE_CSP.get("form-action", [CSP.SELF]),
            STRIPE_CHECKOUT_ORIGIN,
        ],
    }
)


def _require_donations() -> None:
    if not donations_enabled():
        raise Http404("Donations are not set up.")


def _currency(request) -> str:
    """The currency asked for, else KRW on Korean pages (when offered), else the first."""
    currencies = money.currencies()
    asked = (request.POST.get("currency") or request.GET.get("currency") or "").upper()
    if asked in currencies:
        return asked
    if request.LANGUAGE_CODE == "ko" and "KRW" in currencies:
        return "KRW"
    return currencies[0]


def _campaign(request) -> Campaign | None:
    slug = request.POST.get("campaign") or request.GET.get("campaign")
    return Campaign.objects.live().filter(slug=slug).first() if slug else None


def _too_many_checkouts(request) -> bool:
    """Card testers open many Checkout Sessions from one place; this caps them per hour.

    The address is hashed (``lib.http.hash_ip``); the cache holds no address.
    """
    limit = ratelimit.Limit(settings.DONATION_RATE_LIMIT, 60 * 60)
    return not ratelimit.allow(hash_ip(client_ip(request)), limit, prefix="donations:checkout")


def donate(request):
    if not donations_enabled():
        return render(request, "donations/donate_off.html")
    return _donate_form(request)


@allow_checkout_redirect
def _donate_form(request):
    currency = _currency(request)
    campaign = _campaign(request)
    initial = {"campaign": campaign}
    if request.user.is_authenticated:
        supporter = Supporter.objects.filter(user=request.user).first()
        initial["email"] = request.user.email
        if supporter:
            initial.update(first_name=supporter.first_name, last_name=supporter.last_name)
    form = DonationForm(request.POST or None, currency=currency, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _too_many_checkouts(request):
            form.add_error(
                None, _("Too many attempts from here. Please wait an hour and try again.")
            )
        else:
            data = form.cleaned_data
            try:
                _donation, url = services.start_donation(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    amount=data["amount"],
                    currency=currency,
                    frequency=data["frequency"],
                    campaign=data["campaign"],
                    language=request.LANGUAGE_CODE,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                    source=request.build_absolute_uri(request.path),
                )
            except services.StripeUnavailable:
                form.add_error(
                    None,
                    _(
                        "We could not reach our payment provider, and nothing was charged. "
                        "Please try again in a few minutes."
                    ),
                )
            else:
                response = redirect(url)
                response.status_code = 303
                return response
    context = {
        "form": form,
        "campaign": campaign,
        "currency": currency,
        "currencies": money.currencies(),
        "cancelled": bool(request.GET.get("cancelled")),
        "notice": notices.DONATION.text,
    }
    return render(request, "donations/donate.html", context, status=400 if form.errors else 200)


@never_cache
def thanks(request, reference):
    donation = get_object_or_404(Donation.objects.select_related("campaign"), reference=reference)
    template = "donations/donation_thanks.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"donation": donation})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Verify, store once, answer at once; a task does the work (donations.webhooks)."""
    _require_donations()
    try:
        event = verify_webhook(request.body, request.headers.get("Stripe-Signature"))
    except WebhookRejected as rejected:
        logger.warning("Refused a Stripe webhook: %s", rejected)
        return HttpResponseBadRequest(str(rejected), content_type="text/plain")
    _stored, created = services.record_stripe_event(event=event)
    return JsonResponse({"received": True, "duplicate": not created})


def _owner_of(request, donation: Donation) -> bool:
    """The signed-in donor, or whoever holds a valid "my data" link for the donor."""
    supporter_id = donation.supporter_id
    if supporter_id is None:
        return False
    if (
        request.user.is_authenticated
        and Supporter.objects.filter(pk=supporter_id, user=request.user).exists()
    ):
        return True
    token = request.POST.get("token") or request.GET.get("token")
    if token:
        supporter = supporter_from_data_token(token)
        return supporter is not None and supporter.pk == supporter_id
    return False


def _get_donation_for_donor(request, reference) -> Donation:
    donation = get_object_or_404(Donation, reference=reference)
    if not _owner_of(request, donation):
        raise Http404("No such gift here.")
    return donation


def _get_payment_for_donor(request, number: str) -> Payment:
    payment = get_object_or_404(Payment.objects.select_related("donation"), receipt_number=number)
    if not _owner_of(request, payment.donation):
        raise Http404("No such receipt here.")
    return payment


def _login_or_404(request):
    """Anonymous people without a token are asked to sign in; others see nothing."""
    has_token = request.POST.get("token") or request.GET.get("token")
    if not request.user.is_authenticated and not has_token:
        return redirect_to_login(request.get_full_path())
    return None


@never_cache
def receipt_pdf(request, number):
    if (response := _login_or_404(request)) is not None:
        return response
    return receipt_response(_get_payment_for_donor(request, number))


@never_cache
def cancel_monthly(request, reference):
    if (response := _login_or_404(request)) is not None:
        return response
    donation = _get_donation_for_donor(request, reference)
    token = request.POST.get("token") or request.GET.get("token") or ""
    if request.method == "POST" and donation.can_cancel:
        try:
            services.cancel_monthly_donation(donation=donation)
        except services.StripeUnavailable:
            messages.error(
                request,
                _("We could not reach our payment provider. Your gift is unchanged; try later."),
            )
        else:
            messages.success(
                request, _("Your monthly gift is cancelled. Thank you for your support.")
            )
            if token:
                return redirect("accounts:data", token)
            return redirect(reverse("accounts:activity"))
    return render(request, "donations/donation_cancel.html", {"donation": donation, "token": token})
