"""Daily caps on mail to one mailbox, counted in the database (accounts.mailcap)."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts import mailcap
from accounts.models import MailAllowance
from accounts.retention import apply_retention
from tests.petitions.test_concurrency import all_at_once

pytestmark = pytest.mark.django_db


def test_a_mailbox_gets_its_allowance_and_no_more():
    verdicts = [mailcap.take("petitions", "ji.woo@gmail.com", 3) for _ in range(5)]

    assert verdicts == [True, True, True, False, False]
    # Refusals count nothing, so a mail given back makes room for exactly one more.
    assert mailcap.sent_today("petitions", "ji.woo@gmail.com") == 3


def test_aliases_of_one_mailbox_share_its_allowance_and_kinds_do_not():
    assert mailcap.take("petitions", "ji.woo@gmail.com", 2)
    assert mailcap.take("petitions", "JiWoo+campaign@googlemail.com", 2)

    assert not mailcap.take("petitions", "jiwoo@gmail.com", 2)
    assert mailcap.take("letters", "jiwoo@gmail.com", 2)
    assert mailcap.take("petitions", "someone.else@gmail.com", 2)


def test_no_limit_means_no_cap_and_no_row():
    assert all(mailcap.take("my-data", "ji@example.org", 0) for _ in range(3))
    assert not MailAllowance.objects.exists()


def test_a_new_day_starts_the_count_again():
    for _ in range(2):
        mailcap.take("petitions", "ji@example.org", 2)
    MailAllowance.objects.update(day=timezone.now().date() - timedelta(days=1))

    assert mailcap.take("petitions", "ji@example.org", 2)

    row = MailAllowance.objects.get()
    assert (row.day, row.sent) == (timezone.now().date(), 1)


def test_giving_back_makes_room_for_one_more_and_never_goes_below_nothing():
    mailcap.take("petitions", "ji@example.org", 1)

    mailcap.give_back("petitions", "ji@example.org")
    mailcap.give_back("petitions", "ji@example.org")

    assert mailcap.sent_today("petitions", "ji@example.org") == 0
    assert mailcap.take("petitions", "ji@example.org", 1)
    assert not mailcap.take("petitions", "ji@example.org", 1)


def test_a_count_taken_in_a_transaction_that_fails_is_undone():
    with pytest.raises(RuntimeError), transaction.atomic():
        mailcap.take("letters", "ji@example.org", 1)
        raise RuntimeError("the request failed after counting")

    assert mailcap.take("letters", "ji@example.org", 1)


def test_the_table_holds_no_address():
    mailcap.take("petitions", "jiwoo.kim@example.org", 5)

    (subject,) = MailAllowance.objects.values_list("subject", flat=True)
    assert subject.startswith("petitions:")
    assert "jiwoo" not in subject
    assert "example" not in subject


def test_retention_deletes_the_counts_of_earlier_days_only():
    mailcap.take("petitions", "yesterday@example.org", 5)
    MailAllowance.objects.update(day=timezone.now().date() - timedelta(days=1))
    mailcap.take("petitions", "today@example.org", 5)

    planned = {r.app: r for r in apply_retention(dry_run=True)}["accounts"]
    assert MailAllowance.objects.count() == 2
    done = {r.app: r for r in apply_retention()}["accounts"]

    assert planned.deleted == done.deleted == {"daily mail counts of earlier days": 1}
    assert mailcap.sent_today("petitions", "today@example.org") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_takes_never_pass_the_cap():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers by design")

    verdicts = all_at_once(12, lambda _: mailcap.take("petitions", "ji@example.org", 5))

    assert sorted(verdicts) == [False] * 7 + [True] * 5
    assert mailcap.sent_today("petitions", "ji@example.org") == 5
