"""The manager area: the index at /manage/, campaigns, and status moves with confirmation.

Who may do what (docs/architecture.md, "Manager area"): staff create campaigns, choose
their managers and publish, unpublish or archive them; a campaign's managers (and staff)
edit its words, image and officials and run its actions. Anyone else reaching a
campaign's manager pages gets a 404, as if it did not exist; a page reserved to staff
answers 403 to everyone else.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import manager_required, staff_required
from lib import embed
from lib.models import Translatable
from lib.preview import frameable_by_this_site, render_and_roll_back
from lib.states import TransitionNotAllowed
from lib.translated import LANGUAGE_CODES

from . import managed
from .actions import actions_for
from .manage_forms import CampaignForm, DuplicateForm, EmbedSettingsForm, PublishWithoutForm
from .models import Campaign

CONFIRM_TEMPLATE = "campaigns/manage/confirm_move.html"
PREVIEW_INVALID_TEMPLATE = "campaigns/manage/preview_invalid.html"


def _get_campaign_for_manager(request, pk: int) -> Campaign:
    """A campaign the user manages (staff: any); anyone else gets a 404."""
    return get_object_or_404(Campaign.objects.managed_by(request.user), pk=pk)


# Status moves, shared by campaigns, petitions and letter actions -------------------


@dataclass(frozen=True)
class Move:
    """One status change offered to managers, with what it will do, asked before it's done."""

    name: str  # in the URL: "publish"
    status: str  # the status it moves to
    button: str
    question: str
    effects: Sequence[str] = ()
    blockers: Sequence[str] = ()  # why it cannot be done now (the page says so)
    done: str = ""
    danger: bool = False
    # The statuses it starts from; empty: any the transition map allows. "Publish" and
    # "Open again" both move to open, so each names where it starts, or a draft and a
    # closed petition would each be offered both.
    sources: frozenset[str] = frozenset()


def _is_allowed(move: Move, subject) -> bool:
    """The subject's transition map allows the move from its current status, and the
    move starts from that status."""
    if move.sources and subject.status not in move.sources:
        return False
    return move.status in subject.TRANSITIONS.get(subject.status, set())


def available_moves(moves: dict[str, Move], subject) -> dict[str, Move]:
    """The moves that can be made from the subject's current status."""
    return {name: move for name, move in moves.items() if _is_allowed(move, subject)}


def _languages_to_confirm(subject, move: Move) -> list[str]:
    """The languages a publishing move must be told to go without (see Translatable)."""
    if isinstance(subject, Translatable) and move.status == subject.PUBLISHED_STATUS:
        return subject.languages_to_confirm()
    return []


def confirm_move(request, *, subject, moves: dict[str, Move], name: str, back_url: str):
    """GET: a page saying what the move will do. POST: do it, through ``set_status``.

    The move is checked against the model's transition map on both; the row is locked
    while it changes, so two people pressing at once cannot make an illegal move.
    Publishing translated content with a language not written yet asks for the explicit
    choice to publish without it (``PublishWithoutForm``), which is stored on the row.
    """
    move = moves.get(name)
    if move is None:
        raise Http404("No such change.")
    allowed = _is_allowed(move, subject)
    missing = _languages_to_confirm(subject, move)
    without = PublishWithoutForm(
        request.POST if request.method == "POST" else None, subject=subject, languages=missing
    )
    context = {
        "subject": subject,
        "move": move,
        "allowed": allowed,
        "back_url": back_url,
        "without_form": without if missing else None,
    }
    if not allowed or move.blockers:
        return render(request, CONFIRM_TEMPLATE, context, status=409)
    if request.method != "POST":
        return render(request, CONFIRM_TEMPLATE, context)
    if missing and not without.is_valid():
        return render(request, CONFIRM_TEMPLATE, context, status=400)
    try:
        with transaction.atomic():
            locked = type(subject).objects.select_for_update().get(pk=subject.pk)
            if missing:
                locked.publish_without(without.languages())
            locked.set_status(move.status)
    except TransitionNotAllowed:
        messages.error(request, _("Someone changed it meanwhile; nothing was done."))
    else:
        messages.success(request, move.done)
    return redirect(back_url)


