"""Korea's 17 regions (시·도) and the 5-digit postcodes that lead to them.

Since 1 August 2015 a Korean postcode is the national basic-zone number (국가기초구역번호,
도로명주소법 제19조): five digits whose first two name the 시·도, the third the 시·군·구,
the last two a zone within it. The first two digits were allotted in ranges, as Korea
Post (우정사업본부) announced on 23 July 2015, reported in "8월 1일부터 5자리로 구성된 새
우편번호 사용", 뉴스포커스 / pluskorea.net/45830 (2015-07-24):

    서울 01~09, 경기 10~20, 인천 21~23, 강원 24~26, 충북 27~29, 세종 30, 충남 31~33,
    대전 34~35, 경북 36~40, 대구 41~43, 울산 44~45, 부산 46~49, 경남 50~53,
    전북 54~56, 전남 57~60, 광주 61~62, 제주 63.

00 and 64~69 are held in reserve and 70~99 are set aside for the five northern
provinces (이북5도), so no address in use has them: they give no region. The same table
is in the Korean Wikipedia article "대한민국의 우편번호" (section 구조). Regions carry
their current names (강원특별자치도 since 2023, 전북특별자치도 since 2024).

``tile`` places each region on a 5 x 6 grid drawn roughly as the map lies (north at the
top), for ``lib.charts.tile_map_svg``.
"""

import re
from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Region:
    code: str
    short_ko: str  # 서울, 충북: as on a map
    name_ko: str
    name_en: str
    first: int  # the first two digits of its postcodes run from ``first``
    last: int  # to ``last``, both included
    tile: tuple[int, int]  # (column, row)

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_ko if (get_language() or "").startswith("ko") else self.name_en

    @property
    def short(self) -> str:
        """The short name for a map tile, in the active language (서울, Chungbuk)."""
        return self.short_ko if (get_language() or "").startswith("ko") else self.code.title()

    def __str__(self) -> str:
        return self.name


REGIONS: tuple[Region, ...] = (
    Region("seoul", "서울", "서울특별시", "Seoul", 1, 9, (1, 0)),
    Region("gyeonggi", "경기", "경기도", "Gyeonggi", 10, 20, (1, 1)),
    Region("incheon", "인천", "인천광역시", "Incheon", 21, 23, (0, 1)),
    Region("gangwon", "강원", "강원특별자치도", "Gangwon", 24, 26, (2, 0)),
    Region("chungbuk", "충북", "충청북도", "North Chungcheong", 27, 29, (2, 1)),
    Region("sejong", "세종", "세종특별자치시", "Sejong", 30, 30, (1, 2)),
    Region("chungnam", "충남", "충청남도", "South Chungcheong", 31, 33, (0, 2)),
    Region("daejeon", "대전", "대전광역시", "Daejeon", 34, 35, (2, 2)),
    Region("gyeongbuk", "경북", "경상북도", "North Gyeongsang", 36, 40, (3, 1)),
    Region("daegu", "대구", "대구광역시", "Daegu", 41, 43, (3, 2)),
    Region("ulsan", "울산", "울산광역시", "Ulsan", 44, 45, (4, 2)),
    Region("busan", "부산", "부산광역시", "Busan", 46, 49, (3, 3)),
    Region("gyeongnam", "경남", "경상남도", "South Gyeongsang", 50, 53, (2, 3)),
    Region("jeonbuk", "전북", "전북특별자치도", "North Jeolla", 54, 56, (1, 3)),
    Region("jeonnam", "전남", "전라남도", "South Jeolla", 57, 60, (1, 4)),
    Region("gwangju", "광주", "광주광역시", "Gwangju", 61, 62, (0, 4)),
    Region("jeju", "제주", "제주특별자치도", "Jeju", 63, 63, (0, 5)),
)

BY_CODE: dict[str, Region] = {region.code: region for region in REGIONS}
CHOICES: list[tuple[str, str]] = [(region.code, region.name_ko) for region in REGIONS]

_BY_PREFIX: dict[int, Region] = {
    prefix: region for region in REGIONS for prefix in range(region.first, region.last + 1)
}
_POSTCODE = re.compile(r"\d{5}")


def is_postcode(value: str) -> bool:
    """Five digits: the form of a Korean postcode since 2015."""
    return bool(_POSTCODE.fullmatch(value.strip()))


def region_for_postcode(postcode: str) -> Region | None:
    """The 시·도 of a 5-digit Korean postcode, or None (not 5 digits, or unallotted)."""
    value = postcode.strip()
    if not _POSTCODE.fullmatch(value):
        return None
    return _BY_PREFIX.get(int(value[:2]))
