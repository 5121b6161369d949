from django.core.management.base import BaseCommand

from letters.services import send_queued_letters


class Command(BaseCommand):
    help = (
        "Email the queued letters to officials, within each official's hourly allowance "
        "(LETTERS_EMAILS_PER_OFFICIAL_PER_HOUR), retrying failures with back-off. Run it "
        "every minute from cron when Celery beat is not used."
    )

    def handle(self, *args, **options):
        outcomes = send_queued_letters()
        summary = ", ".join(f"{name}: {count}" for name, count in sorted(outcomes.items()))
        self.stdout.write(summary or "Nothing was due.")
