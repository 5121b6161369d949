"""Helpers shared by the view tests of petitions."""

import re

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
DISPOSABLE = (
    "Addresses from disposable email services cannot confirm a signature for long enough. "
    "Please use an address you keep."
)
NOT_A_NAME = "Please enter just your name, without web addresses or email addresses."
INVISIBLE = "Your name contains invisible or control characters. Please type it again without them."


def count_of(petition) -> int:
    petition.refresh_from_db()
    return petition.signature_count


def without_csrf_tokens(html: bytes) -> bytes:
    """A page with each visitor's own CSRF token blanked, to compare pages across visitors."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def confirm_link(message) -> str:
    return re.search(
        r"http://testserver(/(?:en|ko)/petitions/confirm/[^/\s]+/)", message.body
    ).group(1)
