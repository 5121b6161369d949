"""The Atom feed of new petitions, in the language of its address (/en/, /ko/).

Each petition's own updates and officials' responses are in the updates app's feed
(``updates.views.PetitionUpdatesFeed``), which the petition page links to.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Petition

LIMIT = 30
# Feed readers poll; a few minutes' delay for a new petition costs nobody anything.
MAX_AGE = 300


class NewPetitionsFeed(Feed):
    """The newest published petitions, newest first (at most ``LIMIT``)."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    def title(self):
        return _("New petitions on %(site_name)s") % {"site_name": settings.SITE_NAME}

    def subtitle(self):
        return _("Petitions as they open for signatures.")

    def link(self):
        return reverse("petitions:list")

    def feed_url(self):
        return reverse("petitions:feed")

    def feed_guid(self):
        return settings.SITE_URL + reverse("petitions:feed")

    def items(self):
        return (
            Petition.objects.public()
            .select_related("campaign")
            .order_by(F("published_at").desc(nulls_last=True), "-pk")[:LIMIT]
        )

    def item_title(self, petition):
        return str(petition.title)

    def item_description(self, petition):
        return str(petition.summary)

    def item_link(self, petition):
        return petition.get_absolute_url()

    item_guid_is_permalink = False

    def item_guid(self, petition):
        # The same in every language: one petition, one entry.
        return f"tag:sori,{petition.created_at:%Y-%m-%d}:petition-{petition.pk}"

    def item_pubdate(self, petition):
        return petition.published_at or petition.created_at

    def item_updateddate(self, petition):
        return petition.updated_at

    def item_categories(self, petition):
        return [str(petition.campaign.title)]
