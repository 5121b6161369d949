from django.contrib.admin.apps import AdminConfig


class SoriAdminConfig(AdminConfig):
    default_site = "config.admin.SoriAdminSite"

    def ready(self) -> None:
        super().ready()
        from . import checks  # noqa: F401 - registers Sori's own system checks
