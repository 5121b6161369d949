"""The Django admin behind the site's own login, with MFA required."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import roles


class SoriAdminSite(admin.AdminSite):
    site_header = "Sori admin"
    site_title = "Sori admin"
    index_title = "Staff data work"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and roles.has_mfa(user)

    def login(self, request, extra_context=None):
        """Send everyone to allauth's login (and MFA set-up); admin has no login of its own."""
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not roles.has_mfa(user):
            return redirect(f"{reverse('accounts:mfa_required')}?{urlencode({'next': next_url})}")
        return redirect(next_url)
