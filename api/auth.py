"""Tokens, scopes and rate limits for the API (Django REST framework's hooks).

A token comes as ``OSDI-API-Token: <token>`` (Action Network's header) or
``Authorization: Bearer <token>``. It is looked up by its SHA-256; the stored row
never holds the token itself. No token or a bad one: 401. A read token asking to
write: 403. Over ``API_RATE_LIMIT`` requests a minute for one token: 429 with
``Retry-After``, counted through ``lib.ratelimit`` like every limit in Sori.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication

from lib import ratelimit

from .access import Viewer
from .models import ApiToken, hash_token

# last_used_at is written at most this often per token: not one UPDATE per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_from_request(request) -> str:
    header = request.META.get("HTTP_OSDI_API_TOKEN", "").strip()
    if header:
        return header
    scheme, _sep, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    return ""


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = token_from_request(request)
        if not token:
            return None  # NotAuthenticated (401) from the permission check
        row = (
            ApiToken.objects.active()
            .select_related("owner")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if row is None or not row.owner.is_active:
            raise exceptions.AuthenticationFailed(_("This API token is not valid."))
        now = timezone.now()
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            row.last_used_at = now
        return row.owner, row

    def authenticate_header(self, request) -> str:
        # A WWW-Authenticate header makes REST framework answer 401, not 403.
        return 'Bearer realm="api"'


class HasScope(permissions.BasePermission):
    """Reading needs any token of a manager or staff; writing needs a write token."""

    message = _("This API token may only read.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated(_("Send an API token in the OSDI-API-Token header."))
        if not Viewer(request.user).may_use_api:
            raise exceptions.PermissionDenied(_("The owner of this API token manages no campaign."))
        if request.method in permissions.SAFE_METHODS:
            return True
        return token.can_write


class TokenRateThrottle(throttling.BaseThrottle):
    """``API_RATE_LIMIT`` requests a minute per token (``lib.ratelimit``)."""

    window = 60

    def allow_request(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        limit = ratelimit.Limit(settings.API_RATE_LIMIT, self.window)
        return ratelimit.allow(f"api:token:{token.pk}", limit)

    def wait(self) -> float:
        return self.window - (time.time() % self.window)
