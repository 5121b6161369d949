from django.core.management.base import BaseCommand

from petitions.hotpath import page_views


class Command(BaseCommand):
    help = (
        "Move the petition page views counted in the shared cache into the database "
        "(run it every few minutes from cron if Celery beat does not)."
    )

    def handle(self, *args, **options):
        moved = page_views.flush()
        if moved is None:
            self.stdout.write("Another flush is running; it will move the views.")
        else:
            self.stdout.write(f"Moved {moved:,} page views to the database.")
