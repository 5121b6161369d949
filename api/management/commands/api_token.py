"""``manage.py api_token create --as EMAIL --name NAME [--scope read|write]``, ``list``,
``revoke``. The new token is the last line of the output, and is shown only then."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api.access import Viewer
from api.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token; it is printed last.")
        create.add_argument("--as", dest="owner", required=True, help="The owner's email.")
        create.add_argument("--name", required=True, help="Where the token is used.")
        create.add_argument("--scope", choices=ApiToken.Scope.values, default="read")
        listing = actions.add_parser("list", help="The tokens of one owner.")
        listing.add_argument("--as", dest="owner", required=True)
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action: str, **options):
        if action == "revoke":
            row = ApiToken.objects.filter(pk=options["id"]).first()
            if row is None:
                raise CommandError(f"No token {options['id']}.")
            row.revoke()
            self.stdout.write(f"Revoked {row.pk} ({row.name}).")
            return
        owner = User.objects.filter(email__iexact=options["owner"]).first()
        if owner is None:
            raise CommandError(f"No account for {options['owner']}.")
        if action == "list":
            for row in ApiToken.objects.filter(owner=owner):
                state = "revoked" if row.revoked_at else "active"
                self.stdout.write(f"{row.pk}\t{row.prefix}…\t{row.scope}\t{state}\t{row.name}")
            return
        if not Viewer(owner).may_use_api:
            raise CommandError(f"{owner.email} is neither staff nor a campaign manager.")
        row, token = ApiToken.issue(owner=owner, name=options["name"], scope=options["scope"])
        self.stdout.write(f"Token {row.pk} ({row.scope}) for {owner.email}, shown only now:")
        self.stdout.write(token)
