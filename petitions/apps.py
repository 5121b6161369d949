from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "Petitions and signatures"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts import personal_data
        from campaigns import actions, managed
        from campaigns.models import Campaign

        from . import page_cache
        from .integrations import MANAGED, PROVIDER, petition_actions

        personal_data.register(PROVIDER)
        actions.register(petition_actions)
        managed.register(MANAGED)
        post_save.connect(
            page_cache.campaign_saved, sender=Campaign, dispatch_uid="petitions.campaign_saved"
        )
