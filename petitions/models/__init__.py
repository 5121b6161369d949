"""The petitions app's models, one module per area; import them from here."""

from .petition import CountShard, Milestone, PageViewCount, Petition, PetitionQuerySet
from .response import Response
from .signature import Signature, SignatureQuerySet, SignatureRequest
from .staff import DeliveryPack, ModerationAction, ModerationMove

__all__ = [
    "CountShard",
    "DeliveryPack",
    "Milestone",
    "ModerationAction",
    "ModerationMove",
    "PageViewCount",
    "Petition",
    "PetitionQuerySet",
    "Response",
    "Signature",
    "SignatureQuerySet",
    "SignatureRequest",
]
