"""Public pages of updates: unsubscribing, and each petition's Atom feed."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import Supporter
from petitions.models import Petition, Response

from . import messages, services
from .models import Update

# Entries in a petition's feed: its newest updates and responses together.
FEED_LIMIT = 50


# One-click unsubscribe (RFC 8058): mail providers POST "List-Unsubscribe=One-Click"
# with no cookie and no CSRF token, so the signed token in the address is the only
# credential and the view is CSRF-exempt. A GET never unsubscribes (mail scanners open
# links): it shows a page whose button POSTs here.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    data = messages.read_token(token)
    if data is None:
        return render(request, "updates/unsubscribe.html", {"invalid": True}, status=404)
    update = Update.objects.select_related("campaign").filter(pk=data["u"]).first()
    supporter = None
    if data.get("s") is not None:
        supporter = Supporter.objects.filter(pk=data["s"]).first()
    language = supporter.language if supporter else translation.get_language()
    with translation.override(language):
        context = {
            "token": token,
            "update": update,
            "test": data.get("s") is None,
            "campaign_title": update.campaign.text("title", language) if update else "",
        }
        if request.method == "POST" and not context["test"]:
            context["done"] = services.unsubscribe(token=token) is not None
        elif request.method == "POST":
            context["done"] = False
        return render(request, "updates/unsubscribe.html", context)


class PetitionUpdatesFeed(Feed):
    """A petition's news, newest first, in the language of the address (/en/, /ko/): the
    updates sent about it (and its campaign's updates to everyone), and the officials'
    responses, each dated when the official answered."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def get_object(self, request, slug):
        return get_object_or_404(Petition.objects.public().select_related("campaign"), slug=slug)

    def title(self, petition):
        return _("Updates: %(title)s") % {"title": petition.title}

    def link(self, petition):
        return petition.get_absolute_url()

    def feed_url(self, petition):
        return reverse("updates:petition_feed", args=[petition.slug])

    def feed_guid(self, petition):
        return settings.SITE_URL + self.feed_url(petition)

    def subtitle(self, petition):
        return str(petition.summary)

    def items(self, petition):
        updates = list(
            Update.objects.sent().for_petition(petition).select_related("send")[:FEED_LIMIT]
        )
        responses = list(petition.responses.select_related("target"))
        news = updates + responses
        news.sort(key=lambda item: (self.item_pubdate(item), item.pk), reverse=True)
        return news[:FEED_LIMIT]

    def item_title(self, item):
        if isinstance(item, Response):
            return _("Response from %(official)s") % {"official": item.target.display_name()}
        return str(item.subject)

    def item_description(self, item):
        return str(item.body_html)

    def item_link(self, item):
        if isinstance(item, Response):
            return item.get_absolute_url()
        return f"{item.scope.get_absolute_url()}#update-{item.pk}"

    def item_guid(self, item):
        kind = "response" if isinstance(item, Response) else "update"
        return f"tag:sori,{item.created_at:%Y-%m-%d}:{kind}-{item.pk}"

    def item_pubdate(self, item):
        if isinstance(item, Response):
            # The day the official answered, from its start in the reader's time zone.
            day = datetime.combine(item.responded_on, time.min)
            return timezone.make_aware(day, timezone.get_current_timezone())
        return item.send.finished_at or item.created_at

    def item_updateddate(self, item):
        if isinstance(item, Response):
            return max(item.updated_at, self.item_pubdate(item))
        return item.send.finished_at or item.created_at
