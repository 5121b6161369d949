"""The public petition list: search, filters, sorting and pages.

Read from the query string by a plain GET form, so it works without JavaScript and a
page of results can be shared. A value the form does not know (an old link, a typo,
``page=abc``) never fails the page: that one choice falls back to its default and the
page says so.
"""

from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Case, DateTimeField, F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.models import Campaign
from lib.translated import LANGUAGE_CODES

from ..models import Petition

PER_PAGE = 12
# Longer queries are cut: nobody types one, and each word is a LIKE over four columns.
MAX_QUERY = 100
MAX_WORDS = 6


class ListForm(forms.Form):
    """What the reader asked for; every field is optional and has a default."""

    STATUSES = {
        "": _("All petitions"),
        "open": _("Open"),
        "closed": _("Closed"),
        "delivered": _("Delivered"),
        "responded": _("Responded"),
    }
    SORTS = {
        "newest": _("Newest"),
        "signatures": _("Most signatures"),
        "closing": _("Closing soon"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY, strip=True)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All campaigns"),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("petition list filter", "Show"),
        choices=STATUSES.items(),
        required=False,
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS.items(), required=False)

    def __init__(self, data):
        # Long queries are cut rather than refused: the search still runs.
        data = data.copy()
        if len(data.get("q", "")) > MAX_QUERY:
            data["q"] = data["q"][:MAX_QUERY]
        super().__init__(data)
        self.fields["campaign"].queryset = Campaign.objects.filter(
            status__in=[Campaign.Status.LIVE, Campaign.Status.ARCHIVED],
            petitions__in=Petition.objects.public(),
        ).distinct()

    def choice_fields(self) -> list:
        return [self["campaign"], self["status"], self["sort"]]

    def choices(self) -> dict:
        """The valid choices, with the default in place of each value not understood."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q", "") if "q" not in self.errors else "",
            "campaign": data.get("campaign"),
            "status": data.get("status", ""),
            "sort": data.get("sort") or "newest",
        }


def search(petitions: QuerySet, query: str) -> QuerySet:
    """Petitions whose title or summary, in any language, contains every word of ``query``.

    ``icontains`` is case-insensitive on PostgreSQL (``UPPER() LIKE``) and on SQLite
    (``LIKE``, ASCII letters; Hangul has no case).
    """
    for word in query.split()[:MAX_WORDS]:
        matches = Q()
        for name in ("title", "summary"):
            for code in LANGUAGE_CODES:
                matches |= Q(**{f"{name}_{code}__icontains": word})
        petitions = petitions.filter(matches)
    return petitions


def closed_now() -> Q:
    """Closed by status, by its closing time, or because its campaign is archived."""
    return Q(status=Petition.Status.CLOSED) | Q(
        Q(closes_at__lte=timezone.now()) | Q(campaign__status=Campaign.Status.ARCHIVED),
        status=Petition.Status.OPEN,
    )


def petitions_for(choices: dict) -> QuerySet:
    petitions = (
        Petition.objects.public()
        .select_related("campaign")
        .with_current_count()
        .prefetch_related("milestones")
    )
    if choices["q"]:
        petitions = search(petitions, choices["q"])
    if choices["campaign"] is not None:
        petitions = petitions.filter(campaign=choices["campaign"])
    if choices["status"] == "open":
        petitions = petitions.open()
    elif choices["status"] == "closed":
        petitions = petitions.filter(closed_now())
    elif choices["status"] == "delivered":
        petitions = petitions.filter(status=Petition.Status.DELIVERED)
    elif choices["status"] == "responded":
        petitions = petitions.filter(status=Petition.Status.RESPONDED)
    if choices["sort"] == "signatures":
        petitions = petitions.annotate(total=F("signature_count") + F("shard_total")).order_by(
            "-total", "-published_at", "pk"
        )
    elif choices["sort"] == "closing":
        # Still open with a closing time first, soonest first; then the rest, newest first.
        now = timezone.now()
        petitions = petitions.annotate(
            closes_next=Case(
                When(
                    Q(
                        closes_at__gt=now,
                        status=Petition.Status.OPEN,
                        campaign__status=Campaign.Status.LIVE,
                    ),
                    then=F("closes_at"),
                ),
                default=None,
                output_field=DateTimeField(),
            )
        ).order_by(
            F("closes_next").asc(nulls_last=True),
            F("published_at").desc(nulls_last=True),
            "-pk",
        )
    else:
        petitions = petitions.order_by(F("published_at").desc(nulls_last=True), "-pk")
    return petitions


def page_of(petitions: QuerySet, number: str | None) -> Page:
    """The page asked for; page 1 for anything not a number, the last one past the end."""
    return Paginator(petitions, PER_PAGE).get_page(number)


def query_string(choices: dict, **changes) -> str:
    """The list's query string for ``choices`` (defaults left out), to link other pages."""
    params = {
        "q": choices["q"],
        "campaign": choices["campaign"].slug if choices["campaign"] else "",
        "status": choices["status"],
        "sort": choices["sort"] if choices["sort"] != "newest" else "",
        **changes,
    }
    return urlencode({key: value for key, value in params.items() if value not in ("", None)})
