"""Manager screens for petitions: create, edit with a live preview, publish and close with
a confirmation, duplicate, and the dashboard.

Managers reach the petitions of the campaigns that list them, staff every petition;
anyone else gets a 404 (``_get_petition_for_manager``).
"""

import logging

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required
from campaigns.manage_views import (
    Move,
    available_moves,
    campaign_from_query,
    confirm_move,
    duplicate_action,
    render_preview,
    render_saved_preview,
)
from campaigns.models import Campaign
from lib.charts import bar_chart_svg
from lib.preview import frameable_by_this_site

from ..hotpath import page_views
from ..models import Petition
from ..signing import outcomes
from ..signing.views import _detail_context
from . import stats
from .forms import PetitionForm

logger = logging.getLogger(__name__)

FORM_TEMPLATE = "petitions/manage/petition_form.html"
PREVIEW_TEMPLATE = "petitions/manage/petition_preview.html"


def _get_petition_for_manager(request, pk: int) -> Petition:
    """A petition of a campaign the user manages (staff: any); anyone else gets a 404."""
    petitions = Petition.objects.select_related("campaign").filter(
        campaign__in=Campaign.objects.managed_by(request.user)
    )
    return get_object_or_404(petitions, pk=pk)


def _dashboard_url(petition: Petition) -> str:
    return reverse("petitions:manage_dashboard", args=[petition.pk])


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _moves(petition: Petition) -> dict[str, Move]:
    title = petition.title
    count = petition.current_count
    passed = []
    if petition.closes_at is not None and petition.closes_at <= timezone.now():
        passed.append(
            _("Its closing time (%(when)s) has passed: change it or empty it first.")
            % {"when": _when(petition.closes_at)}
        )
    publish = [
        _("The petition will be public at %(url)s.") % {"url": petition.get_absolute_url()},
    ]
    if petition.opens_at is not None:
        publish.append(_("It takes signatures from %(when)s.") % {"when": _when(petition.opens_at)})
    else:
        publish.append(_("It takes signatures at once."))
    if petition.closes_at is not None:
        publish.append(_("It closes by itself at %(when)s.") % {"when": _when(petition.closes_at)})
    if not petition.campaign.is_live:
        publish.append(
            _(
                "Its campaign “%(campaign)s” is not live: nobody can see or sign the petition "
                "until staff publish the campaign."
            )
            % {"campaign": petition.campaign.title}
        )
    return {
        "publish": Move(
            name="publish",
            status=Petition.Status.OPEN,
            sources=frozenset({Petition.Status.DRAFT}),
            button=_("Publish the petition"),
            question=_("Publish “%(title)s”?") % {"title": title},
            effects=publish,
            blockers=passed,
            done=_("The petition is published."),
        ),
        "close": Move(
            name="close",
            status=Petition.Status.CLOSED,
            sources=frozenset({Petition.Status.OPEN}),
            button=_("Close the petition"),
            question=_("Close “%(title)s”?") % {"title": title},
            effects=[
                _("It stops taking signatures now."),
                _("Its page stays online with the final count: %(count)s.")
                % {"count": formats.number_format(count, force_grouping=True)},
                _("You can open it again later."),
            ],
            done=_("The petition is closed."),
            danger=True,
        ),
        "reopen": Move(
            name="reopen",
            status=Petition.Status.OPEN,
            sources=frozenset({Petition.Status.CLOSED}),
            button=_("Open the petition again"),
            question=_("Open “%(title)s” again?") % {"title": title},
            effects=[
                _("It takes signatures again, adding to the %(count)s it has.")
                % {"count": formats.number_format(count, force_grouping=True)}
            ],
            blockers=passed,
            done=_("The petition is open again."),
        ),
        "deliver": Move(
            name="deliver",
            status=Petition.Status.DELIVERED,
            button=_("Mark as delivered"),
            question=_("Mark “%(title)s” as delivered?") % {"title": title},
            effects=[
                _("Its page says it was delivered to the officials, with %(count)s signatures.")
                % {"count": formats.number_format(count, force_grouping=True)},
                _("It takes no more signatures."),
            ],
            done=_("The petition is marked as delivered."),
        ),
        # Delivered -> closed undoes a "Mark as delivered" pressed by mistake; closing
        # words ("It stops taking signatures now") would not describe it.
        "undeliver": Move(
            name="undeliver",
            status=Petition.Status.CLOSED,
            sources=frozenset({Petition.Status.DELIVERED}),
            button=_("Mark as not delivered"),
            question=_("Mark “%(title)s” as not delivered?") % {"title": title},
            effects=[
                _("Its page no longer says it was delivered; it stays closed."),
                _("You can open it again or mark it as delivered later."),
            ],
            done=_("The petition is no longer marked as delivered."),
            danger=True,
        ),
    }


