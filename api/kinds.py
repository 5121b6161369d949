"""What each OSDI collection lists, how it is filtered, and how a row is shown.

One ``Collection`` per kind of resource: the rows a viewer may see, the sort key the
pages follow, the expressions behind ``created_date`` and ``modified_date`` (which
``filter`` compares), and the function that turns a row into an OSDI hash.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest

from accounts.models import ConsentRecord
from donations.models import Payment
from letters.models import Letter
from lib.text import canonical_email

from . import represent
from .filters import OPERATORS, Condition
from .models import ForeignIdentifier, Kind


@dataclass(frozen=True)
class Collection:
    rel: str  # "osdi:people"
    kind: str
    represent: Callable
    created: object = F("created_at")
    modified: object = F("updated_at")
    order_field: str = "created_at"
    personal: bool = False
    filter_fields: tuple[str, ...] = ("created_date", "modified_date", "identifier")

    def filtered(self, queryset: QuerySet, conditions: list[Condition]) -> QuerySet:
        """``queryset`` narrowed by the parsed ``filter``."""
        if not conditions:
            return queryset
        annotations = {}
        wanted = Q()
        for condition in conditions:
            if condition.field in ("created_date", "modified_date"):
                name = f"osdi_{condition.field}"
                annotations[name] = (
                    self.created if condition.field == "created_date" else self.modified
                )
                wanted &= Q(**{f"{name}__{OPERATORS[condition.operator]}": condition.value})
            elif condition.field == "identifier":
                wanted &= self._identified(condition.value)
            elif condition.field == "email_address":
                try:
                    wanted &= Q(email=canonical_email(condition.value))
                except ValueError:
                    wanted &= Q(pk__in=[])
        return queryset.annotate(**annotations).filter(wanted)

    def _identified(self, value: str) -> Q:
        namespace, _sep, local = value.partition(":")
        if namespace == represent.NAMESPACE:
            return Q(pk=int(local)) if local.isdigit() and len(local) < 19 else Q(pk__in=[])
        return Q(
            pk__in=ForeignIdentifier.objects.filter(kind=self.kind, value=value).values("object_id")
        )

    def prepare(self, queryset: QuerySet, viewer) -> QuerySet:
        """The joins and annotations the representation reads, for a page of rows."""
        return queryset


class PetitionCollection(Collection):
    def prepare(self, queryset, viewer):
        return queryset.with_current_count().select_related("campaign").prefetch_related("targets")


class AdvocacyCampaignCollection(Collection):
    def prepare(self, queryset, viewer):
        return queryset.select_related("campaign").prefetch_related("targets")


class OutreachCollection(Collection):
    def prepare(self, queryset, viewer):
        return queryset.select_related("target")


def _latest_consent(field: str, purpose: str | None = None):
    consents = ConsentRecord.objects.filter(supporter=OuterRef("pk"))
    if purpose:
        consents = consents.filter(purpose=purpose)
    return Subquery(consents.order_by("-created_at", "-pk").values(field)[:1])


# A consent given or withdrawn changes the person's email status, so it moves their
# modified_date: a client syncing by modified_date learns of every unsubscribe.
PERSON_MODIFIED = Greatest(
    F("updated_at"), Coalesce(_latest_consent("created_at"), F("updated_at"))
)


class PeopleCollection(Collection):
    def prepare(self, queryset, viewer):
        if not viewer.sees_contact_details:
            return queryset.annotate(modified=PERSON_MODIFIED)
        return queryset.annotate(
            modified=PERSON_MODIFIED,
            subscribed=Coalesce(_latest_consent("granted", ConsentRecord.Purpose.UPDATES), False),
        )


class DonationCollection(Collection):
    def prepare(self, queryset, viewer):
        earlier = (
            Payment.objects.filter(donation=OuterRef("donation"), paid_at__lte=OuterRef("paid_at"))
            .order_by()
            .values("donation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.select_related("donation").annotate(instance=Subquery(earlier))


PEOPLE = PeopleCollection(
    rel="osdi:people",
    kind=Kind.PERSON,
    represent=represent.person,
    modified=PERSON_MODIFIED,
    personal=True,
)
PETITIONS = PetitionCollection(
    rel="osdi:petitions",
    kind=Kind.PETITION,
    represent=represent.petition,
    modified=Greatest(F("updated_at"), Coalesce(F("count_updated_at"), F("updated_at"))),
)
SIGNATURES = Collection(
    rel="osdi:signatures",
    kind=Kind.SIGNATURE,
    represent=represent.signature,
    modified=Coalesce(F("confirmed_at"), F("created_at")),
    personal=True,
)
ADVOCACY_CAMPAIGNS = AdvocacyCampaignCollection(
    rel="osdi:advocacy_campaigns",
    kind=Kind.ADVOCACY_CAMPAIGN,
    represent=represent.advocacy_campaign,
)
OUTREACHES = OutreachCollection(
    rel="osdi:outreaches",
    kind=Kind.OUTREACH,
    represent=represent.outreach,
    personal=True,
)
DONATIONS = DonationCollection(
    rel="osdi:donations",
    kind=Kind.DONATION,
    represent=represent.donation,
    created=F("paid_at"),
    modified=Greatest(F("paid_at"), Coalesce(F("refunded_at"), F("paid_at"))),
    order_field="paid_at",
    personal=True,
)


def acted_in_campaign(supporters: QuerySet, campaign_id: int, viewer) -> QuerySet:
    """The people tagged with a campaign: those who signed, wrote or gave in it."""
    return supporters.filter(
        Q(
            Exists(
                viewer.signatures().filter(
                    petition__campaign_id=campaign_id, supporter=OuterRef("pk")
                )
            )
        )
        | Q(
            Exists(Letter.objects.filter(action__campaign_id=campaign_id, supporter=OuterRef("pk")))
        )
        | Q(
            Exists(
                Payment.objects.filter(
                    donation__campaign_id=campaign_id, donation__supporter=OuterRef("pk")
                )
            )
        )
    )
