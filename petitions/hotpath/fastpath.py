"""The two hottest anonymous requests, answered before most of the middleware runs.

A busy petition is read far more than it is signed: the page itself and its
``count.json``. For a visitor without a session both are answered from the cache
(``page_cache``) already; this middleware serves those cached answers straight after
the security, static-file and CSP middleware, skipping sessions, authentication,
messages, locale and CSRF middleware that would only find nothing to do. Anything it
cannot answer from the cache (a miss, a session cookie, a query other than ``ref``,
an htmx request) goes through the whole stack as usual, where the view renders and
stores the page for next time.

What the skipped middleware would have added, it adds itself: the visitor's own CSRF
token in the form and the ``csrftoken`` cookie (same format and masking as Django's,
so the sign form's POST is checked by Django's CSRF middleware as any other),
``X-Frame-Options``, ``Content-Language`` and ``Vary``. The page views are counted as
the view counts them.

A petition's open data (``/petitions/<slug>.json``, ``petitions.opendata``), once
cached, is answered here too, for everyone: it holds nothing personal.

What it buys: the cached page went from 0.29x to 0.61-0.70x of a bare hello view,
and ``count.json`` answers at 0.76-0.87x (``make bench pages``; docs/architecture.md,
"The fast path").
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lib.fastpage import personal_copy, secure

from . import page_cache, page_views
from .page_cache import clean_ref


class PetitionFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method == "GET" and settings.PETITIONS_PAGE_CACHE_SECONDS > 0:
            where = page_cache.petition_path(request.path_info)
            if where and self._anonymous(request):
                if where.count_json:
                    response = self._count_json(where.slug)
                else:
                    response = self._page(request, where.slug, where.language)
                if response is not None:
                    return response
            elif (data := page_cache.open_data_response(request.path_info)) is not None:
                # Open data is the same for everyone, signed in or not.
                return secure(data)
        return self.get_response(request)

    @staticmethod
    def _anonymous(request: HttpRequest) -> bool:
        return page_cache.cacheable(request) and set(request.GET) <= {"ref"}

    def _page(self, request: HttpRequest, slug: str, language: str) -> HttpResponse | None:
        html = page_cache.get(slug, language)
        if html is None:
            return None
        page_views.count(request, slug)
        ref = clean_ref(request.GET.get("ref", ""))
        return personal_copy(
            request,
            lambda token: html.replace(page_cache.hole("csrf"), token).replace(
                page_cache.hole("ref"), ref
            ),
            language,
        )

    def _count_json(self, slug: str) -> HttpResponse | None:
        counter = page_cache.cached(page_cache.counter_key(slug))
        if counter is None:
            return None
        return secure(page_cache.counter_response(counter))
