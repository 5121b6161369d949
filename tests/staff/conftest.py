"""Fixtures for staff tools: a petition of bob's campaign and signatures made to order."""

from datetime import UTC, datetime

import pytest

from petitions.hotpath import page_cache
from petitions.signatures import reconcile_counts
from tests.factories import PetitionFactory, SignatureFactory, SupporterFactory


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()
    yield
    page_cache.clear_local()


@pytest.fixture
def petition(campaign):
    """An open petition of bob's campaign."""
    return PetitionFactory(campaign=campaign, slug="free-them", title="Free them now")


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def sign(petition, first_name, last_name="", *, email=None, status="confirmed", **fields):
    """One signature with its supporter; counts are made exact by ``recount()``."""
    supporter = SupporterFactory(
        first_name=first_name,
        last_name=last_name,
        **({"email": email} if email else {}),
    )
    if status != "confirmed":
        fields.setdefault("confirmed_at", None)
    elif "created_at" in fields:
        fields.setdefault("confirmed_at", fields["created_at"])
    return SignatureFactory(petition=petition, supporter=supporter, status=status, **fields)


def recount() -> None:
    """Make stored counts match rows after creating rows directly (factories)."""
    reconcile_counts(fix=True)
