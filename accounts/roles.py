"""Who may do what: the two groups and the rule that both must use MFA.

Campaign managers manage the campaigns that list them; Staff see everything.
Both groups are created (with their admin permissions) by a migration.
"""

MANAGERS = "Campaign managers"
STAFF = "Staff"


def _group_names(user) -> set[str]:
    cached = getattr(user, "_sori_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.pk else set()
        user._sori_group_names = cached
    return cached


def is_staff_member(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or STAFF in _group_names(user)


def is_campaign_manager(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return MANAGERS in _group_names(user)


def must_use_mfa(user) -> bool:
    """Staff, managers and anyone who can open the admin must use MFA."""
    return user.is_authenticated and (
        user.is_staff or is_staff_member(user) or is_campaign_manager(user)
    )


def has_mfa(user) -> bool:
    from allauth.mfa.utils import is_mfa_enabled  # imported late: see bench/reference_settings

    return user.is_authenticated and is_mfa_enabled(user)


def can_manage_campaign(user, campaign) -> bool:
    if is_staff_member(user):
        return True
    return is_campaign_manager(user) and campaign.managers.filter(pk=user.pk).exists()


def grant_in_migration(apps, group_name: str, app_label: str, codenames: list[str] | None) -> None:
    """Data-migration helper: create a group and grant it permissions of one app.

    ``codenames=None`` grants every permission of the app. Permission rows are
    normally made after migrations finish; they are created here first so a fresh
    database gets its groups in one ``migrate``.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=group_name)
    permissions = permission_model.objects.filter(content_type__app_label=app_label)
    if codenames is not None:
        permissions = permissions.filter(codename__in=codenames)
    group.permissions.add(*permissions)
