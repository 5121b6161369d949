"""Pages that show personal data are never stored by a browser or a proxy."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Views (by "namespace:name", or allauth's bare names) whose answers carry personal
# data: a person's own account and "my data" pages, and the manager and staff areas
# (moderation, exports, donations, the audit log). Each entry is a prefix.
PRIVATE_VIEWS = (
    "account_",  # allauth: sign-in, email addresses, passwords
    "mfa_",  # allauth: authenticator and recovery codes
    "accounts:",  # /account/, /my-data/<token>/ and its download, the audit log
    "campaigns:manage_",
    "petitions:manage_",
    "petitions:moderation_",
    "petitions:export",
    "petitions:pack",
    "donations:manage_",
    "donations:receipt",
    "letters:manage_",
)


class PrivatePagesMiddleware:
    """``Cache-Control: no-store`` (Django's ``never_cache`` headers) on ``PRIVATE_VIEWS``.

    One list here rather than a decorator on each view, so a new page in one of these
    areas is covered without anyone remembering to. The browser's back button and a
    shared computer's disk cache would otherwise keep a person's details after sign-out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name.startswith(PRIVATE_VIEWS):
            add_never_cache_headers(response)
        return response
