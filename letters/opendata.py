"""Open data about letter actions (issue 13). Being built."""

from django.http import Http404


def action_json(request, slug):
    raise Http404("Not built yet.")
