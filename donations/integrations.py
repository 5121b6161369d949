"""How donations plug into pages owned by other apps: "my data" and campaign actions."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.personal_data import ActivitySection
from campaigns.actions import Action

from . import services
from .models import Donation
from .stripe_api import donations_enabled


class DonationData:
    """A supporter's gifts: shown with receipts, exported, anonymised on erasure."""

    def activity(self, supporter) -> ActivitySection | None:
        donations = list(
            Donation.objects.for_supporter(supporter)
            .exclude(
                status__in=[
                    Donation.Status.PENDING,
                    Donation.Status.EXPIRED,
                    Donation.Status.FAILED,
                ]
            )
            .select_related("campaign")
            .prefetch_related("payments")
        )
        if not donations:
            return None
        return ActivitySection(
            title=_("Donations"),
            template="donations/_activity.html",
            context={"donations": donations, "supporter": supporter},
            order=300,
        )

    def export(self, supporter) -> dict:
        return {"donations": services.export_donations(supporter)}

    def erase(self, supporter) -> None:
        services.anonymise_donations(supporter=supporter)

    def __eq__(self, other) -> bool:
        return isinstance(other, DonationData)

    def __hash__(self) -> int:
        return hash(DonationData)


def donate_actions(campaign) -> list[Action]:
    """A "donate" card on live campaigns while donations are switched on."""
    if not donations_enabled() or not campaign.is_live:
        return []
    url = f"{reverse('donations:donate')}?{urlencode({'campaign': campaign.slug})}"
    return [
        Action(
            kind="donate",
            title=_("Fund this campaign"),
            summary=_("Your gift pays for the research, legal support and campaigning behind it."),
            url=url,
            call_to_action=_("Donate"),
            key=f"donate:{campaign.pk}",
        )
    ]
