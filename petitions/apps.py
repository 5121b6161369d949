from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "Petitions and signatures"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts import personal_data, retention
        from campaigns import actions, managed
        from campaigns.models import Campaign
        from lib import embedcache

        from . import receivers
        from .hotpath import page_views
        from .integrations import MANAGED, PROVIDER, RETENTION, petition_actions
        from .models import Petition

        personal_data.register(PROVIDER)
        retention.register(RETENTION)
        actions.register(petition_actions)
        managed.register(MANAGED)
        # An embed answered from its shared copy is a page view like any other.
        embedcache.on_served("petitions", page_views.count)
        post_save.connect(
            receivers.petition_saved, sender=Petition, dispatch_uid="petitions.petition_saved"
        )
        post_save.connect(
            receivers.campaign_saved, sender=Campaign, dispatch_uid="petitions.campaign_saved"
        )
