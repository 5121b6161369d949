"""Collections that also take a POST: OSDI's helpers.

``POST people`` is the person signup helper, ``POST petitions/<id>/signatures`` the
record signature helper and ``POST advocacy_campaigns/<id>/outreaches`` the record
outreach helper. They need a write token; the work is in ``services``.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import Supporter

from . import openapi, services, views
from .represent import outreach, person, signature
from .services import HelperError


def _error(error: HelperError) -> Response:
    body = {"error": str(error)}
    if error.errors:
        body["errors"] = error.errors
    return Response(body, status=400)


def _body(request):
    data = request.data
    if not isinstance(data, dict):
        raise HelperError("Send a JSON object.")
    return data


@extend_schema_view(post=openapi.helper("Person", "person_signup_helper"))
class PeopleView(views.PeopleList):
    def post(self, request):
        if not self.viewer.is_staff:
            # Campaign managers add people by their actions, never to the whole list.
            raise PermissionDenied(_("Only staff tokens may add people directly."))
        try:
            supporter = services.sign_up_person(
                body=_body(request), token=request.auth, language=get_language()
            )
        except HelperError as error:
            return _error(error)
        row = self.collection.prepare(Supporter.objects.filter(pk=supporter.pk), self.viewer).get()
        links = self.links()
        links.load(self.collection.kind, [row.pk])
        return Response(person(row, links))


@extend_schema_view(post=openapi.helper("Signature", "record_signature_helper"))
class SignaturesView(views.SignatureList):
    def post(self, request, petition: int):
        target = views.visible(self.viewer.petitions(), petition)
        try:
            row, _new = services.record_signature(
                petition=target, body=_body(request), token=request.auth, language=get_language()
            )
        except HelperError as error:
            return _error(error)
        links = self.links()
        links.load(self.collection.kind, [row.pk])
        return Response(signature(row, links))


@extend_schema_view(post=openapi.helper("Outreach", "record_outreach_helper"))
class OutreachesView(views.OutreachList):
    def post(self, request, campaign: int):
        action = views.visible(self.viewer.letter_actions(), campaign)
        try:
            letters = services.record_outreach(
                action=action, body=_body(request), token=request.auth, language=get_language()
            )
        except HelperError as error:
            return _error(error)
        links = self.links()
        links.load(self.collection.kind, [letter.pk for letter in letters])
        items = [outreach(letter, links) for letter in letters]
        if not items:
            return Response({"error": "No letter was written."}, status=400)
        # One outreach per official, as Action Network answers: the first is the
        # resource, all of them are embedded.
        return Response({**items[0], "_embedded": {"osdi:outreaches": items}})
