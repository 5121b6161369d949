from django.core.management.base import BaseCommand

from outbox.tasks import purge_done, sweep


class Command(BaseCommand):
    help = (
        "Hand undone after-commit work (outbox messages) to Celery again: those the "
        "broker lost or refused, and failed ones whose retry is due (run it every "
        "minute from cron if Celery beat does not). With --purge-done, instead delete "
        "messages done more than OUTBOX_KEEP_DAYS ago (run it daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--purge-done",
            action="store_true",
            dest="purge",
            help="Delete messages done more than OUTBOX_KEEP_DAYS ago instead of sweeping.",
        )

    def handle(self, *args, purge: bool = False, **options):
        if purge:
            deleted = purge_done()
            self.stdout.write(f"Deleted {deleted:,} done outbox messages.")
            return
        handed = sweep()
        self.stdout.write(f"Handed {handed:,} outbox messages to the workers.")
