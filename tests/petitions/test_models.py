from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from campaigns.models import Campaign
from lib.states import TransitionNotAllowed
from petitions.models import Petition, Signature
from tests.factories import CampaignFactory, PetitionFactory, SignatureFactory, SupporterFactory


def test_petition_body_is_rendered_and_sanitised(db):
    petition = PetitionFactory(body="**Free** them <script>alert(1)</script>")

    assert petition.body_html == "<p><strong>Free</strong> them </p>"


@pytest.mark.parametrize(
    ("status", "opens", "closes", "campaign_status", "is_open"),
    [
        ("open", None, None, "live", True),
        ("open", -1, 1, "live", True),
        ("open", 1, None, "live", False),
        ("open", None, -1, "live", False),
        ("open", None, None, "archived", False),
        ("draft", None, None, "live", False),
        ("closed", None, None, "live", False),
        ("delivered", None, None, "live", False),
    ],
)
def test_petition_is_open(db, status, opens, closes, campaign_status, is_open):
    now = timezone.now()
    petition = PetitionFactory(
        status=status,
        opens_at=now + timedelta(days=opens) if opens is not None else None,
        closes_at=now + timedelta(days=closes) if closes is not None else None,
        campaign=CampaignFactory(status=campaign_status),
    )

    assert petition.is_open is is_open
    assert list(Petition.objects.open()) == ([petition] if is_open else [])


def test_public_petitions_exclude_drafts_and_hidden_campaigns(db):
    shown = [
        PetitionFactory(status="open"),
        PetitionFactory(status="closed"),
        PetitionFactory(status="delivered", campaign=CampaignFactory(status="archived")),
    ]
    PetitionFactory(status="draft")
    PetitionFactory(status="open", campaign=CampaignFactory(status=Campaign.Status.DRAFT))

    assert set(Petition.objects.public()) == set(shown)


def test_petition_set_status_follows_the_map_and_stamps_times(db):
    petition = PetitionFactory(status="draft")

    petition.set_status("open")
    petition.set_status("closed")
    petition.set_status("delivered")

    petition.refresh_from_db()
    assert petition.status == "delivered"
    assert petition.published_at is not None
    assert petition.delivered_at is not None
    with pytest.raises(TransitionNotAllowed):
        petition.set_status("open")


def test_next_milestone_is_the_first_above_the_count_then_the_goal(db):
    petition = PetitionFactory(goal=50)
    petition.milestones.create(threshold=10)
    petition.milestones.create(threshold=100)

    assert petition.next_milestone(0) == 10
    assert petition.next_milestone(10) == 100
    assert petition.next_milestone(500) == 100
    assert PetitionFactory(goal=50).next_milestone(3) == 50


def test_one_signature_per_petition_and_supporter(db):
    signature = SignatureFactory()

    with pytest.raises(IntegrityError):
        SignatureFactory(petition=signature.petition, supporter=signature.supporter)


def test_public_name_follows_the_signers_choice(db):
    supporter = SupporterFactory(first_name="Ji-woo", last_name="Kim")

    names = [
        SignatureFactory(supporter=supporter, display=display).public_name
        for display in ("full", "initials", "hidden")
    ]

    assert names == ["Ji-woo Kim", "J. K.", ""]


def test_signature_querysets_counted_and_public(db):
    petition = PetitionFactory()
    shown = SignatureFactory(petition=petition, display="initials")
    hidden = SignatureFactory(petition=petition, display="hidden")
    for status in ("pending", "review", "invalidated"):
        SignatureFactory(petition=petition, status=status)

    assert set(petition.signatures.counted()) == {shown, hidden}
    assert list(petition.signatures.public()) == [shown]


def test_signature_same_mailbox_finds_aliases(db):
    signature = SignatureFactory(supporter=SupporterFactory(email="ji.woo@gmail.com"))

    assert list(Signature.objects.same_mailbox("JiWoo+x@googlemail.com")) == [signature]
