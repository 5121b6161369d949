from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "Petitions and signatures"

    def ready(self) -> None:
        from accounts import personal_data
        from campaigns import actions, managed

        from .integrations import MANAGED, PROVIDER, petition_actions

        personal_data.register(PROVIDER)
        actions.register(petition_actions)
        managed.register(MANAGED)
