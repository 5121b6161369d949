from django.contrib.admin.apps import AdminConfig


class SoriAdminConfig(AdminConfig):
    default_site = "config.admin.SoriAdminSite"
