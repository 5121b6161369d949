import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Fill the database with the demo campaigns, officials, actions and accounts. "
        "Safe to run again: it updates what exists and adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (it creates accounts with a known password).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it refuses to run "
                "with DEBUG off. Use --force if you really want demo data here."
            )
        # Each app may offer a demo module with seed(out); they run in INSTALLED_APPS
        # order, so accounts and campaigns exist before the actions that use them.
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                importlib.import_module(module_name).seed(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
