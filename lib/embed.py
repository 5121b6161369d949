"""Embedding Sori's actions in other sites (issue 13). Being built."""

from django.http import Http404


def loader_js(request):
    raise Http404("Not built yet.")
