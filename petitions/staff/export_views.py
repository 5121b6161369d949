"""Signature exports and delivery packs, for a petition's managers and for staff.

A manager sees only the petitions of campaigns that list them: any other petition is a
404 here, as if it did not exist (its slug may be a draft's). Staff see every petition.
Every download is written to the audit log before it starts.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required
from accounts.services import record_audit
from campaigns.models import Campaign

from ..models import DeliveryPack, Petition
from . import delivery
from .exports import open_export
from .forms import DeliveryPackForm, ExportForm


def _get_petition_for_user(request, slug: str) -> Petition:
    campaigns = Campaign.objects.managed_by(request.user)
    return get_object_or_404(
        Petition.objects.select_related("campaign"), slug=slug, campaign__in=campaigns
    )


def _get_pack_for_user(request, slug: str, pk: int) -> DeliveryPack:
    petition = _get_petition_for_user(request, slug)
    return get_object_or_404(
        DeliveryPack.objects.select_related("petition", "created_by"), petition=petition, pk=pk
    )


def _export_page(request, petition, *, form=None, pack_form=None, status=200):
    context = {
        "petition": petition,
        "form": form or ExportForm(user=request.user, petition=petition),
        "pack_form": pack_form or DeliveryPackForm(petition=petition),
        "packs": petition.delivery_packs.select_related("created_by")[:10],
    }
    return render(request, "petitions/manage/export.html", context, status=status)


@manager_required
def export_page(request, slug):
    return _export_page(request, _get_petition_for_user(request, slug))


@manager_required
@never_cache
def export_csv(request, slug):
    petition = _get_petition_for_user(request, slug)
    # A bare link downloads the defaults (the columns and statuses the form starts with).
    data = request.GET or ExportForm.default_data()
    form = ExportForm(data, user=request.user, petition=petition)
    if not form.is_valid():
        return _export_page(request, petition, form=form, status=400)
    spec = form.spec()
    export = open_export(spec=spec, actor=request.user, via="web")
    # The export itself (not a generator) so that Django calls its close() in any case.
    response = StreamingHttpResponse(export, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.filename()}"'
    response["X-Export-Rows"] = str(export.rows)
    return response


@manager_required
@require_POST
def pack_create(request, slug):
    petition = _get_petition_for_user(request, slug)
    form = DeliveryPackForm(request.POST, petition=petition)
    if not form.is_valid():
        return _export_page(request, petition, pack_form=form, status=400)
    try:
        pack = delivery.start_delivery_pack(
            petition=petition,
            user=request.user,
            language=form.cleaned_data["language"],
            cover_letter=form.cleaned_data["cover_letter"],
        )
    except delivery.NothingToDeliver as error:
        messages.error(request, str(error))
        return redirect("petitions:export", slug=petition.slug)
    return redirect(pack)


@manager_required
@never_cache
def pack_detail(request, slug, pk):
    pack = _get_pack_for_user(request, slug, pk)
    template = "petitions/manage/pack_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"pack": pack, "petition": pack.petition})


@manager_required
@require_POST
def pack_cancel(request, slug, pk):
    pack = _get_pack_for_user(request, slug, pk)
    if pack.cancel():
        messages.success(request, _("The delivery pack is cancelled; nothing was kept."))
    else:
        messages.info(request, _("This delivery pack had already finished."))
    return redirect(pack)


def _pack_file(request, slug, pk, *, which: str):
    pack = _get_pack_for_user(request, slug, pk)
    stored = pack.file if which == "pdf" else pack.manifest
    if not stored:
        raise Http404("This pack has no file.")
    record_audit(
        actor=request.user,
        action=f"export.signatures.pack_{which}",
        subject=f"petition:{pack.petition.slug} pack:{pack.pk}",
        filters={"sha256": pack.sha256, "language": pack.language},
        rows=pack.total,
    )
    suffix = "pdf" if which == "pdf" else "csv"
    return FileResponse(
        stored.open("rb"),
        content_type="application/pdf" if which == "pdf" else "text/csv; charset=utf-8",
        as_attachment=True,
        filename=f"delivery-{pack.petition.slug}-{pack.created_at:%Y%m%d-%H%M}.{suffix}",
    )


@manager_required
@never_cache
def pack_pdf(request, slug, pk):
    return _pack_file(request, slug, pk, which="pdf")


@manager_required
@never_cache
def pack_list(request, slug, pk):
    return _pack_file(request, slug, pk, which="list")
