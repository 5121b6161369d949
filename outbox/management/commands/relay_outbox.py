from django.core.management.base import BaseCommand

from outbox.tasks import sweep


class Command(BaseCommand):
    help = (
        "Hand undone after-commit work (outbox messages) to Celery again: those the "
        "broker lost or refused, and failed ones whose retry is due (run it every "
        "minute from cron if Celery beat does not)."
    )

    def handle(self, *args, **options):
        handed = sweep()
        self.stdout.write(f"Handed {handed:,} outbox messages to the workers.")
