from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = "Donations"

    def ready(self) -> None:
        from accounts import personal_data
        from campaigns import actions

        from . import checks  # noqa: F401 - registers the system checks
        from .integrations import DonationData, donate_actions

        personal_data.register(DonationData())
        actions.register(donate_actions)
