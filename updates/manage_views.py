"""The manager area's updates: write, preview, test, send, follow.

A manager sees the updates of campaigns that list them; anything else is a 404, as if
it did not exist. Staff see every campaign's.
"""

from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required
from campaigns.models import Campaign
from letters.models import LetterAction
from lib.emails import MailNotSent, MailRefused
from lib.translated import LANGUAGE_CODES, language_name
from petitions.models import Petition, Response

from . import messages, services
from .forms import UpdateForm
from .models import Update

KINDS = {"campaign": Campaign, "petition": Petition, "letter": LetterAction}


def _get_scope_for_user(request, kind: str, slug: str):
    if kind not in KINDS:
        raise Http404("No such kind of update.")
    campaigns = Campaign.objects.managed_by(request.user)
    if kind == "campaign":
        return get_object_or_404(campaigns, slug=slug)
    return get_object_or_404(KINDS[kind].objects.filter(campaign__in=campaigns), slug=slug)


def _get_update_for_user(request, pk: int) -> Update:
    campaigns = Campaign.objects.managed_by(request.user)
    return get_object_or_404(
        Update.objects.select_related("campaign", "petition", "letter_action", "created_by"),
        pk=pk,
        campaign__in=campaigns,
    )


@manager_required
def update_list(request):
    campaigns = Campaign.objects.managed_by(request.user)
    updates = Update.objects.filter(campaign__in=campaigns).select_related(
        "campaign", "petition", "letter_action", "send"
    )[:100]
    return render(
        request,
        "updates/update_list.html",
        {
            "updates": updates,
            "campaigns": campaigns.prefetch_related("petitions", "letter_actions"),
        },
    )


@manager_required
def update_create(request, kind, slug):
    scope = _get_scope_for_user(request, kind, slug)
    form = UpdateForm(request.POST or None, petition=scope if kind == "petition" else None)
    if request.method == "POST":
        form.instance.campaign = scope if kind == "campaign" else scope.campaign
        form.instance.petition = scope if kind == "petition" else None
        form.instance.letter_action = scope if kind == "letter" else None
        form.instance.created_by = request.user
        if form.is_valid():
            update = form.save()
            return redirect(update)
    return render(request, "updates/update_form.html", {"form": form, "scope": scope})


@manager_required
def update_edit(request, pk):
    update = _get_update_for_user(request, pk)
    if update.sending is not None:
        flash.error(request, _("This update has been sent already: it cannot change."))
        return redirect(update)
    form = UpdateForm(request.POST or None, instance=update, petition=update.petition)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(update)
    return render(
        request, "updates/update_form.html", {"form": form, "scope": update.scope, "update": update}
    )


@manager_required
@never_cache
def update_detail(request, pk):
    update = _get_update_for_user(request, pk)
    context = {
        "update": update,
        "send": update.sending,
        "figures": services.dashboard(update),
    }
    template = "updates/update_detail.html"
    if request.htmx:
        return render(request, template + "#progress", context)
    context["audience_size"] = services.audience(update).count() if update.sending is None else 0
    context["previews"] = [
        {
            "code": code,
            "name": language_name(code),
            "rendered": messages.render_update(update, code),
            "html": update.text("body_html", code),
        }
        for code in LANGUAGE_CODES
    ]
    return render(request, template, context)


@manager_required
@require_POST
def update_test(request, pk):
    update = _get_update_for_user(request, pk)
    try:
        languages = services.send_test(update=update, user=request.user)
    except (MailNotSent, MailRefused):
        flash.error(request, _("The test message could not be sent. Please try again later."))
    else:
        flash.success(
            request,
            _("A test message went to %(email)s (%(languages)s).")
            % {
                "email": request.user.email,
                "languages": ", ".join(language_name(code) for code in languages),
            },
        )
    return redirect(update)


@manager_required
@require_POST
def update_send(request, pk):
    update = _get_update_for_user(request, pk)
    try:
        services.start_update(user=request.user, update=update)
    except services.UpdateError as error:
        flash.error(request, str(error))
    return redirect(update)


@manager_required
@require_POST
def update_from_response(request, response_pk):
    response = get_object_or_404(
        Response.objects.select_related("petition", "target"),
        pk=response_pk,
        petition__campaign__in=Campaign.objects.managed_by(request.user),
    )
    try:
        send = services.send_response(response=response, user=request.user)
    except services.UpdateError as error:
        flash.error(request, str(error))
        return redirect("petitions:manage_responses", response.petition_id)
    flash.success(request, _("The response is on its way to the petition's signers."))
    return redirect(send.update)


@manager_required
@require_POST
def update_cancel(request, pk):
    update = _get_update_for_user(request, pk)
    if update.sending is not None and update.sending.cancel():
        flash.success(request, _("Sending stopped. Nobody else will receive this update."))
    return redirect(update)
