"""What petitions do when rows change elsewhere: drop cached public pages.

Connected in ``apps.PetitionsConfig.ready``. A receiver, not a ``save()`` override, so
the models need not import the page cache (which renders templates that use them).
"""

from django.db import transaction

from .hotpath import page_cache
from .models import Petition


def petition_saved(sender, instance: Petition, **kwargs) -> None:
    """Cached copies of a petition's public page must not outlive an edit."""
    slug, campaign_id = instance.slug, instance.campaign_id
    transaction.on_commit(lambda: page_cache.invalidate(slug, campaign_id=campaign_id))


def campaign_saved(sender, instance, **kwargs) -> None:
    """Drop the cached pages of a campaign's petitions when the campaign changes.

    A petition's page shows its campaign, and whether the campaign is live decides
    whether the page may be shown at all: a campaign taken back to draft must not
    stay readable from the cache.
    """
    slugs = list(Petition.objects.filter(campaign=instance).values_list("slug", flat=True))
    if slugs:
        transaction.on_commit(lambda: page_cache.invalidate(*slugs, campaign_id=instance.pk))
