"""How petitions plug into shared pages: campaign actions and "my data"."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.personal_data import ActivitySection
from campaigns.actions import Action
from campaigns.managed import ManagedAction

from . import signatures
from .hotpath import page_cache
from .models import Petition, Signature
from .retention import PetitionRetention
from .signing import tokens


def petition_actions(campaign) -> list[Action]:
    """The campaign's petitions that take signatures now, for its page and "what next".

    Shared for as long as the petition pages are (their counts are as fresh).
    """
    key = page_cache.actions_key(campaign.pk, get_language())
    actions = page_cache.cached(key)
    if actions is None:
        actions = _petition_actions(campaign)
        page_cache.remember(key, actions, settings.PETITIONS_PAGE_CACHE_SECONDS)
    return actions


def _petition_actions(campaign) -> list[Action]:
    petitions = (
        Petition.objects.filter(campaign=campaign)
        .open()
        .defer("body_en", "body_ko", "body_html_en", "body_html_ko")
        .with_current_count()
        .prefetch_related("milestones")
    )
    return [
        Action(
            kind="petition",
            title=petition.title,
            summary=petition.summary,
            url=petition.get_absolute_url(),
            call_to_action=_("Sign the petition"),
            count=petition.current_count,
            goal=petition.next_milestone(),
            key=f"petition:{petition.pk}",
            embed_url=reverse("petitions:embed", args=[petition.slug]),
        )
        for petition in petitions
    ]


class PetitionData:
    """Signatures in "my activity", "my data", the JSON download and erasure."""

    title = gettext_lazy("Petitions you signed")

    def _signatures(self, supporter):
        return (
            Signature.objects.filter(supporter=supporter)
            .select_related("petition")
            .order_by("-created_at", "-pk")
        )

    def activity(self, supporter) -> ActivitySection | None:
        signatures = list(self._signatures(supporter))
        if not signatures:
            return None
        rows = [
            {
                "signature": signature,
                "withdraw_url": reverse(
                    "petitions:withdraw", args=[tokens.make_withdraw_token(signature)]
                ),
            }
            for signature in signatures
        ]
        return ActivitySection(
            title=str(self.title),
            template="petitions/_activity.html",
            context={"rows": rows},
            order=10,
        )

    def export(self, supporter) -> dict:
        return {
            "petition_signatures": [
                {
                    "petition": signature.petition.slug,
                    "petition_title": signature.petition.title,
                    "status": signature.status,
                    "name_shown": signature.display,
                    "comment": signature.comment,
                    "country": str(signature.country),
                    "postcode": signature.postcode,
                    "city": signature.city,
                    "source": signature.source,
                    "wants_updates": signature.wants_updates,
                    "address_hash": signature.ip_hash,
                    "signed_at": signature.created_at.isoformat(),
                    "confirmed_at": signature.confirmed_at.isoformat()
                    if signature.confirmed_at
                    else None,
                }
                for signature in self._signatures(supporter)
            ]
        }

    def erase(self, supporter) -> None:
        signatures.erase_signatures(supporter=supporter)


PROVIDER = PetitionData()


class ManagedPetitions:
    """Petitions in the manager area's lists (``campaigns.managed``)."""

    kind = "petition"

    def new_label(self) -> str:
        return _("New petition")

    def new_url(self, campaign) -> str:
        return f"{reverse('petitions:manage_create')}?campaign={campaign.pk}"

    def actions(self, campaign_ids) -> list[ManagedAction]:
        petitions = (
            Petition.objects.filter(campaign__in=campaign_ids)
            .defer("body_en", "body_ko", "body_html_en", "body_html_ko")
            .with_current_count()
            .order_by("campaign", "position", "-created_at")
        )
        return [
            ManagedAction(
                campaign_id=petition.campaign_id,
                kind=self.kind,
                kind_label=_("Petition"),
                title=petition.title,
                status=petition.status,
                status_label=petition.get_status_display(),
                url=reverse("petitions:manage_dashboard", args=[petition.pk]),
                count=petition.current_count,
                goal=petition.goal,
            )
            for petition in petitions
        ]


MANAGED = ManagedPetitions()

# Anonymising signatures past PETITIONS_RETENTION_DAYS (``accounts.retention``).
RETENTION = PetitionRetention()
