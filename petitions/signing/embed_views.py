"""The petition embed for other sites (issue 13). Being built."""

from django.http import Http404


def embed(request, slug):
    raise Http404("Not built yet.")


embed_sign = embed_thanks = embed
