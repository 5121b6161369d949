"""The manager area's pages for API tokens and webhooks (``/manage/api/``).

Managers and staff (with MFA) make and revoke their own tokens and webhooks; a token
or secret is shown once, on the page that made it. A webhook's page lists its latest
deliveries and sends a test.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required

from . import webhooks
from .forms import TokenForm, WebhookForm
from .models import ApiToken, Event, Webhook

DELIVERIES_SHOWN = 50


def _get_webhook_for_owner(request, pk: int) -> Webhook:
    hook = Webhook.objects.filter(pk=pk, owner=request.user).first()
    if hook is None:
        raise Http404
    return hook


def _index(request, *, token_form=None, webhook_form=None, status=200):
    context = {
        "tokens": ApiToken.objects.filter(owner=request.user),
        "webhooks": Webhook.objects.filter(owner=request.user),
        "token_form": token_form or TokenForm(),
        "webhook_form": webhook_form or WebhookForm(),
        "events": dict(Event.choices),
    }
    return render(request, "api/manage.html", context, status=status)


@never_cache
@manager_required
def manage_index(request):
    return _index(request)


@never_cache
@manager_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _index(request, token_form=form, status=400)
    row, token = ApiToken.issue(
        owner=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
    )
    return render(request, "api/token_created.html", {"row": row, "token": token})


@never_cache
@manager_required
@require_POST
def token_revoke(request, pk: int):
    row = ApiToken.objects.filter(pk=pk, owner=request.user).first()
    if row is None:
        raise Http404
    row.revoke()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": row.name})
    return redirect("api:manage_index")


@never_cache
@manager_required
@require_POST
def webhook_create(request):
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _index(request, webhook_form=form, status=400)
    hook = Webhook.objects.create(
        owner=request.user, url=form.cleaned_data["url"], events=form.cleaned_data["events"]
    )
    return render(request, "api/webhook_created.html", {"hook": hook})


@never_cache
@manager_required
def webhook_detail(request, pk: int):
    hook = _get_webhook_for_owner(request, pk)
    context = {
        "hook": hook,
        "deliveries": hook.deliveries.all()[:DELIVERIES_SHOWN],
        "events": dict(Event.choices),
    }
    return render(request, "api/webhook_detail.html", context)


@never_cache
@manager_required
@require_POST
def webhook_test(request, pk: int):
    hook = _get_webhook_for_owner(request, pk)
    if not hook.is_active:
        messages.error(request, _("Turn the webhook on before sending a test."))
        return redirect("api:manage_webhook", hook.pk)
    with transaction.atomic():
        webhooks.send_test(hook)
    messages.success(request, _("A test was sent. Its delivery is listed below."))
    return redirect("api:manage_webhook", hook.pk)


@never_cache
@manager_required
@require_POST
def webhook_toggle(request, pk: int):
    hook = _get_webhook_for_owner(request, pk)
    if hook.is_active:
        hook.disabled_at, hook.disabled_reason = timezone.now(), _("Turned off by its owner.")
        messages.success(request, _("The webhook is off."))
    else:
        hook.disabled_at, hook.disabled_reason = None, ""
        messages.success(request, _("The webhook is on again."))
    hook.save(update_fields=["disabled_at", "disabled_reason"])
    return redirect("api:manage_webhook", hook.pk)


@never_cache
@manager_required
@require_POST
def webhook_delete(request, pk: int):
    hook = _get_webhook_for_owner(request, pk)
    hook.delete()
    messages.success(request, _("The webhook was deleted."))
    return redirect("api:manage_index")
