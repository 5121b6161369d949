"""The "private" file storage: personal data that is never served by URL.

Views stream these files after checking access (letters, print batches, delivery packs).
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up when first used, so a change of ``STORAGES``
    (tests) reaches the file fields too."""

    def _setup(self):
        self._wrapped = storages["private"]


private_files = PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        private_files._wrapped = empty


def private_storage():
    """For ``FileField(storage=private_storage)``: a callable keeps migrations stable."""
    return private_files