def duplicate_action(request, *, subject, edit_url_name: str, back_url: str):
    """GET: choose the campaign for a copy. POST: copy ``subject`` there as a new draft.

    Petitions and letter actions share this: each has ``copy_as_draft(campaign=...)``.
    """
    form = DuplicateForm(
        request.POST or None, user=request.user, initial={"campaign": subject.campaign_id}
    )
    if request.method == "POST" and form.is_valid():
        copy = subject.copy_as_draft(campaign=form.cleaned_data["campaign"])
        messages.success(
            request,
            _("This is a copy of “%(title)s”, saved as a draft. Change what you need.")
            % {"title": subject.title},
        )
        return redirect(edit_url_name, pk=copy.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "subject": subject, "back_url": back_url}
    return render(request, "campaigns/manage/duplicate.html", context, status=status)


def campaign_from_query(request) -> Campaign | None:
    """The campaign named by ``?campaign=<id>`` where a new action starts, if any (404 if
    it is not one the user manages)."""
    wanted = request.GET.get("campaign", "")
    if not wanted:
        return None
    if not wanted.isdigit():
        raise Http404("No such campaign.")
    return _get_campaign_for_manager(request, int(wanted))


def preview_language(request) -> str:
    """The language a preview shows the public page in: ``?language=ko``, else the
    manager's own."""
    wanted = request.GET.get("language", "")
    return wanted if wanted in LANGUAGE_CODES else translation.get_language()


def render_preview(request, template: str, context_for, form) -> HttpResponse:
    """The public page as ``form`` would make it, in the preview's language (``?language=``);
    saves nothing (see lib.preview).

    ``context_for(saved_object)`` gives the public template's context. An incomplete
    form gets a page listing what to fix, as a 200: it is the preview of a form still
    being filled in (a blank "new petition" form is one), not a failed request, and a
    400 would be logged as an error in the browser's console at every keystroke. A
    campaign the person may not manage is a refusal, and stays a 400.
    """
    if not form.is_valid():
        refused = "campaign" in form.fields and form.has_error("campaign", "invalid_choice")
        return render(
            request, PREVIEW_INVALID_TEMPLATE, {"form": form}, status=400 if refused else 200
        )

    def save_and_render() -> HttpResponse:
        saved = form.save()
        return render(request, template, context_for(saved))

    with translation.override(preview_language(request)):
        return render_and_roll_back(save_and_render)


def render_saved_preview(request, template: str, context: dict) -> HttpResponse:
    """The public page as saved, in the preview's language (``?language=``)."""
    with translation.override(preview_language(request)):
        return render(request, template, context)


# The index ---------------------------------------------------------------------------


@manager_required
def manage_index(request):
    campaigns = list(Campaign.objects.managed_by(request.user).prefetch_related("managers"))
    actions = managed.actions_by_campaign(campaigns)
    rows = [(campaign, actions[campaign.pk], managed.new_links(campaign)) for campaign in campaigns]
    context = {"rows": rows}
    return render(request, "campaigns/manage/index.html", context)


# Campaigns ---------------------------------------------------------------------------


def _campaign_moves(campaign: Campaign) -> dict[str, Move]:
    url = campaign.get_absolute_url()
    title = campaign.title
    publish_effects = [
        _("The campaign page will be public at %(url)s, with its open actions.") % {"url": url},
        _("It will be listed on the home page."),
    ]
    if campaign.status == Campaign.Status.ARCHIVED:
        publish_effects.append(
            _("Its open petitions and letter actions take signatures and letters again.")
        )
    return {
        "publish": Move(
            name="publish",
            status=Campaign.Status.LIVE,
            button=_("Publish the campaign"),
            question=_("Publish “%(title)s”?") % {"title": title},
            effects=publish_effects,
            done=_("The campaign is live."),
        ),
        "unpublish": Move(
            name="unpublish",
            status=Campaign.Status.DRAFT,
            button=_("Take the campaign offline"),
            question=_("Take “%(title)s” offline?") % {"title": title},
            effects=[
                _("The campaign page and every one of its actions disappear from the site."),
                _("Links to them stop working until the campaign is published again."),
                _("Signatures and letters already given are kept."),
            ],
            done=_("The campaign is a draft again."),
            danger=True,
        ),
        "archive": Move(
            name="archive",
            status=Campaign.Status.ARCHIVED,
            button=_("Archive the campaign"),
            question=_("Archive “%(title)s”?") % {"title": title},
            effects=[
                _("The campaign leaves the home page; its page stays online and says it ended."),
                _("Its petitions and letter actions stop taking signatures and letters."),
            ],
            done=_("The campaign is archived."),
            danger=True,
        ),
    }


