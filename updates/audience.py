"""Who an update goes to.

A supporter is in an update's audience when:

- their latest consent to updates *for the update's campaign* says yes. Consents name
  where they were given in ``ConsentRecord.source``: ``petition:<slug>`` (the sign
  form), ``letter:<slug>``, ``campaign:<slug>``, and ``update:<id>`` for the
  withdrawal recorded by an update's unsubscribe link. A consent from elsewhere (an
  API token's source, say) speaks for no campaign and is not read here;
- they have a confirmed action in the update's scope: a confirmed signature of the
  petition, a letter to the letter action whose sending they confirmed, or either
  within the campaign for an update to the whole campaign;
- their address is not bouncing (``Supporter.bouncing_since``).

Unsubscribing is a withdrawal, so it is the latest consent and takes effect at once:
the sending job checks each batch against this audience just before sending it.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import ConsentRecord, Supporter
from campaigns.models import Campaign
from letters.models import Letter, LetterAction
from petitions.models import Petition, Signature

from .models import Update


def campaign_sources(campaign: Campaign) -> list[str]:
    """Every consent source that speaks for ``campaign``."""
    petitions = Petition.objects.filter(campaign=campaign).values_list("slug", flat=True)
    actions = LetterAction.objects.filter(campaign=campaign).values_list("slug", flat=True)
    updates = Update.objects.filter(campaign=campaign).values_list("pk", flat=True)
    return [
        f"campaign:{campaign.slug}",
        *(f"petition:{slug}" for slug in petitions),
        *(f"letter:{slug}" for slug in actions),
        *(f"update:{pk}" for pk in updates),
    ]


def latest_consent(campaign: Campaign) -> Subquery:
    """The ``granted`` of each supporter's latest updates consent for ``campaign``."""
    return Subquery(
        ConsentRecord.objects.filter(
            supporter=OuterRef("pk"),
            purpose=ConsentRecord.Purpose.UPDATES,
            source__in=campaign_sources(campaign),
        )
        .order_by("-created_at", "-pk")
        .values("granted")[:1]
    )


def _acted(update: Update) -> Q:
    signatures = Signature.objects.filter(
        supporter=OuterRef("pk"), status=Signature.Status.CONFIRMED
    )
    letters = Letter.objects.filter(supporter=OuterRef("pk"), confirmed_at__isnull=False)
    if update.petition_id:
        return Q(Exists(signatures.filter(petition_id=update.petition_id)))
    if update.letter_action_id:
        return Q(Exists(letters.filter(action_id=update.letter_action_id)))
    return Q(Exists(signatures.filter(petition__campaign_id=update.campaign_id))) | Q(
        Exists(letters.filter(action__campaign_id=update.campaign_id))
    )


def audience(update: Update) -> QuerySet[Supporter]:
    """The supporters ``update`` goes to now (see the module's docstring)."""
    return (
        Supporter.objects.filter(bouncing_since__isnull=True)
        .filter(_acted(update))
        .alias(wants=latest_consent(update.campaign))
        .filter(wants=True)
    )
