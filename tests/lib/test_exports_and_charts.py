import csv
import io

import pytest
from django.db import connection

from lib.charts import bar_chart_svg
from lib.exports import neutralise, neutralise_sql, stream_csv

HOSTILE = [
    '=HYPERLINK("http://x")',
    "@SUM(1+1)",
    "+1",
    "-2",
    "\tx",
    "\rx",
    "\nx",
    "\r=1",
    "Ji\x1b]0;owned\x07woo\x1b[2J",
    "a\x7fb\x9bc\r\nd",
    "ok",
    "",
    None,
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("+82 10", "'+82 10"),
        ("-5", "'-5"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "CR"),
        ("\r=1", "'=1"),
        ("Ji\x1b]0;owned\x07woo\x1b[2J", "Ji]0;ownedwoo[2J"),
        ("line\x00\x7f\x9b one\r\n\tline two", "line one\n\tline two"),
        ("\nLF", "'\nLF"),
        ("Kim = leader", "Kim = leader"),
        ("김지우", "김지우"),
        (None, ""),
        (42, "42"),
    ],
)
def test_neutralise_makes_formulas_inert(value, expected):
    assert neutralise(value) == expected


def test_stream_csv_gives_exact_bytes_with_and_without_bom():
    rows = [["Ji-woo", "=1+1"], ["김", "@x"]]

    plain = "".join(stream_csv(["name", "note"], rows))
    excel = "".join(stream_csv(["name", "note"], rows, excel=True))

    assert plain == "name,note\r\nJi-woo,'=1+1\r\n김,'@x\r\n"
    assert excel == "\ufeff" + plain


def test_stream_csv_batches_rows_and_quotes_properly():
    rows = ([str(i), 'say "hi", then\nleave'] for i in range(5))

    chunks = list(stream_csv(["n", "text"], rows, batch=2))

    assert len(chunks) == 3
    parsed = list(csv.reader(io.StringIO("".join(chunks))))
    assert parsed[1] == ["0", 'say "hi", then\nleave']
    assert len(parsed) == 6


@pytest.mark.django_db
def test_sql_twin_neutralises_exactly_like_python():
    if connection.vendor != "postgresql":
        pytest.skip("the SQL twin is PostgreSQL's")
    values = [v for v in HOSTILE if v is not None]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {neutralise_sql('v')} FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) "
            "ORDER BY n",
            [values],
        )
        from_sql = [row[0] for row in cursor.fetchall()]

    assert from_sql == [neutralise(v) for v in values]


def test_bar_chart_is_accessible_svg_without_inline_style():
    svg = bar_chart_svg([("2026-11-01", 3), ("2026-11-02", 6)], title="Signatures <per> day")

    assert svg.startswith('<svg class="chart" id="chart"')
    assert (
        'role="img"' in svg and '<title id="chart-title">Signatures &lt;per&gt; day</title>' in svg
    )
    assert svg.count('class="chart-bar"') == 2
    assert "<title>2026-11-02: 6</title>" in svg
    assert "style=" not in svg


def test_bar_chart_of_nothing_is_still_valid():
    svg = bar_chart_svg([], title="Empty")

    assert "chart-bar" not in svg and svg.endswith("</svg>")