def _campaign_preview_context(campaign: Campaign) -> dict:
    return {
        "campaign": campaign,
        "actions": actions_for(campaign) if campaign.is_live else [],
        "targets": campaign.targets.filter(active=True),
        "is_preview": not campaign.is_live,
    }


@staff_required
def campaign_create(request):
    form = CampaignForm(request.POST or None, request.FILES or None, user=request.user)
    return _save_or_show(request, form, None, _("Campaign created as a draft."))


def _save_or_show(request, form: CampaignForm, campaign: Campaign | None, saved: str):
    """The create and edit screens: save a valid POST and go to the campaign, or show
    the form (400 with its errors)."""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            campaign = form.save()
        messages.success(request, saved)
        return redirect("campaigns:manage_campaign", pk=campaign.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "campaign": campaign}
    return render(request, "campaigns/manage/campaign_form.html", context, status=status)


@staff_required
@require_POST
@never_cache
@frameable_by_this_site
def campaign_create_preview(request):
    # Uploaded files are left out of previews: storing them is not undone by a rollback.
    form = CampaignForm(request.POST, user=request.user)
    return render_preview(
        request, "campaigns/manage/campaign_preview.html", _campaign_preview_context, form
    )


@manager_required
def campaign_detail(request, pk):
    campaign = _get_campaign_for_manager(request, pk)
    context = {
        "campaign": campaign,
        "actions": managed.actions_by_campaign([campaign])[campaign.pk],
        "new_links": managed.new_links(campaign),
        "moves": available_moves(_campaign_moves(campaign), campaign)
        if roles.is_staff_member(request.user)
        else {},
        "managers": campaign.managers.order_by("email"),
        "targets": campaign.targets.order_by("name"),
    }
    return render(request, "campaigns/manage/campaign_detail.html", context)


@manager_required
def campaign_embed(request, pk):
    """Which sites may embed the campaign's actions, the frame's look, and the code to
    paste for each open petition and letter action (docs/embedding.md)."""
    campaign = _get_campaign_for_manager(request, pk)
    form = EmbedSettingsForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The embed settings are saved."))
        return redirect("campaigns:manage_campaign_embed", pk=campaign.pk)
    loader_url = settings.SITE_URL + reverse("embed_loader")
    embeds = [
        (
            action,
            embed.embed_codes(
                page_url=settings.SITE_URL + action.url,
                embed_url=settings.SITE_URL + action.embed_url,
                kind=action.kind,
                title=str(action.title),
                loader_url=loader_url,
            ),
        )
        for action in actions_for(campaign)
        if action.embed_url
    ]
    context = {
        "campaign": campaign,
        "form": form,
        "embeds": embeds,
        "snippet": embed.resize_snippet(),
        "snippet_hash": embed.resize_hash(),
        "site_origin": settings.SITE_URL,
        "origins": campaign.embed_origin_list(),
        "any_origin": campaign.embed_origin_list() == [embed.ANY_ORIGIN],
    }
    status = 400 if form.is_bound else 200
    return render(request, "campaigns/manage/campaign_embed.html", context, status=status)


@manager_required
def campaign_edit(request, pk):
    campaign = _get_campaign_for_manager(request, pk)
    form = CampaignForm(
        request.POST or None, request.FILES or None, instance=campaign, user=request.user
    )
    return _save_or_show(request, form, campaign, _("Your changes are saved."))


@manager_required
@never_cache
@frameable_by_this_site
def campaign_preview(request, pk):
    """GET: the campaign page as saved. POST: as the edit form would make it."""
    campaign = _get_campaign_for_manager(request, pk)
    template = "campaigns/manage/campaign_preview.html"
    if request.method != "POST":
        return render_saved_preview(request, template, _campaign_preview_context(campaign))
    form = CampaignForm(request.POST, instance=campaign, user=request.user)
    return render_preview(request, template, _campaign_preview_context, form)


@staff_required
def campaign_status(request, pk, move):
    campaign = _get_campaign_for_manager(request, pk)
    back = reverse("campaigns:manage_campaign", args=[campaign.pk])
    return confirm_move(
        request, subject=campaign, moves=_campaign_moves(campaign), name=move, back_url=back
    )
