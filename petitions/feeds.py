"""Atom feeds of petitions (issue 13). Being built."""

from django.http import Http404


class NewPetitionsFeed:
    def __call__(self, request):
        raise Http404("Not built yet.")
