"""Signatures by region (시·도): the postcode table, what is stored, the page, open data."""

import pytest
from django.urls import reverse
from django.utils import translation

from lib import kr_regions
from lib.charts import tile_map_svg
from petitions import regions
from petitions.models import Signature
from tests.factories import PetitionFactory, SignatureFactory

from .conftest import form_data, sign_url

# Every boundary of the table: the first and last two-digit prefix of each region.
BOUNDARIES = [
    ("01000", "seoul"),
    ("09999", "seoul"),
    ("10000", "gyeonggi"),
    ("20999", "gyeonggi"),
    ("21000", "incheon"),
    ("23999", "incheon"),
    ("24000", "gangwon"),
    ("26999", "gangwon"),
    ("27000", "chungbuk"),
    ("29999", "chungbuk"),
    ("30000", "sejong"),
    ("30999", "sejong"),
    ("31000", "chungnam"),
    ("33999", "chungnam"),
    ("34000", "daejeon"),
    ("35999", "daejeon"),
    ("36000", "gyeongbuk"),
    ("40999", "gyeongbuk"),
    ("41000", "daegu"),
    ("43999", "daegu"),
    ("44000", "ulsan"),
    ("45999", "ulsan"),
    ("46000", "busan"),
    ("49999", "busan"),
    ("50000", "gyeongnam"),
    ("53999", "gyeongnam"),
    ("54000", "jeonbuk"),
    ("56999", "jeonbuk"),
    ("57000", "jeonnam"),
    ("60999", "jeonnam"),
    ("61000", "gwangju"),
    ("62999", "gwangju"),
    ("63000", "jeju"),
    ("63999", "jeju"),
]


@pytest.mark.parametrize(("postcode", "code"), BOUNDARIES)
def test_region_for_postcode_at_every_boundary(postcode, code):
    assert kr_regions.region_for_postcode(postcode).code == code


@pytest.mark.parametrize("postcode", ["00999", "64000", "69999", "70000", "99999"])
def test_region_for_postcode_unallotted_prefixes_give_none(postcode):
    assert kr_regions.region_for_postcode(postcode) is None


@pytest.mark.parametrize("postcode", ["", "0315", "031540", "03-154", "abcde", "110-000"])
def test_region_for_postcode_rejects_what_is_not_five_digits(postcode):
    assert kr_regions.region_for_postcode(postcode) is None


def test_region_table_covers_seventeen_regions_without_gaps_or_overlaps():
    prefixes = [p for r in kr_regions.REGIONS for p in range(r.first, r.last + 1)]

    assert len(kr_regions.REGIONS) == 17
    assert sorted(prefixes) == list(range(1, 64))
    assert kr_regions.region_for_postcode("30117").name_ko == "세종특별자치시"


def test_region_names_follow_the_language():
    region = kr_regions.BY_CODE["jeonbuk"]

    with translation.override("ko"):
        assert (region.name, region.short) == ("전북특별자치도", "전북")
    with translation.override("en"):
        assert (region.name, region.short) == ("North Jeolla", "Jeonbuk")


def test_sign_in_korea_stores_the_region_not_the_postcode(petition, post):
    petition.postcode_field = petition.FieldUse.OPTIONAL
    petition.save()

    response = post(sign_url(petition), form_data(postcode="48060"))

    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:thanks", args=["free-them"]) + (
        "?region=busan"
    )
    signature = Signature.objects.get(petition=petition)
    assert (signature.region, signature.postcode) == ("busan", "")
    assert signature.supporter.postcode == ""


def test_sign_keeps_the_full_postcode_when_the_petition_needs_it(petition, post):
    petition.postcode_field = petition.FieldUse.OPTIONAL
    petition.postcode_kept = True
    petition.save()

    post(sign_url(petition), form_data(postcode="48060"))

    signature = Signature.objects.get(petition=petition)
    assert (signature.region, signature.postcode) == ("busan", "48060")


def test_sign_abroad_keeps_the_postcode_and_no_region(petition, post):
    petition.postcode_field = petition.FieldUse.OPTIONAL
    petition.save()

    post(sign_url(petition), form_data(country="GB", postcode="sw1a 1aa"))

    signature = Signature.objects.get(petition=petition)
    assert (signature.region, signature.postcode) == ("", "SW1A 1AA")


