"""Shared fixtures. The cast: alice signs, bob manages a campaign, carol is staff,
mallory tries what she must not (a manager, but of another campaign)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.utils import translation

from accounts import roles
from lib import embedcache, pagecache
from petitions.hotpath import page_views
from tests.factories import CampaignFactory, SupporterFactory, UserFactory


def enable_mfa(user) -> str:
    """Give a user an authenticator app, as finishing allauth's TOTP set-up does."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request leaves its language active in
    the thread (LocaleMiddleware does not deactivate it), and translated content
    (``petition.title``) is read in the active language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    pagecache.clear_local()
    embedcache.clear_local()
    page_views.discard_held()
    yield
    cache.clear()
    pagecache.clear_local()
    embedcache.clear_local()
    page_views.discard_held()


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
