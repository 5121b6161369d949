"""How a delivery pack's pages are drawn: the signer list (48 rows a page, every name
fitted to its cell verbatim) and the closing page with the list's SHA-256.

Pure drawing on a ``lib.pdfstream.PdfStream``; ``delivery.write_pack`` decides what goes
on the pages.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from lib.pdfstream import A4, FontSet, PdfStream

ROWS_PER_PAGE = 48


class ListLayout:
    """The signer list on A4: 48 rows a page under a title and column headings."""

    LEFT, RIGHT = 42.0, A4[0] - 42.0
    # (x, width) of name, town, country, date; the number is right-aligned before them.
    # The date is the language's short form ("2026. 12. 2.", "2 Dec 2026").
    NUMBER_RIGHT = 84.0
    CELLS = ((92.0, 192.0), (290.0, 108.0), (404.0, 90.0), (500.0, 53.28))
    TOP = A4[1] - 44.0
    ROW = 14.5
    SIZE = 9.0

    def __init__(self, writer: PdfStream, words: dict, title: str):
        self.writer = writer
        self.words = words
        self.title = words["list_title"].format(title=title)
        self.fonts = writer.fonts
        self.index = 0

    def _page_head(self) -> None:
        writer = self.writer
        writer.new_page()
        self._fit(self.LEFT, self.TOP, self.title, self.RIGHT - self.LEFT, size=11)
        y = self.TOP - 20
        labels = self.words["columns"]
        writer.raw(b"0.35 g")
        self._right(self.NUMBER_RIGHT, y, labels[0], 7.5)
        for (x, width), label in zip(self.CELLS, labels[1:], strict=True):
            self._fit(x, y, label, width, size=7.5)
        writer.raw(b"0 g")
        writer.line(self.LEFT, y - 4, self.RIGHT, y - 4, width=0.6, grey=0.2)

    def row(self, number: int, name: str, city: str, country: str, day: str) -> None:
        slot = self.index % ROWS_PER_PAGE
        if slot == 0:
            self._page_head()
        self.index += 1
        y = self.TOP - 38 - slot * self.ROW
        self._right(self.NUMBER_RIGHT, y, f"{number:,}", 8)
        (name_x, name_w), (city_x, city_w), (country_x, country_w), (day_x, day_w) = self.CELLS
        if name:
            self._fit(name_x, y, name, name_w)
        else:
            self.writer.raw(b"0.4 g")
            self._fit(name_x, y, self.words["withheld"], name_w)
            self.writer.raw(b"0 g")
        self._fit(city_x, y, city, city_w)
        self._fit(country_x, y, country, country_w)
        self._fit(day_x, y, day, day_w, size=8)
        self.writer.line(self.LEFT, y - 4.2, self.RIGHT, y - 4.2, width=0.25, grey=0.82)

    def _right(self, right: float, y: float, text: str, size: float) -> None:
        self.writer.text(right - self.fonts.width(text, size), y, text, size)

    def _fit(self, x: float, y: float, text: str, width: float, size: float | None = None) -> None:
        """Draw ``text`` whole inside ``width``: smaller, then on 2 or 3 lines, then squeezed."""
        if not text:
            return
        size = size or self.SIZE
        measured = self.fonts.width(text, size)
        if measured <= width:
            self.writer.text(x, y, text, size)
            return
        smaller = size * width / measured
        if smaller >= 6.5:
            self.writer.text(x, y, text, smaller)
            return
        lines: list[str] = []
        for count, line_size, leading in ((2, 6.5, 6.8), (3, 4.6, 4.7)):  # noqa: B007
            lines = _wrap(text, width, line_size, self.fonts)
            if len(lines) <= count:
                break
        else:
            lines = _split_evenly(text, 3)
        top = y + leading * (len(lines) - 1) / 2 + 1
        for index, line in enumerate(lines):
            line_width = self.fonts.width(line, line_size)
            scale = min(100.0, 100.0 * width / line_width) if line_width else 100.0
            self.writer.text(x, top - index * leading, line, line_size, scale=scale)


def _wrap(text: str, width: float, size: float, fonts: FontSet) -> list[str]:
    """Greedy line breaking at spaces; a word wider than the line is broken anywhere."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if fonts.width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if fonts.width(current + char, size) > width and current:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def _split_evenly(text: str, count: int) -> list[str]:
    size = -(-len(text) // count)
    return [text[i : i + size] for i in range(0, len(text), size)]


def closing_page(
    writer: PdfStream, words: dict, *, total: int, first: int, last: int, sha256: str
) -> None:
    """The last page: the end of the list, how many, and the SHA-256 with its definition."""
    writer.new_page()
    fonts = writer.fonts
    x, width = 56.0, A4[0] - 112.0
    y = A4[1] - 80.0
    writer.text(x, y, words["end"], 16)
    y -= 30
    count = words["end_count"].format(count=f"{total:,}", first=f"{first:,}", last=f"{last:,}")
    for line in _wrap(count, width, 10, fonts):
        writer.text(x, y, line, 10)
        y -= 14
    y -= 22
    writer.text(x, y, words["hash_label"], 10)
    y -= 18
    writer.text(x, y, sha256, 9.5)
    y -= 30
    explained = words["hash_explained"].format(organisation=settings.ORGANISATION_NAME)
    for line in _wrap(explained, width, 9, fonts):
        writer.text(x, y, line, 9)
        y -= 13
    y -= 20
    made = words["made"].format(
        organisation=settings.ORGANISATION_NAME,
        date=date_format(timezone.localdate(), "DATE_FORMAT"),
    )
    writer.text(x, y, made, 9)
