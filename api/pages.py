"""Short collections kept in Python: fundraising pages and tags (campaigns), and the
taggings of a tag (the people who acted in the campaign)."""

from dataclasses import replace

from django.conf import settings
from django.db.models import Count, F, Max
from django.http import Http404
from drf_spectacular.utils import extend_schema_view
from rest_framework.response import Response

from . import kinds, openapi, represent
from .filters import FilterError, compare, parse
from .pagination import Page
from .views import ApiView, BadRequest, CollectionView, envelope, number_param, visible


def _page_totals(payments) -> tuple[int, str | None, object]:
    figures = payments.aggregate(count=Count("pk"), last=Max("paid_at"))
    currency = payments.order_by("-paid_at").values_list("currency", flat=True).first()
    return figures["count"] or 0, currency, figures["last"]


class FundraisingPages(ApiView):
    """The donate page (0, staff only) and a page per campaign: a short, unfiltered list."""

    def pages(self) -> list:
        campaigns = list(self.viewer.campaigns().order_by("pk"))
        return ([None] if self.viewer.is_staff else []) + campaigns

    def represent(self, campaign, links):
        payments = self.viewer.payments()
        if campaign is None:
            payments = payments.filter(donation__campaign__isnull=True)
        else:
            payments = payments.filter(donation__campaign=campaign)
        return represent.fundraising_page(campaign, links, totals=_page_totals(payments))


@extend_schema_view(
    get=openapi.read_list("FundraisingPage", "osdi:fundraising_pages", "fundraising_page_list")
)
class FundraisingPageList(FundraisingPages):
    def get(self, request):
        return _simple_collection(self, request, "osdi:fundraising_pages", self.pages())


@extend_schema_view(get=openapi.read_item("FundraisingPage", "fundraising_page_detail"))
class FundraisingPageDetail(FundraisingPages):
    def get(self, request, pk: int):
        pages = [page for page in self.pages() if (page.pk if page else 0) == pk]
        if not pages:
            raise Http404
        return Response(self.represent(pages[0], self.links()))


# Tags (campaigns) and taggings ---------------------------------------------------------


class Tags(ApiView):
    def represent(self, campaign, links):
        return represent.tag(campaign, links)


@extend_schema_view(get=openapi.read_list("Tag", "osdi:tags", "tag_list"))
class TagList(Tags):
    def get(self, request):
        return _simple_collection(
            self, request, "osdi:tags", list(self.viewer.campaigns().order_by("pk"))
        )


@extend_schema_view(get=openapi.read_item("Tag", "tag_detail"))
class TagDetail(Tags):
    def get(self, request, pk: int):
        return Response(self.represent(visible(self.viewer.campaigns(), pk), self.links()))


@extend_schema_view(get=openapi.read_list("Tagging", "osdi:taggings", "tagging_list"))
class TaggingList(CollectionView):
    collection = kinds.Collection(
        rel="osdi:taggings",
        kind="tagging",
        represent=None,
        personal=True,
        filter_fields=("created_date", "modified_date"),
        modified=F("created_at"),
    )

    def rows(self, tag: int):
        self.campaign = visible(self.viewer.campaigns(), tag)
        return kinds.acted_in_campaign(self.viewer.people(), self.campaign.pk, self.viewer)

    def get(self, request, tag: int):
        self.collection = replace(
            self.collection, represent=lambda row, links: represent.tagging(row, tag, links)
        )
        return super().get(request, tag=tag)


@extend_schema_view(get=openapi.read_item("Tagging", "tagging_detail"))
class TaggingDetail(ApiView):
    def get(self, request, tag: int, pk: int):
        campaign = visible(self.viewer.campaigns(), tag)
        people = kinds.acted_in_campaign(self.viewer.people(), campaign.pk, self.viewer)
        supporter = visible(people, pk)
        self.audit("tagging", 1)
        return Response(represent.tagging(supporter, campaign.pk, self.links()))


def _simple_collection(view: ApiView, request, rel: str, rows: list) -> Response:
    """A short collection paged in Python (fundraising pages, tags)."""
    try:
        per_page = number_param(request, "per_page", 25, maximum=settings.API_MAX_PAGESIZE)
        number = number_param(request, "page", 1)
        text = request.query_params.get("filter", request.query_params.get("$filter"))
        conditions = (
            parse(text, fields=("created_date", "modified_date", "identifier"))
            if text is not None
            else []
        )
    except (BadRequest, FilterError) as error:
        return Response({"error": str(error)}, status=400)
    links = view.links()
    items = [view.represent(row, links) for row in rows]
    items = [item for item in items if _matches(item, conditions)]
    start = (number - 1) * per_page
    page = Page(items[start : start + per_page], number, per_page, len(items))
    return Response(envelope(request, page, page.items, text=text, rel=rel))


def _matches(item: dict, conditions) -> bool:
    for condition in conditions:
        if condition.field == "identifier":
            if condition.value not in item["identifiers"]:
                return False
        elif not compare(item[condition.field], condition):
            return False
    return True
