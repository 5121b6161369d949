"""oEmbed for petitions and letter actions (issue 13). Being built."""

from django.http import Http404


def oembed(request):
    raise Http404("Not built yet.")
