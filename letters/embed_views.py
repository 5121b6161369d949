"""The letter-action embed for other sites (issue 13). Being built."""

from django.http import Http404


def embed(request, slug):
    raise Http404("Not built yet.")


embed_write = embed_thanks = embed
