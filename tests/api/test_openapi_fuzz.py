"""Schemathesis against /api/v1/openapi.json: generated requests to every operation find
no 5xx answer and no answer that breaks the description. Bounded (a few examples per
operation) so that it runs in every `make test`."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.models import ApiToken
from petitions.signatures import reconcile_counts
from tests.factories import (
    LetterActionFactory,
    LetterFactory,
    PaymentFactory,
    PetitionFactory,
    SignatureFactory,
)

handler = get_wsgi_application()


def app(environ, start_response):
    """Django's WSGI handler, run as its test client runs it: the test's database
    connection (and its transaction) stays open across requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = handler(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return [body]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def token(carol, campaign):
    # Rows for the generated ids to find now and then (ids start at 1 in a fresh table).
    petition = PetitionFactory(campaign=campaign)
    SignatureFactory.create_batch(3, petition=petition)
    reconcile_counts()
    LetterFactory(action=LetterActionFactory(campaign=campaign))
    PaymentFactory(donation__campaign=campaign)
    return ApiToken.issue(owner=carol, name="fuzz", scope="write")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_description(case, token):
    case.call_and_validate(headers={"OSDI-API-Token": token}, checks=CHECKS)
