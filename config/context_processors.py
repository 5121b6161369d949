from django.conf import settings


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "donations_enabled": bool(
            settings.STRIPE_SECRET_KEY
            and settings.STRIPE_PUBLISHABLE_KEY
            and settings.STRIPE_WEBHOOK_SECRET
        ),
    }
