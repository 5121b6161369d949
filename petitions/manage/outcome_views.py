"""Manager screens for officials' responses and for thresholds."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required

from .. import responses
from ..hotpath import counting
from .outcome_forms import ResponseForm, ThresholdFormSet
from .views import _get_petition_for_manager

RESPONSES_TEMPLATE = "petitions/manage/responses.html"


def _responses_url(petition) -> str:
    return reverse("petitions:manage_responses", args=[petition.pk])


@manager_required
def response_list(request, pk):
    """The petition's responses, and a form to record another."""
    petition = _get_petition_for_manager(request, pk)
    form = ResponseForm(request.POST or None, request.FILES or None, petition=petition)
    if request.method == "POST" and form.is_valid():
        responses.record_response(response=form.instance)
        messages.success(request, _("The response is recorded and shown on the petition."))
        return redirect(_responses_url(petition))
    context = {
        "petition": petition,
        "responses": petition.responses.select_related("target"),
        "form": form,
    }
    return render(request, RESPONSES_TEMPLATE, context, status=400 if form.errors else 200)


@manager_required
def response_edit(request, pk, response_pk):
    petition = _get_petition_for_manager(request, pk)
    response = get_object_or_404(petition.responses, pk=response_pk)
    form = ResponseForm(
        request.POST or None, request.FILES or None, instance=response, petition=petition
    )
    if request.method == "POST" and form.is_valid():
        responses.record_response(response=form.instance)
        messages.success(request, _("Your changes are saved."))
        return redirect(_responses_url(petition))
    context = {"petition": petition, "response": response, "form": form, "editing": True}
    return render(request, RESPONSES_TEMPLATE, context, status=400 if form.errors else 200)


@manager_required
@require_POST
def response_delete(request, pk, response_pk):
    petition = _get_petition_for_manager(request, pk)
    response = get_object_or_404(petition.responses, pk=response_pk)
    responses.delete_response(response=response)
    messages.success(request, _("The response is deleted."))
    return redirect(_responses_url(petition))


@manager_required
def thresholds(request, pk):
    """Each threshold's deadline (days from opening) and what it brings, per language."""
    petition = _get_petition_for_manager(request, pk)
    formset = ThresholdFormSet(request.POST or None, instance=petition)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
            # A threshold added below the count is reached already (stamped, then
            # announced like any crossing).
            counting.stamp_and_announce(petition.pk)
        messages.success(request, _("Your changes are saved."))
        return redirect(reverse("petitions:manage_dashboard", args=[petition.pk]))
    context = {"petition": petition, "formset": formset}
    return render(
        request,
        "petitions/manage/thresholds.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
