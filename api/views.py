"""The API's read views: the entry point, collections and single resources.

Every view acts as the token's owner (``access.Viewer``): a row outside what the owner
may see is a 404, as in the manager area. Reads of personal data (people, signatures,
outreaches, donations, taggings) add one entry to the audit log per request.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import record_audit

from . import kinds, openapi, represent
from .access import Viewer
from .auth import HasScope, TokenAuthentication, TokenRateThrottle
from .filters import FilterError, parse
from .pagination import CursorError, Page, encode_cursor, page_of
from .rendering import HalJSONParser, HalJSONRenderer
from .represent import Links

OSDI_VERSION = "1.1.1"
CURIES = [
    {
        "name": "osdi",
        "href": "https://opensupporter.github.io/osdi-docs/{rel}.html",
        "templated": True,
    }
]


class BadRequest(Exception):
    pass


class ApiView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]
    renderer_classes = [HalJSONRenderer, JSONRenderer]
    parser_classes = [HalJSONParser, JSONParser]
    # Set by views that return personal data: the request is audited.
    audit_rows: int | None = None

    @property
    def viewer(self) -> Viewer:
        if not hasattr(self, "_viewer"):
            self._viewer = Viewer(self.request.user)
        return self._viewer

    def links(self) -> Links:
        return Links(
            base=self.request.build_absolute_uri(reverse("api:aep")),
            sees_contact_details=self.viewer.sees_contact_details,
        )

    def audit(self, what: str, rows: int) -> None:
        record_audit(
            actor=self.request.user,
            action=f"api.read.{what}",
            subject=self.request.path,
            filters={key: value for key, value in self.request.query_params.items()},
            rows=rows,
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "max-age=0, private, must-revalidate"
        return response


def number_param(request, name: str, default: int, *, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise BadRequest(f"{name} must be a whole number from 1.")
    value = int(raw)
    return min(value, maximum) if maximum else value


@extend_schema_view(
    get=extend_schema(
        operation_id="entry_point", responses={200: openapi.ref("EntryPoint"), **openapi.ERRORS}
    )
)
class EntryPoint(ApiView):
    """The API entry point (AEP): what this system is and where its collections are."""

    def get(self, request):
        links = self.links()
        names = [
            ("osdi:people", "people", "The collection of people in the system"),
            ("osdi:petitions", "petitions", "The collection of petitions in the system"),
            (
                "osdi:advocacy_campaigns",
                "advocacy_campaigns",
                "The collection of advocacy campaigns (letter actions) in the system",
            ),
            ("osdi:donations", "donations", "The collection of donations in the system"),
            (
                "osdi:fundraising_pages",
                "fundraising_pages",
                "The collection of fundraising pages in the system",
            ),
            ("osdi:tags", "tags", "The collection of tags (campaigns) in the system"),
        ]
        body = {
            "motd": f"Welcome to the {settings.SITE_NAME} API.",
            "max_pagesize": settings.API_MAX_PAGESIZE,
            "vendor_name": represent.VENDOR,
            "product_name": settings.SITE_NAME,
            "osdi_version": OSDI_VERSION,
            "namespace": represent.NAMESPACE,
            "_links": {
                "curies": CURIES,
                "self": {"href": links.base, "title": "The API entry point"},
                **{rel: {**links.href(path), "title": title} for rel, path, title in names},
                "osdi:person_signup_helper": {
                    **links.href("people"),
                    "title": "The person signup helper",
                },
                "docs": {"href": request.build_absolute_uri(reverse("api:openapi"))},
            },
        }
        return Response(body)


class CollectionView(ApiView):
    """A paged, filterable OSDI collection; subclasses say which rows."""

    collection: kinds.Collection

    def rows(self, **kwargs):
        raise NotImplementedError

    def fast_total(self, **kwargs) -> int | None:
        """The number of rows when it is known without counting (no filter)."""
        return None

    def get(self, request, **kwargs):
        try:
            return self._get(request, **kwargs)
        except (BadRequest, FilterError, CursorError) as error:
            return Response({"error": str(error)}, status=400)

    def _get(self, request, **kwargs):
        if any("\x00" in value for value in request.query_params.values()):
            raise BadRequest("Query parameters may not contain NUL characters.")
        per_page = number_param(request, "per_page", 25, maximum=settings.API_MAX_PAGESIZE)
        number = number_param(request, "page", 1)
        after = request.query_params.get("after", "")
        text = request.query_params.get("filter", request.query_params.get("$filter"))
        fields = self.collection.filter_fields
        if self.collection.kind == "person" and self.viewer.sees_contact_details:
            fields = (*fields, "email_address")
        conditions = parse(text, fields=fields) if text is not None else []
        queryset = self.collection.filtered(self.rows(**kwargs), conditions)
        total = None if conditions else self.fast_total(**kwargs)
        if total is None:
            total = queryset.count()
        page = page_of(
            self.collection.prepare(queryset, self.viewer),
            order_field=self.collection.order_field,
            number=number,
            per_page=per_page,
            total=total,
            after=after,
        )
        links = self.links()
        links.load(self.collection.kind, [row.pk for row in page.items])
        items = [self.collection.represent(row, links) for row in page.items]
        if self.collection.personal:
            self.audit(self.collection.rel.removeprefix("osdi:"), len(items))
        return Response(self.envelope(request, page, items, text))

    def envelope(self, request, page, items, text) -> dict:
        cursor = ""
        if page.has_next and page.items:
            last = page.items[-1]
            cursor = encode_cursor(getattr(last, self.collection.order_field), last.pk)
        return envelope(request, page, items, text=text, rel=self.collection.rel, cursor=cursor)


def envelope(request, page: Page, items: list, *, text, rel: str, cursor: str = "") -> dict:
    """An OSDI collection: paging figures, links to neighbouring pages, embedded items."""
    base = request.build_absolute_uri(request.path)

    def page_link(number: int, after: str = "") -> dict:
        query = {"page": number, "per_page": page.per_page}
        if text is not None:
            query["filter"] = text
        if after:
            query["after"] = after
        return {"href": f"{base}?{urlencode(query)}"}

    links = {"self": page_link(page.number)}
    if page.has_next:
        links["next"] = page_link(page.number + 1, cursor)
    if page.has_previous:
        links["previous"] = page_link(min(page.number - 1, max(page.total_pages, 1)))
    links[rel] = [{"href": item["_links"]["self"]["href"]} for item in items]
    links["curies"] = CURIES
    return {
        "total_pages": page.total_pages,
        "per_page": page.per_page,
        "page": page.number,
        "total_records": page.total,
        "_links": links,
        "_embedded": {rel: items},
    }


class ItemView(ApiView):
    collection: kinds.Collection

    def rows(self, **kwargs):
        raise NotImplementedError

    def get(self, request, pk: int, **kwargs):
        queryset = self.collection.prepare(self.rows(**kwargs), self.viewer)
        row = queryset.filter(pk=pk).first()
        if row is None:
            raise Http404
        links = self.links()
        links.load(self.collection.kind, [row.pk])
        if self.collection.personal:
            self.audit(self.collection.kind, 1)
        return Response(self.collection.represent(row, links))


@csrf_exempt
def not_found(request, *args, **kwargs):
    return JsonResponse({"error": "Not found."}, status=404)


def visible(queryset, pk: int):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


# People --------------------------------------------------------------------------------


@extend_schema_view(get=openapi.read_list("Person", "osdi:people", "people_list"))
class PeopleList(CollectionView):
    collection = kinds.PEOPLE

    def rows(self):
        return self.viewer.people()


@extend_schema_view(get=openapi.read_item("Person", "person_detail"))
class PersonDetail(ItemView):
    collection = kinds.PEOPLE

    def rows(self):
        return self.viewer.people()


@extend_schema_view(get=openapi.read_list("Signature", "osdi:signatures", "person_signatures"))
class PersonSignatures(CollectionView):
    collection = kinds.SIGNATURES

    def rows(self, person: int):
        supporter = visible(self.viewer.people(), person)
        return self.viewer.signatures().filter(supporter=supporter)


@extend_schema_view(get=openapi.read_list("Outreach", "osdi:outreaches", "person_outreaches"))
class PersonOutreaches(CollectionView):
    collection = kinds.OUTREACHES

    def rows(self, person: int):
        supporter = visible(self.viewer.people(), person)
        return self.viewer.letters().filter(supporter=supporter)


@extend_schema_view(get=openapi.read_list("Donation", "osdi:donations", "person_donations"))
class PersonDonations(CollectionView):
    collection = kinds.DONATIONS

    def rows(self, person: int):
        supporter = visible(self.viewer.people(), person)
        return self.viewer.payments().filter(donation__supporter=supporter)


# Petitions and signatures ----------------------------------------------------------------


@extend_schema_view(get=openapi.read_list("Petition", "osdi:petitions", "petition_list"))
class PetitionList(CollectionView):
    collection = kinds.PETITIONS

    def rows(self):
        return self.viewer.petitions()


@extend_schema_view(get=openapi.read_item("Petition", "petition_detail"))
class PetitionDetail(ItemView):
    collection = kinds.PETITIONS

    def rows(self):
        return self.viewer.petitions()


@extend_schema_view(get=openapi.read_list("Signature", "osdi:signatures", "signature_list"))
class SignatureList(CollectionView):
    collection = kinds.SIGNATURES

    def rows(self, petition: int):
        self.petition = visible(self.viewer.petitions().with_current_count(), petition)
        return self.viewer.signatures().filter(petition=self.petition)

    def fast_total(self, petition: int) -> int:
        # Confirmed signatures are exactly what the petition's count counts.
        return self.petition.current_count


@extend_schema_view(get=openapi.read_item("Signature", "signature_detail"))
class SignatureDetail(ItemView):
    collection = kinds.SIGNATURES

    def rows(self, petition: int):
        return self.viewer.signatures().filter(petition_id=petition)


# Letter actions and letters ------------------------------------------------------------


@extend_schema_view(
    get=openapi.read_list("AdvocacyCampaign", "osdi:advocacy_campaigns", "advocacy_campaign_list")
)
class AdvocacyCampaignList(CollectionView):
    collection = kinds.ADVOCACY_CAMPAIGNS

    def rows(self):
        return self.viewer.letter_actions()


@extend_schema_view(get=openapi.read_item("AdvocacyCampaign", "advocacy_campaign_detail"))
class AdvocacyCampaignDetail(ItemView):
    collection = kinds.ADVOCACY_CAMPAIGNS

    def rows(self):
        return self.viewer.letter_actions()


@extend_schema_view(get=openapi.read_list("Outreach", "osdi:outreaches", "outreach_list"))
class OutreachList(CollectionView):
    collection = kinds.OUTREACHES

    def rows(self, campaign: int):
        action = visible(self.viewer.letter_actions(), campaign)
        return self.viewer.letters().filter(action=action)


@extend_schema_view(get=openapi.read_item("Outreach", "outreach_detail"))
class OutreachDetail(ItemView):
    collection = kinds.OUTREACHES

    def rows(self, campaign: int):
        return self.viewer.letters().filter(action_id=campaign)


# Donations and fundraising pages -------------------------------------------------------


@extend_schema_view(get=openapi.read_list("Donation", "osdi:donations", "donation_list"))
class DonationList(CollectionView):
    collection = kinds.DONATIONS

    def rows(self):
        return self.viewer.payments()


@extend_schema_view(get=openapi.read_item("Donation", "donation_detail"))
class DonationDetail(ItemView):
    collection = kinds.DONATIONS

    def rows(self):
        return self.viewer.payments()


@extend_schema_view(
    get=openapi.read_list("Donation", "osdi:donations", "fundraising_page_donations")
)
class FundraisingPageDonations(CollectionView):
    collection = kinds.DONATIONS

    def rows(self, page: int):
        payments = self.viewer.payments()
        if page == 0:
            if not self.viewer.is_staff:
                raise Http404
            return payments.filter(donation__campaign__isnull=True)
        campaign = visible(self.viewer.campaigns(), page)
        return payments.filter(donation__campaign=campaign)
