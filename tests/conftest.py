"""Shared fixtures. The cast: alice signs, bob manages a campaign, carol is staff,
mallory tries what she must not (a manager, but of another campaign)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache

from accounts import roles
from tests.factories import CampaignFactory, SupporterFactory, UserFactory


def enable_mfa(user) -> str:
    """Give a user an authenticator app, as finishing allauth's TOTP set-up does."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    """A supporter with an account and a verified email."""
    user = UserFactory(email="alice@example.org", name="Alice Kim")
    SupporterFactory(email=user.email, first_name="Alice", last_name="Kim", user=user)
    return user


@pytest.fixture
def bob(db):
    """A campaign manager with MFA; manages the `campaign` fixture."""
    user = UserFactory(email="bob@example.org", name="Bob Lee", groups=[roles.MANAGERS])
    enable_mfa(user)
    return user


@pytest.fixture
def carol(db):
    """Staff with MFA and admin access."""
    user = UserFactory(
        email="carol@example.org", name="Carol Jung", groups=[roles.STAFF], is_staff=True
    )
    enable_mfa(user)
    return user


@pytest.fixture
def mallory(db):
    """A manager with MFA who manages some other campaign, not `campaign`."""
    user = UserFactory(email="mallory@example.org", name="Mallory", groups=[roles.MANAGERS])
    enable_mfa(user)
    CampaignFactory(slug="mallorys-campaign", managers=[user])
    return user


@pytest.fixture
def campaign(db, bob):
    return CampaignFactory(slug="reform-the-nsl", title="Reform the NSL", managers=[bob])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Drop the test database cleanly on PostgreSQL.

    A connection opened by a worker thread in some test (seen once per full run, idle
    after ROLLBACK) can outlive its thread; PostgreSQL then refuses to drop the test
    database. Before the drop, end any session on it other than our own.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
