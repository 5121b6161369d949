from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from donations import services


class Command(BaseCommand):
    help = (
        "Empty the payloads of Stripe events processed more than DONATION_EVENT_PAYLOAD_DAYS "
        "days ago (donors' details as Stripe sent them). Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep payloads this many days after processing (default: the setting).",
        )

    def handle(self, *args, days: int | None, **options):
        days = settings.DONATION_EVENT_PAYLOAD_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1: a payload is needed until processed.")
        purged = services.purge_stripe_payloads(days=days)
        self.stdout.write(
            f"Emptied the payloads of {purged} event(s) processed over {days} days ago."
        )
