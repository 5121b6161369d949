"""Minor units, parsing and formatting, and the settings that feed them."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from donations import money
from donations.checks import donation_amounts_fit_currencies
from lib.env import env_decimal_table


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12.50", "GBP", 1250),
        ("10000", "KRW", 10000),
        ("500", "JPY", 500),
        ("1.25", "BHD", 1250),
        ("1000", "ISK", 100000),
    ],
)
def test_amounts_become_stripes_minor_units_and_back(amount, currency, minor):
    assert money.to_minor(Decimal(amount), currency) == minor
    assert money.from_minor(minor, currency) == Decimal(amount)


def test_an_amount_finer_than_the_currency_cannot_be_converted():
    with pytest.raises(ValueError):
        money.to_minor(Decimal("100.5"), "KRW")


@pytest.mark.parametrize(
    ("minor", "currency", "text", "with_code"),
    [
        (1250, "GBP", "£12.50", "12.50 GBP"),
        (10000000, "KRW", "₩10,000,000", "10,000,000 KRW"),
        (1250, "BHD", "BHD 1.25", "1.25 BHD"),
        (99, "CHF", "CHF 0.99", "0.99 CHF"),
    ],
)
def test_amounts_are_formatted_for_people(minor, currency, text, with_code):
    assert money.format_money(minor, currency) == text
    assert money.format_with_code(minor, currency) == with_code


def test_a_decimal_table_reads_the_environment_over_the_defaults(monkeypatch):
    monkeypatch.setenv("TEST_TABLE", "krw=2000,5000000; JPY=100,100000")

    table = env_decimal_table("TEST_TABLE", {"GBP": ("1", "10"), "KRW": ("1", "2")})

    assert table == {
        "GBP": (Decimal("1"), Decimal("10")),
        "KRW": (Decimal("2000"), Decimal("5000000")),
        "JPY": (Decimal("100"), Decimal("100000")),
    }


@pytest.mark.parametrize("raw", ["GBP", "GBP=", "=1,2", "GBP=1,abc", "GBP=NaN,1", "GBP=1,Infinity"])
def test_a_malformed_decimal_table_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("TEST_TABLE", raw)

    with pytest.raises(ImproperlyConfigured, match=r"^TEST_TABLE "):
        env_decimal_table("TEST_TABLE", {})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DONATION_LIMITS": "GBP=10,1"}, "DONATION_LIMITS needs 'GBP=minimum,maximum'"),
        ({"DONATION_CURRENCIES": "GBP,JPY"}, "DONATION_LIMITS needs 'JPY=minimum,maximum'"),
        ({"DONATION_PRESETS": "GBP=5,50000"}, "DONATION_PRESETS needs amounts for GBP"),
        ({"DONATION_CURRENCIES": "POUNDS"}, "DONATION_CURRENCIES must list ISO codes"),
    ],
)
def test_settings_refuse_to_start_with_impossible_amounts(env, message):
    environment = {**os.environ, "SECRET_KEY": "x", **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert message in result.stderr


def test_amounts_a_currency_cannot_take_fail_the_checks(settings):
    settings.DONATION_PRESETS = {**settings.DONATION_PRESETS, "KRW": (Decimal("1000.5"),)}

    errors = donation_amounts_fit_currencies(None)

    assert [e.msg for e in errors] == [
        "DONATION_PRESETS has 1000.5 KRW, but KRW amounts take 0 decimal places at most."
    ]
