import pytest


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Letter PDFs go to a throw-away folder, never to var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"
