"""Manager and staff screens for letters.

Staff: what waits for delivery, and print batches (``/manage/letters/``). Managers of a
campaign (and staff): its letter actions, created and edited with a live preview of the
public page and of the letter as PDF, published and closed with a confirmation,
duplicated, and watched on a dashboard (``/manage/letters/actions/...``).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required, staff_required
from accounts.services import record_audit
from campaigns.manage_views import (
    PREVIEW_INVALID_TEMPLATE,
    Move,
    available_moves,
    campaign_from_query,
    confirm_move,
    duplicate_action,
    preview_language,
    render_preview,
    render_saved_preview,
)
from campaigns.models import Campaign, Target
from lib.charts import bar_chart_svg
from lib.pdf import merge_pdfs
from lib.preview import frameable_by_this_site, render_and_roll_back

from . import services, stats
from .forms import LetterForm, PrintBatchForm
from .manage_forms import LetterActionForm
from .models import Letter, LetterAction, LetterDelivery, PrintBatch
from .pdf import letter_context, render_letter
from .preview import preview_letters


@staff_required
def manage_index(request):
    hour_ago = timezone.now() - timedelta(hours=1)
    officials = (
        Target.objects.annotate(
            ready=Count(
                "letters",
                filter=Q(letters__status=Letter.Status.READY, letters__print_batch__isnull=True),
            ),
            queued=Count("letters", filter=Q(letters__status=Letter.Status.QUEUED)),
            failed=Count("letters", filter=Q(letters__status=Letter.Status.FAILED)),
            sent=Count("letters", filter=Q(letters__status=Letter.Status.SENT)),
            posted=Count("letters", filter=Q(letters__status=Letter.Status.POSTED)),
        )
        .filter(
            Q(ready__gt=0) | Q(queued__gt=0) | Q(failed__gt=0) | Q(sent__gt=0) | Q(posted__gt=0)
        )
        .order_by("name")
    )
    sent_last_hour = dict(
        LetterDelivery.objects.filter(status=LetterDelivery.Status.SENT, sent_at__gt=hour_ago)
        .values_list("target")
        .annotate(n=Count("pk"))
        .values_list("target", "n")
    )
    rows = [(official, sent_last_hour.get(official.pk, 0)) for official in officials]
    context = {
        "rows": rows,
        "batches": PrintBatch.objects.select_related("target", "created_by")[:25],
        "failed_emails": LetterDelivery.objects.filter(status=LetterDelivery.Status.FAILED)
        .select_related("target")
        .order_by("-updated_at")[:25],
        "per_hour": settings.LETTERS_EMAILS_PER_OFFICIAL_PER_HOUR,
    }
    return render(request, "letters/manage/index.html", context)


@staff_required
@require_POST
def batch_create(request):
    form = PrintBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an official to print letters for."))
        return redirect("letters:manage_index")
    try:
        batch = services.start_print_batch(
            target=form.cleaned_data["target"],
            user=request.user,
            envelopes=form.cleaned_data["envelopes"],
        )
    except services.LetterError as error:
        messages.error(request, str(error))
        return redirect("letters:manage_index")
    return redirect(batch)


@staff_required
@never_cache
def batch_detail(request, pk):
    batch = get_object_or_404(PrintBatch.objects.select_related("target", "created_by"), pk=pk)
    template = "letters/manage/batch_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"batch": batch})


@staff_required
@require_POST
def batch_cancel(request, pk):
    batch = get_object_or_404(PrintBatch, pk=pk)
    if services.cancel_print_batch(batch=batch):
        messages.success(request, _("The print batch is cancelled; its letters wait for the next."))
    else:
        messages.info(request, _("This print batch had already finished."))
    return redirect(batch)


@staff_required
@never_cache
def batch_pdf(request, pk):
    batch = get_object_or_404(PrintBatch, pk=pk)
    if not batch.file:
        raise Http404("This batch has no PDF.")
    record_audit(
        actor=request.user,
        action="export.letters.print_batch",
        subject=f"official:{batch.target_id} batch:{batch.pk}",
        rows=batch.total,
    )
    return FileResponse(
        batch.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"letters-{batch.target_id}-{batch.created_at:%Y%m%d-%H%M}.pdf",
    )


@staff_required
@require_POST
def batch_posted(request, pk):
    batch = get_object_or_404(PrintBatch, pk=pk)
    try:
        count = services.mark_batch_posted(batch=batch)
    except services.LetterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)d letters marked as posted.") % {"count": count})
    return redirect(batch)


# Letter actions (managers of the campaign, and staff) ---------------------------------

FORM_TEMPLATE = "letters/manage/letteraction_form.html"
PREVIEW_TEMPLATE = "letters/manage/letteraction_preview.html"

# The sample writer of the PDF preview, in each language of a letter. These are letter
# text, not interface words, so they are not translated.
SAMPLE_WRITERS = {
    "en": services.SenderDetails(
        email="", first_name="Alex", last_name="Morgan", city="Manchester", country="GB"
    ),
    "ko": services.SenderDetails(
        email="", first_name="지우", last_name="김", city="부산", country="KR"
    ),
}
SAMPLE_PARAGRAPH = {
    "en": "(Here comes the writer's own paragraph, if they add one.)",
    "ko": "(편지를 쓴 분이 덧붙인 단락이 여기에 들어갑니다.)",
}


def _get_action_for_manager(request, pk: int) -> LetterAction:
    """A letter action of a campaign the user manages (staff: any); else a 404."""
    actions = LetterAction.objects.select_related("campaign").filter(
        campaign__in=Campaign.objects.managed_by(request.user)
    )
    return get_object_or_404(actions, pk=pk)


def _dashboard_url(action: LetterAction) -> str:
    return reverse("letters:manage_action", args=[action.pk])


def _action_moves(action: LetterAction) -> dict[str, Move]:
    title = action.title
    blockers = []
    if not action.targets.filter(active=True).exists():
        blockers.append(_("It has no active official to write to: choose one first."))
    publish = [
        _("The letter action will be public at %(url)s.") % {"url": action.get_absolute_url()}
    ]
    if not action.campaign.is_live:
        publish.append(
            _(
                "Its campaign “%(campaign)s” is not live: nobody can see it or write until "
                "staff publish the campaign."
            )
            % {"campaign": action.campaign.title}
        )
    return {
        "publish": Move(
            name="publish",
            status=LetterAction.Status.OPEN,
            sources=frozenset({LetterAction.Status.DRAFT}),
            button=_("Publish the letter action"),
            question=_("Publish “%(title)s”?") % {"title": title},
            effects=publish,
            blockers=blockers,
            done=_("The letter action is published."),
        ),
        "close": Move(
            name="close",
            status=LetterAction.Status.CLOSED,
            button=_("Close the letter action"),
            question=_("Close “%(title)s”?") % {"title": title},
            effects=[
                _("Supporters can no longer write; its page says it has closed."),
                _("Letters already written can still be delivered."),
                _("You can open it again later."),
            ],
            done=_("The letter action is closed."),
            danger=True,
        ),
        "reopen": Move(
            name="reopen",
            status=LetterAction.Status.OPEN,
            sources=frozenset({LetterAction.Status.CLOSED}),
            button=_("Open the letter action again"),
            question=_("Open “%(title)s” again?") % {"title": title},
            effects=[_("Supporters can write again.")],
            blockers=blockers,
            done=_("The letter action is open again."),
        ),
    }


def _preview_context(request):
    def context_for(action: LetterAction) -> dict:
        # The preview's language (``render_preview`` sets it), not the manager's.
        form = LetterForm(action=action, interface_language=translation.get_language())
        preview = [] if action.status == LetterAction.Status.CLOSED else preview_letters(form)
        return {
            "action": action,
            "form": form,
            "preview": [letter_context(letter) for letter in preview],
        }

    return context_for


def sample_letters_pdf(action: LetterAction) -> bytes:
    """The action's letter in English and Korean, to its first official, from a sample
    writer, rendered exactly as supporters' letters are (``letters.pdf.render_letter``)."""
    target = action.targets.order_by("-active", "name").first()
    parts = []
    for language, writer in SAMPLE_WRITERS.items():
        letter = services.compose_letter(
            action=action,
            target=target,
            sender=writer,
            language=language,
            personal_paragraph=SAMPLE_PARAGRAPH[language],
        )
        parts.append(render_letter(letter))
    return merge_pdfs(parts)