def test_sign_in_korea_with_a_postcode_that_is_not_five_digits_is_refused(petition, post):
    petition.postcode_field = petition.FieldUse.OPTIONAL
    petition.save()

    response = post(sign_url(petition), form_data(postcode="110-000"))

    assert response.status_code == 400
    assert "Enter the 5-digit postcode" in response.content.decode()
    assert not Signature.objects.exists()


def test_breakdown_counts_confirmed_signatures_by_region_and_country(petition):
    SignatureFactory(petition=petition, country="KR", region="seoul")
    SignatureFactory(petition=petition, country="KR", region="seoul")
    SignatureFactory(petition=petition, country="KR", region="jeju")
    SignatureFactory(petition=petition, country="KR", region="")
    SignatureFactory(petition=petition, country="KR", region="seoul", status="pending")
    SignatureFactory(petition=petition, country="GB")
    SignatureFactory(petition=petition, country="JP")
    SignatureFactory(petition=petition, country="JP")

    with translation.override("en"):
        figures = regions.breakdown(petition)

    by_code = {row.region.code: row.count for row in figures.regions}
    assert by_code == {**dict.fromkeys(kr_regions.BY_CODE, 0), "seoul": 2, "jeju": 1}
    assert [r.region.code for r in figures.regions] == [r.code for r in kr_regions.REGIONS]
    assert figures.unknown_region == 1
    assert figures.in_korea == 4
    assert [(c.code, c.count) for c in figures.countries] == [("JP", 2), ("GB", 1)]


def test_count_json_carries_signatures_by_region(client, petition):
    SignatureFactory(petition=petition, country="KR", region="daegu")
    SignatureFactory(petition=petition, country="KR", region="daegu")
    SignatureFactory(petition=petition, country="KR", region="ulsan")

    response = client.get(reverse("petition_count", args=["free-them"]))

    assert response.json()["signatures_by_region"] == {
        **dict.fromkeys(kr_regions.BY_CODE, 0),
        "daegu": 2,
        "ulsan": 1,
    }


def test_petition_page_shows_the_map_and_the_table_in_korean(client, petition):
    SignatureFactory(petition=petition, country="KR", region="gwangju")
    SignatureFactory(petition=petition, country="US")

    with translation.override("ko"):
        url = reverse("petitions:detail", args=["free-them"])
    html = client.get(url).content.decode()

    assert 'class="tile-map"' in html
    assert "<title>광주광역시: 1</title>" in html
    assert '<th scope="row">광주광역시</th><td>1</td>' in html
    assert '<th scope="row">미국</th><td>1</td>' in html
    assert "style=" not in html.split('class="tile-map"')[1].split("</svg>")[0]


def test_tile_map_shades_by_value():
    svg = tile_map_svg([(0, 0, "A", "a", 0), (1, 0, "B", "b", 4), (2, 0, "C", "c", 2)], title="T")

    assert svg.count('class="tile-fill"') == 3
    assert 'fill-opacity="0.08"><title>A: 0</title>' in svg
    assert 'fill-opacity="0.6"><title>B: 4</title>' in svg
    assert 'fill-opacity="0.34"><title>C: 2</title>' in svg


def test_thanks_page_shows_petitions_popular_in_the_region(client, petition, campaign):
    busy = PetitionFactory(campaign=campaign, slug="busy", title_en="Busy one")
    quiet = PetitionFactory(campaign=campaign, slug="quiet", title_en="Quiet one")
    PetitionFactory(campaign=campaign, slug="elsewhere", title_en="Elsewhere")
    for _ in range(3):
        SignatureFactory(petition=busy, country="KR", region="jeju")
    SignatureFactory(petition=quiet, country="KR", region="jeju")
    SignatureFactory(petition=petition, country="KR", region="jeju")
    SignatureFactory(petition=petition, country="KR", region="jeju")

    with translation.override("en"):
        url = reverse("petitions:thanks", args=["free-them"])
    response = client.get(url + "?region=jeju")

    assert [p.slug for p in response.context["popular_in_region"]] == ["busy", "quiet"]
    assert "Popular in your region: Jeju" in response.content.decode()


def test_thanks_page_without_a_region_shows_no_popular_list(client, petition):
    response = client.get(reverse("petitions:thanks", args=["free-them"]) + "?region=mars")

    assert response.context["popular_in_region"] == []
