"""Staff screens for letters: what waits for delivery, and print batches."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from accounts.services import record_audit
from campaigns.models import Target

from . import services
from .forms import PrintBatchForm
from .models import Letter, LetterDelivery, PrintBatch


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
