"""Amounts of money: what donors type, what Stripe wants, and what receipts print.

Stripe takes every amount as a whole number of the currency's smallest unit. For most
currencies that is a hundredth (1250 = £12.50), for zero-decimal currencies such as the
Korean won it is the unit itself (10000 = ₩10,000), and for a few dinars a thousandth
whose last digit must be 0. Sori stores amounts in those same minor units.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
# Stripe counts thousandths but accepts only multiples of ten: two places in practice.
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Two-decimal in Stripe's API, but only whole units can be charged.
WHOLE_UNITS_ONLY = frozenset({"ISK"})

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "KRW": "₩", "JPY": "¥"}

# Plain digits with an optional decimal point, or digits grouped by commas in threes
# ("10,000", usual for won). Nothing else: no signs, exponents or decimal commas.
AMOUNT_PATTERN = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?$")


def exponent(currency: str) -> int:
    """Powers of ten between the unit and the minor unit Stripe counts in."""
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def decimal_places(currency: str) -> int:
    """How many decimal places a donor may type for this currency."""
    code = currency.upper()
    if code in ZERO_DECIMAL or code in WHOLE_UNITS_ONLY:
        return 0
    return 2


def to_minor(amount: Decimal, currency: str) -> int:
    """Major units (12.50) to Stripe's minor units (1250); exact or ValueError."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimal places than it can")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def format_money(minor: int, currency: str) -> str:
    """A readable amount: "£12.50", "₩10,000", "CHF 8.00"; in Korean, won as "10,000원".

    Korean writes won after the number ("30,000원"), which also lets the next particle
    follow a fixed syllable; other currencies keep their symbol in every language.
    """
    code = currency.upper()
    number = _number(minor, code)
    if code == "KRW" and (get_language() or "").startswith("ko"):
        return f"{number}원"
    symbol = SYMBOLS.get(code)
    return f"{symbol}{number}" if symbol else f"{code} {number}"


def _number(minor: int, code: str) -> str:
    places = decimal_places(code)
    value = from_minor(minor, code).quantize(Decimal(1).scaleb(-places))
    return f"{value:,.{places}f}"


def format_with_code(minor: int, currency: str) -> str:
    """An amount with its ISO code ("10,000 KRW"): unambiguous, and printable in our
    PDF fonts, which have no won sign. Korean receipts print won as "10,000원"."""
    code = currency.upper()
    if code == "KRW" and (get_language() or "").startswith("ko"):
        return f"{_number(minor, code)}원"
    return f"{_number(minor, code)} {code}"


def currencies() -> list[str]:
    return list(settings.DONATION_CURRENCIES)


def limits(currency: str) -> tuple[int, int]:
    """The smallest and largest gift in minor units."""
    low, high = settings.DONATION_LIMITS[currency]
    return to_minor(low, currency), to_minor(high, currency)


def presets(currency: str) -> list[int]:
    return [to_minor(amount, currency) for amount in settings.DONATION_PRESETS[currency]]


def parse_amount(text: str, currency: str) -> int:
    """What a donor typed, checked against the currency, as minor units.

    Raises ValidationError with a message that says what to change.
    """
    cleaned = (text or "").strip().replace(" ", "")
    for symbol in (*SYMBOLS.values(), currency):
        cleaned = cleaned.removeprefix(symbol)
    if not AMOUNT_PATTERN.match(cleaned):
        raise ValidationError(
            _("Enter an amount in figures, such as %(example)s.")
            % {"example": "10000" if decimal_places(currency) == 0 else "12.50"},
            code="invalid",
        )
    amount = Decimal(cleaned.replace(",", ""))
    places = decimal_places(currency)
    if -amount.as_tuple().exponent > places and amount != amount.quantize(
        Decimal(1).scaleb(-places)
    ):
        if places == 0:
            message = _("%(currency)s amounts are whole numbers, without decimals.")
        else:
            message = ngettext(
                "%(currency)s amounts have at most %(places)d decimal place.",
                "%(currency)s amounts have at most %(places)d decimal places.",
                places,
            )
        raise ValidationError(
            message % {"currency": currency, "places": places}, code="decimal_places"
        )
    minor = to_minor(amount.quantize(Decimal(1).scaleb(-places)), currency)
    low, high = limits(currency)
    if minor < low:
        raise ValidationError(
            _("The smallest gift we can take is %(minimum)s.")
            % {"minimum": format_money(low, currency)},
            code="min",
        )
    if minor > high:
        raise ValidationError(
            _("The largest gift we can take online is %(maximum)s.")
            % {"maximum": format_money(high, currency)},
            code="max",
        )
    return minor
