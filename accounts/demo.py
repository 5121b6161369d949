"""Demo accounts for ``seed_demo``: one campaign manager and one member of staff."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from . import roles
from .models import User

DEMO_PASSWORD = "sori-demo-2026"
MANAGER_EMAIL = "manager@sori.example"
STAFF_EMAIL = "staff@sori.example"


def _demo_user(email: str, name: str, group: str, *, is_staff: bool) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
    user.name = name
    user.is_staff = is_staff
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=group))
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(out) -> None:
    _demo_user(MANAGER_EMAIL, "Min-ji Park (demo manager)", roles.MANAGERS, is_staff=False)
    _demo_user(STAFF_EMAIL, "Alex Reid (demo staff)", roles.STAFF, is_staff=True)
    out(f"Demo campaign manager: {MANAGER_EMAIL}")
    out(f"Demo staff:            {STAFF_EMAIL}")
    out(f"Demo password (both):  {DEMO_PASSWORD}")
    out("Both must set up two-factor authentication on their first visit to /manage/.")
