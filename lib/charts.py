"""Small server-rendered SVG charts: no JavaScript, no inline styles, readable by all.

Every chart is paired in the page with a data table holding the same numbers, for
screen readers and for anyone who wants the figures.
"""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def bar_chart_svg(
    points: Sequence[tuple[str, int]],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
    chart_id: str = "chart",
) -> SafeString:
    """A vertical bar chart of (label, value) pairs as an accessible SVG element."""
    top = max((value for _, value in points), default=0) or 1
    gap = 2
    plot_height = height - 24
    bar_width = max(1.0, (width - gap * len(points)) / max(len(points), 1))
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = round(plot_height * value / top, 1)
        x = round(index * (bar_width + gap), 1)
        y = round(plot_height - bar_height, 1)
        bars.append((x, y, round(bar_width, 1), bar_height, f"{label}: {value:,}"))
    first = points[0][0] if points else ""
    last = points[-1][0] if points else ""
    return format_html(
        '<svg class="chart" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title>'
        '<line x1="0" y1="{}" x2="{}" y2="{}" class="chart-axis"/>'
        "{}"
        '<text x="0" y="{}" class="chart-label">{}</text>'
        '<text x="{}" y="{}" class="chart-label" text-anchor="end">{}</text>'
        '<text x="{}" y="12" class="chart-label" text-anchor="end">{}</text>'
        "</svg>",
        chart_id,
        width,
        height,
        chart_id,
        chart_id,
        title,
        plot_height,
        width,
        plot_height,
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar"><title>{}</title></rect>',
            bars,
        ),
        height - 4,
        first,
        width,
        height - 4,
        last,
        width,
        f"{top:,}",
    )


def tile_map_svg(
    tiles: Sequence[tuple[int, int, str, str, int]],
    *,
    title: str,
    chart_id: str = "tile-map",
    size: int = 64,
) -> SafeString:
    """A tile-grid map: one square per area at (column, row), shaded by its value.

    ``tiles`` holds (column, row, name, short label, value). The shade is a
    ``fill-opacity`` attribute (a presentation attribute, not a style: the CSP holds),
    from faint for none to 0.6 for the largest value; each tile's title gives the
    name and the figure, and the page pairs the map with a table of the same numbers.
    """
    top = max((value for *_, value in tiles), default=0) or 1
    columns = max((column for column, *_ in tiles), default=0) + 1
    rows = max((row for _, row, *_ in tiles), default=0) + 1
    gap = 4
    cells = []
    for column, row, name, short, value in tiles:
        x, y = column * (size + gap), row * (size + gap)
        # At most 0.6, so the dark labels keep a contrast above 4.5:1 on every tile.
        opacity = round(0.08 + 0.52 * value / top, 2) if value else 0.08
        cells.append(
            (
                x,
                y,
                size,
                size,
                opacity,
                f"{name}: {value:,}",
                x + size / 2,
                y + size / 2 - 4,
                short,
                x + size / 2,
                y + size / 2 + 12,
                f"{value:,}",
            )
        )
    return format_html(
        '<svg class="tile-map" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>{}</svg>',
        chart_id,
        columns * (size + gap) - gap,
        rows * (size + gap) - gap,
        chart_id,
        chart_id,
        title,
        format_html_join(
            "",
            '<g class="tile"><rect x="{}" y="{}" width="{}" height="{}" rx="4" '
            'class="tile-fill" fill-opacity="{}"><title>{}</title></rect>'
            '<text x="{}" y="{}" class="tile-label" text-anchor="middle">{}</text>'
            '<text x="{}" y="{}" class="tile-value" text-anchor="middle">{}</text></g>',
            cells,
        ),
    )
