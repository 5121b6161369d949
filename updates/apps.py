from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "updates"
    verbose_name = _("Updates to supporters")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
