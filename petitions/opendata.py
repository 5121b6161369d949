"""Open data about petitions: the list (JSON and CSV) and each petition (docs/open-data.md).

Counts only, never a name, an address or anything else about a signer: the figures by
country and by region (시·도) are the ones the petition page shows. Read-only, CORS for
any origin, cached as ``count.json`` is (``lib.opendata``). A cached petition document
is also answered by the fast path, before most of the middleware
(``hotpath.page_cache.open_data_response``).
"""

import math

from django.core.validators import slug_re
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from lib import exports, opendata
from lib.opendata import absolute, moment, pages, texts

from . import regions
from .hotpath import page_cache
from .models import Petition
from .signing.listing import closed_now

PER_PAGE = 50
# The CSV holds every petition that matches, up to this many (newest first).
CSV_LIMIT = 5000
STATUSES = ("open", "closed", "delivered", "responded")
CSV_HEADER = (
    "version",
    "slug",
    "title_en",
    "title_ko",
    "status",
    "accepting_signatures",
    "campaign",
    "signature_count",
    "goal",
    "published_at",
    "opens_at",
    "closes_at",
    "page_en",
    "page_ko",
    "data",
)


class BadQuery(Exception):
    """A filter or page the list does not understand (answered 400 with the message)."""


# What a petition says about itself -------------------------------------------------


def public_status(petition: Petition) -> str:
    """The status as the list filters it: an open petition past its closing time, or in
    an archived campaign, is "closed"."""
    if petition.status == Petition.Status.OPEN and (
        petition.has_closed or petition.campaign.status == Campaign.Status.ARCHIVED
    ):
        return "closed"
    return str(petition.status)


def _summary(petition: Petition) -> dict:
    return {
        "slug": petition.slug,
        "data": absolute(reverse("open_petition", kwargs={"slug": petition.slug})),
        "title": texts(petition, "title"),
        "summary": texts(petition, "summary"),
        "pages": pages("petitions:detail", slug=petition.slug),
        "status": public_status(petition),
        "accepting_signatures": petition.is_open,
        "campaign": petition.campaign.slug,
        "signature_count": petition.current_count,
        "goal": petition.goal,
        "published_at": moment(petition.published_at),
        "opens_at": moment(petition.opens_at),
        "closes_at": moment(petition.closes_at),
    }


def petition_document(petition: Petition) -> dict:
    """Everything the open data says about one petition (docs/open-data.md)."""
    breakdown = regions.breakdown(petition)
    by_country = {row.code: row.count for row in breakdown.countries}
    if breakdown.in_korea:
        by_country[regions.KOREA] = breakdown.in_korea
    summary = _summary(petition)
    return {
        "version": opendata.VERSION,
        **summary,
        "campaign": {
            "slug": petition.campaign.slug,
            "title": texts(petition.campaign, "title"),
            "pages": pages("campaigns:detail", slug=petition.campaign.slug),
        },
        "languages": petition.languages_written(),
        "targets": [
            {
                "id": target.pk,
                "name": {"en": target.name, "ko": target.display_name("ko")},
                "organisation": {
                    "en": str(target.display_organisation("en")),
                    "ko": str(target.display_organisation("ko")),
                },
            }
            for target in petition.targets.all()
            if target.active
        ],
        "count_updated_at": moment(petition.current_count_changed_at),
        "closed_at": moment(petition.closed_at),
        "delivered_at": moment(petition.delivered_at),
        "milestones": [
            {
                "threshold": milestone.threshold,
                "label": texts(milestone, "label"),
                "within_days": milestone.within_days,
                "deadline": moment(milestone.deadline()),
                "reached_at": moment(milestone.reached_at),
                "met": milestone.met,
            }
            for milestone in petition.milestones.all()
        ],
        "responses": [
            {"target": response.target_id, "responded_on": response.responded_on.isoformat()}
            for response in petition.responses.all()
        ],
        "signatures_by_country": dict(
            sorted(by_country.items(), key=lambda item: (-item[1], item[0]))
        ),
        "signatures_by_region": {row.region.code: row.count for row in breakdown.regions},
        "feeds": {"updates": pages("updates:petition_feed", slug=petition.slug)},
        "generated_at": moment(timezone.now()),
    }


def _published() -> QuerySet:
    return Petition.objects.public().select_related("campaign").with_current_count()


