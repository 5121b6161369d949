from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts import roles
from lib import pagecache

from .actions import actions_for
from .models import Campaign


def _get_campaign_for_user(request, slug: str) -> Campaign:
    """A live campaign for everyone; a draft or archived one only for its managers."""
    campaign = get_object_or_404(Campaign, slug=slug)
    if campaign.is_live or campaign.status == Campaign.Status.ARCHIVED:
        return campaign
    if roles.can_manage_campaign(request.user, campaign):
        return campaign
    raise Http404("No campaign at this address.")


def home(request):
    campaigns = Campaign.objects.live()
    return pagecache.render(request, "campaigns/home.html", {"campaigns": campaigns})


def campaign_detail(request, slug):
    campaign = _get_campaign_for_user(request, slug)
    context = {
        "campaign": campaign,
        "actions": actions_for(campaign) if campaign.is_live else [],
        "targets": campaign.targets.filter(active=True),
        "is_preview": not campaign.is_live,
    }
    if context["is_preview"]:
        # A manager's preview of a draft: never a shared copy.
        return render(request, "campaigns/campaign_detail.html", context)
    return pagecache.render(request, "campaigns/campaign_detail.html", context)
