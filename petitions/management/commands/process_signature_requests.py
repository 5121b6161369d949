from datetime import timedelta

from django.core.management.base import BaseCommand

from petitions.signing import intake


class Command(BaseCommand):
    help = (
        "Sign the stored sign forms whose task never ran (the broker was down, a worker "
        "died). Celery beat runs it every minute; run it from cron if beat does not."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=intake.REQUEST_SWEEP_SECONDS,
            metavar="SECONDS",
            help="Only forms stored at least this long ago (default: %(default)s).",
        )

    def handle(self, *args, **options):
        processed = intake.process_stale_signature_requests(
            older_than=timedelta(seconds=options["older_than"])
        )
        self.stdout.write(f"Processed {processed:,} waiting sign forms.")
