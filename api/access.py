"""What a token's owner may see: the manager area's rules, applied to the API.

A token acts as its owner. Staff see everything; a campaign manager sees the
campaigns that list them (``Campaign.objects.managed_by``) and what hangs off them,
and never a person's email or postal address. Anyone else sees nothing.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet

from accounts import roles
from accounts.models import Supporter
from campaigns.models import Campaign
from donations.models import Payment
from letters.models import Letter, LetterAction
from petitions.models import Petition, Signature


@dataclass
class Viewer:
    user: object

    @cached_property
    def is_staff(self) -> bool:
        return roles.is_staff_member(self.user)

    @cached_property
    def is_manager(self) -> bool:
        return roles.is_campaign_manager(self.user)

    @property
    def may_use_api(self) -> bool:
        return self.is_staff or self.is_manager

    @property
    def sees_contact_details(self) -> bool:
        """Email and postal addresses are for staff only."""
        return self.is_staff

    def campaigns(self) -> QuerySet:
        return Campaign.objects.managed_by(self.user)

    def petitions(self) -> QuerySet:
        if self.is_staff:
            return Petition.objects.all()
        return Petition.objects.filter(campaign__in=self.campaigns())

    def signatures(self) -> QuerySet:
        """Signatures that count: a waiting or held one may have been typed by a stranger."""
        signatures = Signature.objects.filter(status=Signature.Status.CONFIRMED)
        if self.is_staff:
            return signatures
        return signatures.filter(petition__campaign__in=self.campaigns())

    def letter_actions(self) -> QuerySet:
        if self.is_staff:
            return LetterAction.objects.all()
        return LetterAction.objects.filter(campaign__in=self.campaigns())

    def letters(self) -> QuerySet:
        if self.is_staff:
            return Letter.objects.all()
        return Letter.objects.filter(action__campaign__in=self.campaigns())

    def payments(self) -> QuerySet:
        if self.is_staff:
            return Payment.objects.all()
        return Payment.objects.filter(donation__campaign__in=self.campaigns())

    def people(self) -> QuerySet:
        """Staff: every supporter. A manager: those who acted in the manager's campaigns."""
        if self.is_staff:
            return Supporter.objects.all()
        if not self.is_manager:
            return Supporter.objects.none()
        campaigns = self.campaigns()
        return Supporter.objects.filter(
            Q(pk__in=self.signatures().values("supporter_id"))
            | Q(pk__in=Letter.objects.filter(action__campaign__in=campaigns).values("supporter_id"))
            | Q(
                pk__in=Payment.objects.filter(donation__campaign__in=campaigns).values(
                    "donation__supporter_id"
                )
            )
        )