def _pdf_response(action: LetterAction, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{action.slug}.pdf"'
    return response


def _render_pdf_preview(request, form: LetterActionForm) -> HttpResponse:
    """The letter PDF as the form would make the action; nothing is kept."""
    if not form.is_valid():
        return render(request, PREVIEW_INVALID_TEMPLATE, {"form": form}, status=400)

    def save_and_render() -> HttpResponse:
        action = form.save()
        return _pdf_response(action, sample_letters_pdf(action))

    return render_and_roll_back(save_and_render)


@manager_required
def action_create(request):
    campaign = campaign_from_query(request)
    form = LetterActionForm(request.POST or None, user=request.user, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            action = form.save()
        messages.success(
            request, _("The letter action is saved as a draft. Preview it, then publish it.")
        )
        return redirect(_dashboard_url(action))
    status = 400 if form.is_bound else 200
    return render(request, FORM_TEMPLATE, {"form": form, "action": None}, status=status)


@manager_required
@require_POST
@never_cache
@frameable_by_this_site
def action_create_preview(request):
    form = LetterActionForm(request.POST, user=request.user)
    return render_preview(request, PREVIEW_TEMPLATE, _preview_context(request), form)


@manager_required
@require_POST
@never_cache
def action_create_pdf(request):
    return _render_pdf_preview(request, LetterActionForm(request.POST, user=request.user))


@manager_required
def action_edit(request, pk):
    action = _get_action_for_manager(request, pk)
    form = LetterActionForm(request.POST or None, instance=action, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Your changes are saved."))
        return redirect(_dashboard_url(action))
    status = 400 if form.is_bound else 200
    return render(request, FORM_TEMPLATE, {"form": form, "action": action}, status=status)


@manager_required
@never_cache
@frameable_by_this_site
def action_preview(request, pk):
    """GET: the public page as saved. POST: as the edit form would make it."""
    action = _get_action_for_manager(request, pk)
    if request.method != "POST":
        with translation.override(preview_language(request)):
            context = _preview_context(request)(action)
        return render_saved_preview(request, PREVIEW_TEMPLATE, context)
    form = LetterActionForm(request.POST, instance=action, user=request.user)
    return render_preview(request, PREVIEW_TEMPLATE, _preview_context(request), form)


@manager_required
@never_cache
def action_pdf(request, pk):
    """GET: the sample letter as saved. POST: as the edit form would make it."""
    action = _get_action_for_manager(request, pk)
    if request.method != "POST":
        if not action.targets.exists():
            raise Http404("This letter action has no official to write to.")
        return _pdf_response(action, sample_letters_pdf(action))
    form = LetterActionForm(request.POST, instance=action, user=request.user)
    return _render_pdf_preview(request, form)


@manager_required
def action_status(request, pk, move):
    action = _get_action_for_manager(request, pk)
    return confirm_move(
        request,
        subject=action,
        moves=_action_moves(action),
        name=move,
        back_url=_dashboard_url(action),
    )


@manager_required
def action_duplicate(request, pk):
    action = _get_action_for_manager(request, pk)
    return duplicate_action(
        request,
        subject=action,
        edit_url_name="letters:manage_action_edit",
        back_url=_dashboard_url(action),
    )


@manager_required
@never_cache
def action_dashboard(request, pk):
    action = _get_action_for_manager(request, pk)
    figures = stats.letter_stats(action)
    start, end = figures.window
    chart = bar_chart_svg(
        [(day.day.isoformat(), day.written) for day in figures.days],
        title=_("Letters written per day, %(start)s to %(end)s")
        % {
            "start": date_format(start, "SHORT_DATE_FORMAT"),
            "end": date_format(end, "SHORT_DATE_FORMAT"),
        },
        chart_id="letters-per-day",
    )
    context = {
        "action": action,
        "stats": figures,
        "chart": chart,
        "status_counts": [
            (label, figures.by_status[value]) for value, label in Letter.Status.choices
        ],
        "delivery_counts": [
            (label, figures.deliveries[value]) for value, label in LetterDelivery.Status.choices
        ],
        "moves": available_moves(_action_moves(action), action),
        "has_officials": action.targets.exists(),
    }
    return render(request, "letters/manage/letteraction_dashboard.html", context)
