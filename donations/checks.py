"""System checks: say when donations are off in production, or half set up."""

from django.conf import settings
from django.core import checks

from . import money

KEYS = {
    "STRIPE_SECRET_KEY": ("sk_", "rk_"),
    "STRIPE_PUBLISHABLE_KEY": ("pk_",),
    "STRIPE_WEBHOOK_SECRET": ("whsec_",),
}


@checks.register(checks.Tags.security, deploy=True)
def donations_switched_off(app_configs, **kwargs):
    if all(getattr(settings, name) for name in KEYS):
        return []
    return [
        checks.Warning(
            "Donations are switched off: STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and "
            "STRIPE_WEBHOOK_SECRET are not all set.",
            hint="Set all three to take donations, or add 'donations.W001' to "
            "SILENCED_SYSTEM_CHECKS if this site takes none.",
            id="donations.W001",
        )
    ]


@checks.register()
def stripe_keys_look_right(app_configs, **kwargs):
    errors = []
    present = [name for name in KEYS if getattr(settings, name)]
    if present and len(present) < len(KEYS):
        missing = ", ".join(name for name in KEYS if name not in present)
        errors.append(
            checks.Warning(
                f"Donations stay off until {missing} is set too.",
                id="donations.W002",
            )
        )
    for name in present:
        if not getattr(settings, name).startswith(KEYS[name]):
            errors.append(
                checks.Warning(
                    f"{name} does not look like a Stripe key of that kind "
                    f"(it should start with {' or '.join(KEYS[name])}).",
                    id="donations.W003",
                )
            )
    return errors


@checks.register()
def donation_amounts_fit_currencies(app_configs, **kwargs):
    """Limits and presets must be amounts the currency can be charged in."""
    errors = []
    for code in settings.DONATION_CURRENCIES:
        for name, table in (
            ("DONATION_LIMITS", settings.DONATION_LIMITS),
            ("DONATION_PRESETS", settings.DONATION_PRESETS),
        ):
            places = money.decimal_places(code)
            for amount in table.get(code, ()):
                if amount != round(amount, places):
                    errors.append(
                        checks.Error(
                            f"{name} has {amount} {code}, but {code} amounts take "
                            f"{places} decimal places at most.",
                            id="donations.E001",
                        )
                    )
    return errors
