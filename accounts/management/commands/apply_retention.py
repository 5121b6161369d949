from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from accounts import retention


def moment(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of: {error}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Anonymise what is past its retention period (PETITIONS_RETENTION_DAYS after a "
        "petition closes or is delivered, LETTERS_RETENTION_DAYS after a letter is "
        "delivered) and delete the private files made from it. Beat runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be done, and change nothing.",
        )
        parser.add_argument(
            "--as-of",
            type=moment,
            default=None,
            help="Count periods back from this ISO time (UTC unless given) instead of now: "
            "with --dry-run, what a later run will do.",
        )

    def handle(self, *args, dry_run: bool, as_of: datetime | None, **options):
        reports = retention.apply_retention(now=as_of, dry_run=dry_run)
        would = "would be " if dry_run else ""
        for report in reports:
            days = "1 day" if report.days == 1 else f"{report.days} days"
            self.stdout.write(
                f"{report.app}: {days}, for what ended before {report.cutoff:%Y-%m-%d %H:%M} UTC"
            )
            if not report.total:
                self.stdout.write("  nothing to do")
            for what, number in report.anonymised.items():
                if number:
                    self.stdout.write(f"  {number} {what} {would}anonymised")
            for what, number in report.deleted.items():
                if number:
                    self.stdout.write(f"  {number} {what} {would}deleted")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
