from django.conf import settings

from donations.stripe_api import donations_enabled


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "donations_enabled": donations_enabled(),
    }
