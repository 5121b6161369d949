from django.conf import settings
from django.core.management.base import BaseCommand

from petitions import signatures


class Command(BaseCommand):
    help = (
        "Blank the address hash of signatures older than PETITIONS_IP_HASH_DAYS that are "
        "not held for review (run it daily from cron if Celery beat does not)."
    )

    def handle(self, *args, **options):
        cleared = signatures.clear_ip_hashes()
        days = settings.PETITIONS_IP_HASH_DAYS
        self.stdout.write(f"Blanked {cleared:,} address hashes older than {days} days.")
