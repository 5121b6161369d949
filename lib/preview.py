"""Previews of unsaved edits: the public page exactly as it will look, with nothing kept.

A manager's form is saved inside a transaction, the public template is rendered from
the saved rows (relations and all, so the preview cannot drift from the real page), and
the transaction is rolled back. Side effects scheduled with ``transaction.on_commit``
(cache invalidation, mail) are discarded with it.

The preview is shown in a frame of the manager's page, so its responses may be framed
by this site (and only by it).
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override


class _RolledBack(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__("preview rolled back")
        self.response = response


def render_and_roll_back(render: Callable[[], HttpResponse]) -> HttpResponse:
    """Call ``render`` (which may save) in a transaction that is always rolled back.

    ``render`` must return a response whose content is already rendered (Django's
    ``render()`` shortcut does), since the rows it read are gone afterwards.
    """
    try:
        with transaction.atomic():
            raise _RolledBack(render())
    except _RolledBack as rolled_back:
        return rolled_back.response


def frameable_by_this_site(view: Callable) -> Callable:
    """Let this site's own pages frame the view's response (X-Frame-Options and CSP).

    The rest of the policy stays as configured: only ``frame-ancestors`` changes.
    """
    policy = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
    return csp_override(policy)(xframe_options_sameorigin(view))
