from django.core.management.base import BaseCommand, CommandError

from petitions import signatures


class Command(BaseCommand):
    help = (
        "Recount every petition's confirmed signatures from the rows, report any drift "
        "from the stored count, and fix it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Report only; change nothing and exit with status 1 if any count drifted.",
        )

    def handle(self, *args, check: bool = False, **options):
        drifts = signatures.reconcile_counts(fix=not check)
        for drift in drifts:
            self.stdout.write(
                f"{drift.petition.slug}: stored {drift.stored:,}, counted {drift.actual:,} "
                f"({drift.actual - drift.stored:+,})" + ("" if check else " - fixed")
            )
        if not drifts:
            self.stdout.write(self.style.SUCCESS("Every petition count matches its rows."))
        elif check:
            raise CommandError(f"{len(drifts)} petition count(s) drifted.")
        else:
            self.stdout.write(self.style.WARNING(f"Fixed {len(drifts)} petition count(s)."))
