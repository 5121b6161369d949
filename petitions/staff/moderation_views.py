"""Staff moderation: the review queue, bulk release or invalidation with preview and
undo, and the trending report. Staff only (with MFA); the logic is in moderation.py."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required

from ..models import ModerationAction, Petition, Signature
from . import moderation
from .forms import BulkModerationForm, TrendingForm


@staff_required
def queue(request):
    held = (
        Signature.objects.for_review()
        .select_related("petition", "supporter")
        .order_by("-created_at", "-pk")
    )
    petition = None
    if request.GET.get("petition"):
        petition = Petition.objects.filter(slug=request.GET["petition"]).first()
        held = held.filter(petition=petition) if petition else held.none()
    reason = request.GET.get("reason", "")
    if reason in Signature.ReviewReason.values and reason:
        held = held.filter(review_reason=reason)
    page = Paginator(held, 50).get_page(request.GET.get("page"))
    for signature in page:
        signature.email_state = moderation.email_state(signature)
    context = {
        "page": page,
        "petition": petition,
        "reason": reason,
        "petitions": Petition.objects.filter(signatures__status=Signature.Status.REVIEW)
        .distinct()
        .order_by("title_en", "title_ko"),
        "reasons": [c for c in Signature.ReviewReason.choices if c[0]],
        "query": urlencode(
            {
                k: v
                for k, v in (("petition", petition.slug if petition else ""), ("reason", reason))
                if v
            }
        ),
    }
    return render(request, "petitions/moderation/queue.html", context)


@staff_required
def bulk(request):
    """The criteria form (GET); submitted with ``preview`` it shows the matches."""
    form = BulkModerationForm(
        request.GET if "preview" in request.GET else None, initial=request.GET.dict()
    )
    context = {"form": form, "preview": None}
    if form.is_bound and form.is_valid():
        context["preview"] = moderation.preview(criteria=form.criteria(), actor=request.user)
        context["query"] = request.GET.urlencode()
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "petitions/moderation/bulk.html", context, status=status)


@staff_required
@require_POST
def bulk_apply(request):
    form = BulkModerationForm(request.POST)
    if not form.is_valid():
        return render(request, "petitions/moderation/bulk.html", {"form": form}, status=400)
    criteria = form.criteria()
    try:
        action = moderation.apply_bulk_action(
            criteria=criteria, expected=request.POST.get("fingerprint", ""), actor=request.user
        )
    except moderation.ModerationError as error:
        messages.error(request, str(error))
        query = request.POST.copy()
        for key in ("csrfmiddlewaretoken", "fingerprint"):
            query.pop(key, None)
        query["preview"] = "1"
        return redirect(f"{reverse('petitions:moderation_bulk')}?{query.urlencode()}")
    messages.success(
        request,
        _("%(count)d signatures moved. You can undo this below.") % {"count": action.moved},
    )
    return redirect(action)


@staff_required
def action_list(request):
    actions = ModerationAction.objects.select_related("actor", "undone_by", "petition")
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(request, "petitions/moderation/action_list.html", {"page": page})


@staff_required
def action_detail(request, pk):
    action = get_object_or_404(
        ModerationAction.objects.select_related("actor", "undone_by", "petition"), pk=pk
    )
    moves = action.moves.values("from_status", "to_status").order_by()
    summary: dict[tuple[str, str], int] = {}
    for move in moves:
        key = (move["from_status"], move["to_status"])
        summary[key] = summary.get(key, 0) + 1
    labels = dict(Signature.Status.choices)
    rows = [
        {"from": labels[a], "to": labels[b], "count": n} for (a, b), n in sorted(summary.items())
    ]
    return render(
        request, "petitions/moderation/action_detail.html", {"action": action, "rows": rows}
    )


@staff_required
@require_POST
def action_undo(request, pk):
    action = get_object_or_404(ModerationAction, pk=pk)
    try:
        restored = moderation.undo_action(action=action, actor=request.user)
    except moderation.ModerationError as error:
        messages.error(request, str(error))
    else:
        skipped = action.moved - restored
        message = _("%(count)d signatures put back as they were.") % {"count": restored}
        if skipped:
            message += " " + _(
                "%(count)d had been moved since (confirmed by their signer, or moved again) "
                "and were left alone."
            ) % {"count": skipped}
        messages.success(request, message)
    return redirect(action)


@staff_required
def trending(request):
    form = TrendingForm(request.GET or None)
    ip = settings.MODERATION_TRENDING_IP
    domain = settings.MODERATION_TRENDING_DOMAIN
    if form.is_bound and form.is_valid():
        ip = form.cleaned_data["ip"] or ip
        domain = form.cleaned_data["domain"] or domain
    since = moderation.last_hour()
    report = moderation.trending(since=since, ip_threshold=ip, domain_threshold=domain)
    window = {
        "signed_after": timezone.localtime(since).strftime("%Y-%m-%dT%H:%M"),
    }
    for row in report["addresses"]:
        row["bulk_query"] = urlencode({**window, "ip_hash": row["ip_hash"], "action": "invalidate"})
    for row in report["domains"]:
        row["bulk_query"] = urlencode(
            {**window, "email_domain": row["domain"], "action": "invalidate"}
        )
    context = {
        "form": form,
        "report": report,
        "ip_threshold": ip,
        "domain_threshold": domain,
        "since": since,
    }
    return render(request, "petitions/moderation/trending.html", context)
