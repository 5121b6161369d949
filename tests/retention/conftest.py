"""Fixtures for retention: private files in a temporary folder, and a fixed "now"."""

from datetime import UTC, datetime

import pytest


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)


def days_ago(days: int) -> datetime:
    from datetime import timedelta

    return NOW - timedelta(days=days)
