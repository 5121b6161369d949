import pytest
from django.core import mail

from tests.stripe_fake import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, FakeStripe, post_event


@pytest.fixture
def stripe_fake(settings, db):
    """Donations switched on, with Stripe's network edge replaced by FakeStripe."""
    fake = FakeStripe()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_HTTP_CLIENT = lambda: fake
    return fake


@pytest.fixture
def webhook(client, stripe_fake, django_capture_on_commit_callbacks):
    """Deliver a webhook as Stripe does, then run what commits schedule (the tasks)."""

    def deliver(payload, **signing):
        with django_capture_on_commit_callbacks(execute=True):
            return post_event(client, payload, **signing)

    return deliver


@pytest.fixture
def outbox(db):
    """Django's test outbox. (pytest-django's ``mailoutbox`` returns a detached list
    under Django 6.1's MAILERS, so it would always look empty.)"""
    mail.outbox = []
    return mail.outbox
