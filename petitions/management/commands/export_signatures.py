import codecs

from django.core.management.base import BaseCommand, CommandError

from accounts import roles
from accounts.models import User
from campaigns.models import Campaign
from petitions.models import Petition
from petitions.staff.exports import DEFAULT_COLUMNS, open_export
from petitions.staff.forms import ExportForm


class Command(BaseCommand):
    help = (
        "Write a petition's signatures as CSV, byte for byte what the manager area's "
        "download gives for the same filters. The export is recorded in the audit log "
        "under the person named by --as, who must be staff or a manager of the "
        "petition's campaign (emails and address hashes: staff only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The petition's address (slug).")
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            metavar="EMAIL",
            help="Who is exporting: the account the audit log records.",
        )
        parser.add_argument(
            "--status",
            action="append",
            metavar="STATUS",
            help="confirmed (default), pending, review or invalidated; repeat for several.",
        )
        parser.add_argument(
            "--columns",
            default=",".join(DEFAULT_COLUMNS),
            help=f"Comma-separated column names (default {','.join(DEFAULT_COLUMNS)}).",
        )
        parser.add_argument("--from", dest="signed_from", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="signed_to", metavar="YYYY-MM-DD")
        parser.add_argument("--country", default="", metavar="CC", help="ISO code, e.g. KR.")
        parser.add_argument("--updates", choices=["yes", "no"], default="")
        parser.add_argument("--excel", action="store_true", help="Start with a byte order mark.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")

    def handle(self, *args, **options):
        actor = User.objects.filter(email__iexact=options["actor"].strip(), is_active=True).first()
        if actor is None or not (roles.is_staff_member(actor) or roles.is_campaign_manager(actor)):
            raise CommandError(f"{options['actor']} is not an active manager or staff account.")
        petition = Petition.objects.filter(
            slug=options["slug"], campaign__in=Campaign.objects.managed_by(actor)
        ).first()
        if petition is None:
            raise CommandError(f"No petition {options['slug']!r} that {actor.email} may export.")
        data = {
            "columns": [c.strip() for c in options["columns"].split(",") if c.strip()],
            "status": options["status"] or ["confirmed"],
            "signed_from": options["signed_from"] or "",
            "signed_to": options["signed_to"] or "",
            "country": options["country"].upper(),
            "updates": options["updates"],
            "excel": "on" if options["excel"] else "",
        }
        form = ExportForm(data, user=actor, petition=petition)
        if not form.is_valid():
            problems = [
                f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
                for name, errors in form.errors.items()
            ]
            raise CommandError("; ".join(problems))
        export = open_export(spec=form.spec(), actor=actor, via="command")
        if options["output"]:
            with open(options["output"], "wb") as out:
                for chunk in export.chunks():
                    out.write(chunk)
            self.stderr.write(f"{export.rows:,} signatures written to {options['output']}.")
        else:
            stream = self.stdout._out
            binary = getattr(stream, "buffer", None)
            decoder = codecs.getincrementaldecoder("utf-8")()
            for chunk in export.chunks():
                if binary is not None:
                    binary.write(chunk)
                else:  # a text stream (call_command in tests)
                    stream.write(decoder.decode(chunk))
            (binary or stream).flush()
