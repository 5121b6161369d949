"""Counting on the petition row (default) and in shards (PETITIONS_COUNTER_SHARDS)."""

import pytest
from django.urls import reverse

from petitions import signatures
from petitions.hotpath import counting
from petitions.models import CountShard, Petition, Signature
from petitions.signing import services as sign_services
from tests.factories import PetitionFactory, SignatureFactory


@pytest.fixture
def sharded(settings):
    settings.PETITIONS_COUNTER_SHARDS = 4


def fresh(petition) -> Petition:
    """The petition read again, as a new request would."""
    return Petition.objects.with_current_count().get(pk=petition.pk)


def confirm_all(petition, how_many: int) -> None:
    for _ in range(how_many):
        signature = SignatureFactory(petition=petition, status="pending", confirmed_at=None)
        sign_services.confirm_signature(signature=signature)


def test_row_counting_changes_the_column_and_makes_no_shards(petition):
    confirm_all(petition, 3)

    assert fresh(petition).signature_count == 3
    assert CountShard.objects.count() == 0


def test_sharded_counting_leaves_the_petition_row_alone(petition, sharded):
    confirm_all(petition, 6)

    current = fresh(petition)
    assert current.signature_count == 0
    assert current.current_count == 6
    assert sum(CountShard.objects.values_list("delta", flat=True)) == 6
    assert 1 <= CountShard.objects.count() <= 4
    assert current.current_count_changed_at is not None


def test_sharded_counting_stamps_milestones(petition, sharded):
    confirm_all(petition, 2)

    assert petition.milestones.get(threshold=2).reached_at is not None
    assert petition.milestones.get(threshold=5).reached_at is None


def test_sharded_counting_goes_down_on_withdrawal_and_invalidation(petition, sharded):
    confirm_all(petition, 3)
    first, second = petition.signatures.all()[:2]

    signatures.withdraw_signature(signature=first)
    signatures.change_signature_status(signature=second, status="invalidated")

    assert fresh(petition).current_count == 1
    assert signatures.reconcile_counts(fix=False) == []


def test_reconcile_folds_shards_back_into_the_column(petition, sharded):
    confirm_all(petition, 5)

    drifts = signatures.reconcile_counts()

    current = fresh(petition)
    assert drifts == []
    assert (current.signature_count, current.current_count) == (5, 5)
    assert set(CountShard.objects.values_list("delta", flat=True)) == {0}


def test_reconcile_sees_drift_in_shards(petition, sharded):
    confirm_all(petition, 2)
    CountShard.objects.update(delta=10)

    drifts = signatures.reconcile_counts()

    assert [(d.actual, d.stored > 2) for d in drifts] == [(2, True)]
    assert fresh(petition).current_count == 2


def test_switching_shards_off_keeps_the_count_exact(petition, settings):
    settings.PETITIONS_COUNTER_SHARDS = 4
    confirm_all(petition, 2)

    settings.PETITIONS_COUNTER_SHARDS = 0
    confirm_all(petition, 1)

    current = fresh(petition)
    assert (current.signature_count, current.current_count) == (1, 3)
    assert signatures.reconcile_counts(fix=False) == []


def test_pages_and_count_json_show_the_sharded_count(client, petition, sharded):
    confirm_all(petition, 3)

    data = client.get(reverse("petition_count", args=[petition.slug])).json()
    page = client.get(petition.get_absolute_url()).content.decode()
    listing = client.get(reverse("petitions:list")).content.decode()

    assert data["count"] == 3
    assert data["updated_at"] is not None
    assert "<strong>3</strong> signatures" in page
    assert "3 signatures of 5" in listing


def test_counting_zero_changes_nothing(petition):
    counting.add(petition.pk, 0)

    current = fresh(petition)
    assert (current.current_count, current.count_updated_at) == (0, None)


def test_current_count_without_annotation_reads_the_shards(petition, sharded):
    confirm_all(petition, 2)

    assert Petition.objects.get(pk=petition.pk).current_count == 2


def test_a_second_petitions_shards_are_its_own(petition, campaign, sharded):
    other = PetitionFactory(campaign=campaign)
    confirm_all(petition, 2)
    confirm_all(other, 1)

    assert (fresh(petition).current_count, fresh(other).current_count) == (2, 1)
    assert Signature.objects.count() == 3
