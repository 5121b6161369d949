"""Open data about petitions (issue 13). Being built."""

from django.http import Http404


def petition_list_json(request):
    raise Http404("Not built yet.")


petition_list_csv = petition_list_json


def petition_json(request, slug):
    raise Http404("Not built yet.")
