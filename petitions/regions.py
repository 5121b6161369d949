"""Signatures by region (시·도, for signers in Korea) and by country (for signers abroad).

Counted from the signature rows (confirmed ones), so every figure is exact; the
pages that show them are cached (the petition page, count.json), and the figures
for "popular in your region" are shared for ``POPULAR_SECONDS``, so no request counts
them more often than that.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django_countries import countries

from lib import kr_regions
from lib.kr_regions import Region

from .models import Petition, Signature

KOREA = "KR"
POPULAR_SECONDS = 300
POPULAR_LIMIT = 3


@dataclass(frozen=True)
class RegionCount:
    region: Region
    count: int


@dataclass(frozen=True)
class CountryCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Breakdown:
    regions: list[RegionCount]  # all 17, in the table's order, zeros included
    unknown_region: int  # signers in Korea who gave no (usable) postcode
    countries: list[CountryCount]  # signers abroad, most first

    @property
    def in_korea(self) -> int:
        return sum(row.count for row in self.regions) + self.unknown_region

    @property
    def top(self) -> int:
        return max((row.count for row in self.regions), default=0)


def region_of(country: str, postcode: str) -> str:
    """The region code to store for a signer: their 시·도 if in Korea, else ""."""
    if str(country) != KOREA:
        return ""
    region = kr_regions.region_for_postcode(postcode or "")
    return region.code if region else ""


def region_counts(petition_id: int) -> dict[str, int]:
    """Confirmed signatures per region code ("" for Korea without a region)."""
    rows = (
        Signature.objects.filter(petition_id=petition_id, country=KOREA)
        .counted()
        .order_by()
        .values("region")
        .annotate(n=Count("pk"))
    )
    return {row["region"]: row["n"] for row in rows}


def breakdown(petition: Petition) -> Breakdown:
    """The petition's confirmed signatures by region and, outside Korea, by country."""
    counts = region_counts(petition.pk)
    abroad = (
        Signature.objects.filter(petition=petition)
        .counted()
        .exclude(country=KOREA)
        .order_by()
        .values("country")
        .annotate(n=Count("pk"))
    )
    names = dict(countries)
    return Breakdown(
        regions=[RegionCount(r, counts.get(r.code, 0)) for r in kr_regions.REGIONS],
        unknown_region=sum(n for code, n in counts.items() if code not in kr_regions.BY_CODE),
        countries=sorted(
            (
                CountryCount(row["country"], names.get(row["country"], row["country"]), row["n"])
                for row in abroad
            ),
            key=lambda row: (-row.count, row.name),
        ),
    )


def signatures_by_region(petition_id: int) -> dict[str, int]:
    """Open data: every region's code with its count (zeros included)."""
    counts = region_counts(petition_id)
    return {region.code: counts.get(region.code, 0) for region in kr_regions.REGIONS}


def popular_in_region(region_code: str, *, exclude: int | None = None) -> list[Petition]:
    """The open public petitions with the most confirmed signatures from a region."""
    if region_code not in kr_regions.BY_CODE:
        return []
    key = f"petitions:popular-in:{region_code}"
    ranked = cache.get(key)
    if ranked is None:
        open_ids = Petition.objects.public().open().values("pk")
        ranked = list(
            Signature.objects.filter(region=region_code, petition__in=open_ids)
            .counted()
            .order_by()
            .values("petition")
            .annotate(n=Count("pk"))
            .order_by("-n", "petition")
            .values_list("petition", flat=True)[: POPULAR_LIMIT + 1]
        )
        cache.set(key, ranked, POPULAR_SECONDS)
    ids = [pk for pk in ranked if pk != exclude][:POPULAR_LIMIT]
    petitions = Petition.objects.public().open().select_related("campaign").in_bulk(ids)
    return [petitions[pk] for pk in ids if pk in petitions]
