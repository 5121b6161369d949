from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from donations import services
from donations.models import StripeEvent


class Command(BaseCommand):
    help = (
        "Process stored Stripe events that are still unprocessed (a worker was down, or "
        "processing failed). Run it from cron; it is safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=300,
            help="Only events received at least this many seconds ago (default 300), so "
            "that events a worker is about to process are left to it.",
        )

    def handle(self, *args, older_than: int, **options):
        cutoff = timezone.now() - timedelta(seconds=older_than)
        pending = StripeEvent.objects.unprocessed().filter(received_at__lte=cutoff)
        done = failed = 0
        for event_id in pending.order_by("received_at").values_list("pk", flat=True):
            if services.process_stripe_event(event_id=event_id):
                done += 1
            else:
                failed += 1
        self.stdout.write(f"Processed {done} event(s); {failed} still failing.")
