"""The benchmarks build their database addresses with the URL's own parts."""

import pytest

from bench.common import with_database


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres:///sori", "postgres:///sori_bench"),
        ("postgres://root@127.0.0.1:5432/sori", "postgres://root@127.0.0.1:5432/sori_bench"),
        (
            "postgres:///sori?host=/var/run/postgresql",
            "postgres:///sori_bench?host=/var/run/postgresql",
        ),
    ],
)
def test_a_database_address_keeps_its_form_with_another_name(url, expected):
    assert with_database(url, "sori_bench") == expected
