from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PetitionFactory

BEFORE = [("accounts", "0004_supporter_indexes")]
AFTER = [("accounts", "0005_canonical_emails")]
# What 0005 depends on: the models as it sees them.
STATE_BEFORE = [
    *BEFORE,
    ("petitions", "0007_signature_name"),
    ("letters", "0002_group_permissions"),
    ("donations", "0002_group_permissions"),
]


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 9, 0, tzinfo=UTC)


def migrate(targets, state=None):
    """Migrate the accounts app to targets; the models at ``state`` (default: targets)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state or targets).apps


@pytest.fixture
def _migrated_back_to_the_latest():
    """Whatever the test leaves, the next tests find every migration applied."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_migrated_back_to_the_latest")
def test_canonical_emails_migration_merges_supporters_of_one_mailbox():
    apps = migrate(BEFORE, state=STATE_BEFORE)
    Supporter = apps.get_model("accounts", "Supporter")
    ConsentRecord = apps.get_model("accounts", "ConsentRecord")
    User = apps.get_model("accounts", "User")
    Signature = apps.get_model("petitions", "Signature")
    CountShard = apps.get_model("petitions", "CountShard")
    first, second = PetitionFactory(), PetitionFactory()

    def supporter(email):
        return Supporter.objects.create(email=email, email_key=email.lower())

    def sign(petition_id, who, day, status="confirmed"):
        return Signature.objects.create(
            petition_id=petition_id, supporter=who, status=status, country="KR", created_at=at(day)
        )

    plain = supporter("zw2@gmail.com")
    fullwidth = supporter("zw2@\uff47\uff4d\uff41\uff49\uff4c.com")
    quoted = supporter('"zw2"@gmail.com')
    odd = supporter('"zw 2"@example.org')
    sign(first.pk, plain, day=3)
    earliest = sign(first.pk, fullwidth, day=1)
    sign(first.pk, quoted, day=2, status="pending")
    only_quoted = sign(second.pk, quoted, day=4)
    consent = ConsentRecord.objects.create(
        supporter=fullwidth,
        purpose="petition",
        granted=True,
        notice_text="I agree",
        notice_version="1",
    )
    CountShard.objects.create(petition_id=first.pk, shard=0, delta=2)
    type(first).objects.filter(pk=first.pk).update(signature_count=3)
    taken = User.objects.create(email="ji@gmail.com")
    same_mailbox = User.objects.create(email="ji@gm\u00adail.com")
    shouting = User.objects.create(email="Carol@Example.org")

    apps = migrate(AFTER)

    Supporter = apps.get_model("accounts", "Supporter")
    assert list(Supporter.objects.order_by("pk").values_list("pk", "email", "email_key")) == [
        (plain.pk, "zw2@gmail.com", "zw2@gmail.com"),
        (odd.pk, '"zw 2"@example.org', '"zw 2"@example.org'),
    ]
    Signature = apps.get_model("petitions", "Signature")
    assert list(Signature.objects.order_by("pk").values_list("pk", "supporter_id")) == [
        (earliest.pk, plain.pk),
        (only_quoted.pk, plain.pk),
    ]
    Petition = apps.get_model("petitions", "Petition")
    assert list(Petition.objects.order_by("pk").values_list("pk", "signature_count")) == [
        (first.pk, 1),
        (second.pk, 1),
    ]
    assert list(apps.get_model("petitions", "CountShard").objects.values_list("delta")) == [(0,)]
    ConsentRecord = apps.get_model("accounts", "ConsentRecord")
    assert ConsentRecord.objects.get(pk=consent.pk).supporter_id == plain.pk
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    assert list(
        AuditEntry.objects.values_list(
            "actor", "actor_email", "action", "subject", "filters", "rows"
        )
    ) == [
        (
            None,
            "system@sori",
            "supporter.merge",
            str(plain.pk),
            {"merged": [fullwidth.pk, quoted.pk]},
            3,
        )
    ]
    User = apps.get_model("accounts", "User")
    assert list(User.objects.order_by("pk").values_list("pk", "email")) == [
        (taken.pk, "ji@gmail.com"),
        (same_mailbox.pk, "ji@gm\u00adail.com"),
        (shouting.pk, "carol@example.org"),
    ]
