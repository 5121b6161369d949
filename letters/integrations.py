"""What letters hold about a supporter: shown in "my activity", exported, erased."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.personal_data import ActivitySection
from campaigns.actions import Action
from campaigns.managed import ManagedAction

from .models import Letter, LetterAction
from .retention import LetterRetention


class LettersData:
    def activity(self, supporter) -> ActivitySection | None:
        letters = list(
            Letter.objects.filter(supporter=supporter)
            .select_related("action", "target")
            .order_by("-written_at", "-pk")
        )
        if not letters:
            return None
        # This list is how a writer gets back to a letter whose private link expired
        # (the expired-link page sends them here): give such letters a new link.
        for letter in letters:
            if letter.link_expired:
                letter.renew_link()
        return ActivitySection(
            title=str(_("Letters")),
            template="letters/_activity.html",
            context={"letters": letters},
            order=20,
        )

    def export(self, supporter) -> dict:
        letters = Letter.objects.filter(supporter=supporter).select_related("action", "target")
        return {
            "letters": [
                {
                    "action": letter.action.title,
                    "official": letter.target.name,
                    "language": letter.language,
                    "first_name": letter.first_name,
                    "last_name": letter.last_name,
                    "city": letter.city,
                    "country": str(letter.country),
                    "postal_address": letter.postal_address,
                    "subject": letter.subject,
                    "body": letter.body,
                    "personal_paragraph": letter.personal_paragraph,
                    "status": letter.status,
                    "delivery": letter.delivery,
                    "replies_allowed": letter.reply_to_supporter,
                    "written_at": letter.written_at.isoformat(),
                    "confirmed_at": letter.confirmed_at.isoformat()
                    if letter.confirmed_at
                    else None,
                    "sent_at": letter.sent_at.isoformat() if letter.sent_at else None,
                    "posted_at": letter.posted_at.isoformat() if letter.posted_at else None,
                }
                for letter in letters.order_by("written_at", "pk")
            ]
        }

    def erase(self, supporter) -> None:
        from .services import erase_letters

        erase_letters(supporter=supporter)


def letter_actions(campaign) -> list[Action]:
    """The campaign page's "Take action" cards for its open letter actions."""
    return [
        Action(
            kind="letter",
            title=action.title,
            summary=action.summary,
            url=action.get_absolute_url(),
            call_to_action=str(_("Write a letter")),
            count=action.letter_count,
            goal=action.goal,
            key=f"letter:{action.pk}",
            embed_url=reverse("letters:embed", args=[action.slug]),
        )
        for action in LetterAction.objects.open()
        .filter(campaign=campaign)
        .order_by("position", "title_en", "title_ko")
    ]


class ManagedLetterActions:
    """Letter actions in the manager area's lists (``campaigns.managed``)."""

    kind = "letter"

    def new_label(self) -> str:
        return _("New letter action")

    def new_url(self, campaign) -> str:
        return f"{reverse('letters:manage_action_create')}?campaign={campaign.pk}"

    def actions(self, campaign_ids) -> list[ManagedAction]:
        actions = (
            LetterAction.objects.filter(campaign__in=campaign_ids)
            .only("pk", "campaign", "title_en", "title_ko", "status", "letter_count", "goal")
            .order_by("campaign", "position", "-created_at")
        )
        return [
            ManagedAction(
                campaign_id=action.campaign_id,
                kind=self.kind,
                kind_label=str(_("Letter action")),
                title=action.title,
                status=action.status,
                status_label=action.get_status_display(),
                url=reverse("letters:manage_action", args=[action.pk]),
                count=action.letter_count,
                goal=action.goal,
            )
            for action in actions
        ]


MANAGED = ManagedLetterActions()

# Anonymising letters past LETTERS_RETENTION_DAYS (``accounts.retention``).
RETENTION = LetterRetention()
