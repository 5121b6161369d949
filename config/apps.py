from django.apps import apps
from django.contrib.admin.apps import AdminConfig

# What the cached home and campaign pages show (lib/pagecache.py): a change to any of
# these drops the stored copies. By label, so that the apps' modules can move.
PAGE_MODELS = (
    "campaigns.Campaign",
    "campaigns.Target",
    "petitions.Petition",
    "petitions.Milestone",
    "letters.LetterAction",
)


class SoriAdminConfig(AdminConfig):
    default_site = "config.admin.SoriAdminSite"

    def ready(self) -> None:
        super().ready()
        from lib import pagecache

        from . import checks  # noqa: F401 - registers Sori's own system checks

        pagecache.connect(*(apps.get_model(label) for label in PAGE_MODELS))
