"""Public pages of updates: unsubscribing, and each petition's Atom feed."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import Supporter
from petitions.models import Petition

from . import messages, services
from .models import Update


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
    """The updates sent about a petition (and its campaign), newest first, in the
    language of the address (/en/, /ko/)."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Petition.objects.public().select_related("campaign"), slug=slug)

    def title(self, petition):
        return _("Updates: %(title)s") % {"title": petition.title}

    def link(self, petition):
        return petition.get_absolute_url()

    def subtitle(self, petition):
        return str(petition.summary)

    def items(self, petition):
        return Update.objects.sent().for_petition(petition).select_related("send")[:50]

    def item_title(self, update):
        return str(update.subject)

    def item_description(self, update):
        return str(update.body_html)

    def item_link(self, update):
        return f"{update.scope.get_absolute_url()}#update-{update.pk}"

    def item_guid(self, update):
        return f"tag:sori,{update.created_at:%Y-%m-%d}:update-{update.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, update):
        return update.send.finished_at or update.created_at

    def item_updateddate(self, update):
        return update.send.finished_at or update.created_at