def _build_petition(slug: str) -> bytes | None:
    petition = (
        _published()
        .prefetch_related("milestones", "targets", "responses")
        .filter(slug=slug)
        .first()
    )
    return opendata.dumps(petition_document(petition)) if petition else None


# The list ---------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[str, str]:
    """The ``status`` and ``campaign`` asked for ("" for none); BadQuery if malformed.

    Whether the campaign exists is checked when the list is built (``_matching``), so
    a cached list costs no query.
    """
    status = request.GET.get("status", "")
    if status and status not in STATUSES:
        raise BadQuery(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")
    campaign = request.GET.get("campaign", "")
    if campaign and not slug_re.fullmatch(campaign):
        raise BadQuery(_no_campaign(campaign))
    return status, campaign


def _no_campaign(campaign: str) -> str:
    return f"No published campaign {campaign!r}."


def _matching(status: str, campaign: str) -> QuerySet:
    petitions = _published().order_by(F("published_at").desc(nulls_last=True), "-pk")
    if campaign:
        published = [Campaign.Status.LIVE, Campaign.Status.ARCHIVED]
        if not Campaign.objects.filter(slug=campaign, status__in=published).exists():
            raise BadQuery(_no_campaign(campaign))
        petitions = petitions.filter(campaign__slug=campaign)
    if status == "open":
        petitions = petitions.filter(Q(status=Petition.Status.OPEN) & ~closed_now())
    elif status == "closed":
        petitions = petitions.filter(closed_now())
    elif status:
        petitions = petitions.filter(status=status)
    return petitions


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise BadQuery(f"Page {raw!r} is not a whole number from 1.")
    return int(raw)


def _list_url(status: str, campaign: str, page: int) -> str:
    query = [("status", status), ("campaign", campaign), ("page", str(page) if page > 1 else "")]
    pairs = "&".join(f"{name}={value}" for name, value in query if value)
    return absolute(reverse("open_petitions")) + (f"?{pairs}" if pairs else "")


def _build_list(status: str, campaign: str, page: int) -> bytes:
    petitions = _matching(status, campaign)
    total = petitions.count()
    last = max(1, math.ceil(total / PER_PAGE))
    if page > last:
        raise BadQuery(f"Page {page} is past the last page, {last}.")
    rows = petitions[(page - 1) * PER_PAGE : page * PER_PAGE]
    return opendata.dumps(
        {
            "version": opendata.VERSION,
            "filters": {"status": status or None, "campaign": campaign or None},
            "count": total,
            "page": page,
            "pages": last,
            "next": _list_url(status, campaign, page + 1) if page < last else None,
            "previous": _list_url(status, campaign, page - 1) if page > 1 else None,
            "petitions": [_summary(petition) for petition in rows],
            "generated_at": moment(timezone.now()),
        }
    )


def _build_csv(status: str, campaign: str) -> bytes:
    rows = (
        (
            opendata.VERSION,
            item["slug"],
            item["title"]["en"],
            item["title"]["ko"],
            item["status"],
            "true" if item["accepting_signatures"] else "false",
            item["campaign"],
            item["signature_count"],
            item["goal"],
            item["published_at"] or "",
            item["opens_at"] or "",
            item["closes_at"] or "",
            item["pages"]["en"],
            item["pages"]["ko"],
            item["data"],
        )
        for item in map(_summary, _matching(status, campaign)[:CSV_LIMIT])
    )
    return "".join(exports.stream_csv(CSV_HEADER, rows, excel=True)).encode()


# The views --------------------------------------------------------------------------


@opendata.read_only
def petition_list_json(request):
    try:
        status, campaign = _filters(request)
        page = _page_number(request)
        body = opendata.cached(
            f"petitions:{status}:{campaign}:{page}",
            lambda: _build_list(status, campaign, page),
        )
    except BadQuery as problem:
        return opendata.error(400, str(problem))
    return opendata.respond(body)


@opendata.read_only
def petition_list_csv(request):
    try:
        status, campaign = _filters(request)
        body = opendata.cached(
            f"petitions.csv:{status}:{campaign}", lambda: _build_csv(status, campaign)
        )
    except BadQuery as problem:
        return opendata.error(400, str(problem))
    response = opendata.respond(body, "text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="petitions.csv"'
    return response


@opendata.read_only
def petition_json(request, slug):
    body = opendata.cached(page_cache.open_data_name(slug), lambda: _build_petition(slug))
    if body is None:
        return opendata.error(404, "No published petition at this address.")
    return opendata.respond(body)