def _preview_context(request):
    def context_for(petition: Petition) -> dict:
        return _detail_context(request, petition)

    return context_for


@manager_required
def petition_create(request):
    campaign = campaign_from_query(request)
    form = PetitionForm(request.POST or None, user=request.user, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            petition = form.save()
        messages.success(
            request, _("The petition is saved as a draft. Preview it, then publish it.")
        )
        return redirect(_dashboard_url(petition))
    status = 400 if form.is_bound else 200
    return render(request, FORM_TEMPLATE, {"form": form, "petition": None}, status=status)


@manager_required
@require_POST
@never_cache
@frameable_by_this_site
def petition_create_preview(request):
    form = PetitionForm(request.POST, user=request.user)
    return render_preview(request, PREVIEW_TEMPLATE, _preview_context(request), form)


@manager_required
def petition_edit(request, pk):
    petition = _get_petition_for_manager(request, pk)
    form = PetitionForm(request.POST or None, instance=petition, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Your changes are saved."))
        return redirect(_dashboard_url(petition))
    status = 400 if form.is_bound else 200
    context = {
        "form": form,
        "petition": petition,
        "signed": petition.signatures.exclude(status="invalidated").count(),
    }
    return render(request, FORM_TEMPLATE, context, status=status)


@manager_required
@never_cache
@frameable_by_this_site
def petition_preview(request, pk):
    """GET: the public page as saved. POST: as the edit form would make it."""
    petition = _get_petition_for_manager(request, pk)
    if request.method != "POST":
        return render_saved_preview(request, PREVIEW_TEMPLATE, _detail_context(request, petition))
    form = PetitionForm(request.POST, instance=petition, user=request.user)
    return render_preview(request, PREVIEW_TEMPLATE, _preview_context(request), form)


@manager_required
def petition_status(request, pk, move):
    petition = _get_petition_for_manager(request, pk)
    return confirm_move(
        request,
        subject=petition,
        moves=_moves(petition),
        name=move,
        back_url=_dashboard_url(petition),
    )


@manager_required
def petition_duplicate(request, pk):
    petition = _get_petition_for_manager(request, pk)
    return duplicate_action(
        request,
        subject=petition,
        edit_url_name="petitions:manage_edit",
        back_url=_dashboard_url(petition),
    )


@manager_required
@never_cache
def petition_dashboard(request, pk):
    petition = _get_petition_for_manager(request, pk)
    try:
        # Views still in the cache are added anyway; flushing first makes them durable.
        page_views.flush(petition_ids=[petition.pk])
    except Exception:  # a cache or database hiccup must not hide the dashboard
        logger.warning("Could not flush page views of petition %s", petition.pk, exc_info=True)
    figures = stats.petition_stats(petition)
    start, end = figures.window
    chart = bar_chart_svg(
        [(day.day.isoformat(), day.signed) for day in figures.days],
        title=_("Signatures per day, %(start)s to %(end)s")
        % {
            "start": date_format(start, "SHORT_DATE_FORMAT"),
            "end": date_format(end, "SHORT_DATE_FORMAT"),
        },
        chart_id="signatures-per-day",
    )
    context = {
        "petition": petition,
        "stats": figures,
        "chart": chart,
        "moves": available_moves(_moves(petition), petition),
        **outcomes.outcomes_context(petition),
    }
    return render(request, "petitions/manage/petition_dashboard.html", context)
