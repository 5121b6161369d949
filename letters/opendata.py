"""Open data about a letter action: the action and how many letters went to each official
(docs/open-data.md). Counts only, never a writer. Read-only, CORS for any origin,
cached as ``count.json`` is (``lib.opendata``).

Per official, only letters their writers asked Sori to deliver are counted (and, of
those, the ones delivered): drafts are left out, because anyone may write a draft in
someone else's name, and a per-official count of drafts set beside ``letters_written``
would tell whether an address had written before (see ``services.write_letter``).
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Target
from lib import opendata
from lib.opendata import absolute, moment, pages, texts

from .models import Letter, LetterAction

DELIVERED = (Letter.Status.SENT, Letter.Status.POSTED)


def public_actions():
    """What the action pages show to everyone: open actions in a live campaign, and
    closed ones in a campaign that is live or archived (``views._get_action_for_user``)."""
    return LetterAction.objects.filter(
        Q(status=LetterAction.Status.OPEN, campaign__status=Campaign.Status.LIVE)
        | Q(
            status=LetterAction.Status.CLOSED,
            campaign__status__in=[Campaign.Status.LIVE, Campaign.Status.ARCHIVED],
        )
    ).select_related("campaign")


def _official(target: Target, counts: dict) -> dict:
    return {
        "id": target.pk,
        "name": {"en": target.name, "ko": target.display_name("ko")},
        "organisation": {
            "en": str(target.display_organisation("en")),
            "ko": str(target.display_organisation("ko")),
        },
        "letters": counts.get("letters", 0),
        "delivered": counts.get("delivered", 0),
    }


def action_document(action: LetterAction) -> dict:
    """Everything the open data says about one letter action (docs/open-data.md)."""
    rows = (
        Letter.objects.filter(action=action)
        .committed()
        .order_by()
        .values("target")
        .annotate(letters=Count("pk"), delivered=Count("pk", filter=Q(status__in=DELIVERED)))
    )
    counts = {row["target"]: row for row in rows}
    listed = list(action.targets.all())
    # Letters to an official since taken off the action still went to them.
    others = Target.objects.filter(pk__in=set(counts) - {t.pk for t in listed}).order_by("pk")
    return {
        "version": opendata.VERSION,
        "slug": action.slug,
        "data": absolute(reverse("open_letter_action", kwargs={"slug": action.slug})),
        "title": texts(action, "title"),
        "summary": texts(action, "summary"),
        "pages": pages("letters:action", slug=action.slug),
        "status": str(action.status),
        "accepting_letters": action.is_open,
        "campaign": {
            "slug": action.campaign.slug,
            "title": texts(action.campaign, "title"),
            "pages": pages("campaigns:detail", slug=action.campaign.slug),
        },
        "languages": action.languages_written(),
        "published_at": moment(action.published_at),
        "goal": action.goal,
        "letters_written": action.letter_count,
        "letters_to_officials": sum(row["letters"] for row in counts.values()),
        "targets": [_official(target, counts.get(target.pk, {})) for target in listed]
        + [_official(target, counts[target.pk]) for target in others],
        "generated_at": moment(timezone.now()),
    }


def _build(slug: str) -> bytes | None:
    action = public_actions().filter(slug=slug).first()
    return opendata.dumps(action_document(action)) if action else None


@opendata.read_only
def action_json(request, slug):
    body = opendata.cached(f"letter:{slug}", lambda: _build(slug))
    if body is None:
        return opendata.error(404, "No published letter action at this address.")
    return opendata.respond(body)
