import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import roles
from accounts.models import User
from campaigns.models import Campaign
from letters.models import LetterAction
from petitions.models import Petition
from updates import services
from updates.models import UpdateSend


class Command(BaseCommand):
    help = (
        "Send an update to the supporters of a petition, a letter action or a campaign, "
        "as the manager area's Send does. Recorded in the audit log under the person "
        "named by --as, who must be staff or a manager of the campaign. Waits for the "
        "sending to finish unless given --no-wait."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--petition", metavar="SLUG")
        scope.add_argument("--letter", metavar="SLUG")
        scope.add_argument("--campaign", metavar="SLUG")
        parser.add_argument("--subject", required=True, help="Subject in English.")
        parser.add_argument("--body-file", required=True, help="Markdown text in English.")
        parser.add_argument("--subject-ko", default="", help="Subject in Korean.")
        parser.add_argument("--body-ko-file", default="", help="Markdown text in Korean.")
        parser.add_argument("--as", dest="actor", required=True, metavar="EMAIL")
        parser.add_argument("--no-wait", action="store_true")

    def handle(self, *args, **options):
        actor = User.objects.filter(email__iexact=options["actor"].strip(), is_active=True).first()
        if actor is None or not (roles.is_staff_member(actor) or roles.is_campaign_manager(actor)):
            raise CommandError(f"{options['actor']} is not an active manager or staff account.")
        campaigns = Campaign.objects.managed_by(actor)
        scope = {}
        if options["petition"]:
            scope["petition"] = _find(
                Petition.objects.filter(campaign__in=campaigns), options["petition"], actor
            )
        elif options["letter"]:
            scope["letter_action"] = _find(
                LetterAction.objects.filter(campaign__in=campaigns), options["letter"], actor
            )
        else:
            scope["campaign"] = _find(campaigns, options["campaign"], actor)
        if bool(options["subject_ko"]) != bool(options["body_ko_file"]):
            raise CommandError("Give both --subject-ko and --body-ko-file, or neither.")
        try:
            send = services.start_update(
                user=actor,
                subject_en=options["subject"],
                body_en=_read(options["body_file"]),
                subject_ko=options["subject_ko"],
                body_ko=_read(options["body_ko_file"]) if options["body_ko_file"] else "",
                via="command",
                **scope,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(f"Update {send.update_id}: sending to {send.expected:,} supporters.")
        if options["no_wait"]:
            return
        while True:
            send.refresh_from_db()
            if not send.is_working:
                break
            time.sleep(1)
        figures = services.dashboard(send.update)
        self.stderr.write(
            f"{send.get_status_display()}: {figures['sent']:,} sent, {figures['failed']:,} "
            f"failed, {figures['bounced']:,} bouncing, {figures['skipped']:,} skipped."
        )
        if send.status != UpdateSend.Status.DONE:
            raise CommandError(send.error or send.get_status_display())


def _find(queryset, slug, actor):
    found = queryset.filter(slug=slug).first()
    if found is None:
        raise CommandError(
            f"No {queryset.model._meta.verbose_name} {slug!r} that {actor.email} manages."
        )
    return found


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error}") from error
