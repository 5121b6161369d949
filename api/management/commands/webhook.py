"""``manage.py webhook add --url URL --events E1,E2 --as EMAIL`` (the secret is the last
line of the output), ``list``, ``retry`` (attempts whose time has come, for cron)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from api import webhooks
from api.access import Viewer
from api.forms import WebhookForm
from api.models import Event, Webhook


class Command(BaseCommand):
    help = "Add or list webhooks, or hand over the deliveries whose retry is due."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a webhook; its secret is printed last.")
        add.add_argument("--url", required=True)
        add.add_argument(
            "--events", required=True, help=f"Comma-separated: {', '.join(Event.values)}."
        )
        add.add_argument("--as", dest="owner", required=True, help="The owner's email.")
        actions.add_parser("list", help="Every webhook.")
        actions.add_parser("retry", help="Hand over deliveries whose retry is due.")

    def handle(self, *args, action: str, **options):
        if action == "retry":
            with transaction.atomic():
                handed = webhooks.hand_over_due()
            self.stdout.write(f"{handed} deliveries handed over.")
            return
        if action == "list":
            for hook in Webhook.objects.select_related("owner"):
                state = "on" if hook.is_active else "off"
                events = ",".join(hook.events)
                self.stdout.write(f"{hook.pk}\t{state}\t{hook.owner.email}\t{events}\t{hook.url}")
            return
        owner = User.objects.filter(email__iexact=options["owner"]).first()
        if owner is None:
            raise CommandError(f"No account for {options['owner']}.")
        if not Viewer(owner).may_use_api:
            raise CommandError(f"{owner.email} is neither staff nor a campaign manager.")
        events = [event.strip() for event in options["events"].split(",") if event.strip()]
        form = WebhookForm({"url": options["url"], "events": events})
        if not form.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
            )
            raise CommandError(problems)
        hook = Webhook.objects.create(
            owner=owner, url=form.cleaned_data["url"], events=form.cleaned_data["events"]
        )
        self.stdout.write(f"Webhook {hook.pk} for {owner.email}; its secret, shown only now:")
        self.stdout.write(hook.secret)
