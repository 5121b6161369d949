"""Access checks for the manager and staff areas, MFA included."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from . import roles


def role_required(check: Callable) -> Callable:
    """Anonymous -> sign in; wrong role -> 403; right role without MFA -> set it up."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(user):
                raise PermissionDenied
            if not roles.has_mfa(user):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:mfa_required')}?{query}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required(roles.is_staff_member)
manager_required = role_required(
    lambda user: roles.is_staff_member(user) or roles.is_campaign_manager(user)
)
