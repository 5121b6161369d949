"""Who may do what with a token: owner x scope x resource, every answer exact."""

import pytest

from petitions.signatures import reconcile_counts
from tests.factories import (
    LetterActionFactory,
    LetterFactory,
    PaymentFactory,
    PetitionFactory,
    SignatureFactory,
)

from .conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db

OWNERS = ["staff", "manager", "other_manager", "no_role"]


def _person(n: int) -> dict:
    return {
        "person": {
            "given_name": "Ji-woo",
            "family_name": "Kim",
            "email_addresses": [{"address": f"matrix{n}@example.org"}],
            "postal_addresses": [{"country": "KR", "locality": "Busan"}],
        }
    }


# resource -> (method, expected by owner for a read token, for a write token)
MATRIX = {
    "petition": ("GET", [200, 200, 404, 403], [200, 200, 404, 403]),
    "signatures": ("GET", [200, 200, 404, 403], [200, 200, 404, 403]),
    "person": ("GET", [200, 200, 404, 403], [200, 200, 404, 403]),
    "donation": ("GET", [200, 200, 404, 403], [200, 200, 404, 403]),
    "outreaches": ("GET", [200, 200, 404, 403], [200, 200, 404, 403]),
    "tag": ("GET", [200, 200, 404, 403], [200, 200, 404, 403]),
    "record_signature": ("POST", [403, 403, 403, 403], [200, 200, 404, 403]),
    "record_outreach": ("POST", [403, 403, 403, 403], [200, 200, 404, 403]),
    "person_signup": ("POST", [403, 403, 403, 403], [200, 403, 403, 403]),
}


@pytest.fixture
def world(campaign):
    petition = PetitionFactory(campaign=campaign)
    signature = SignatureFactory(petition=petition)
    reconcile_counts()
    action = LetterActionFactory(campaign=campaign)
    LetterFactory(action=action)
    payment = PaymentFactory(donation__campaign=campaign)
    return {
        "petition": f"/api/v1/petitions/{petition.pk}",
        "signatures": f"/api/v1/petitions/{petition.pk}/signatures",
        "person": f"/api/v1/people/{signature.supporter_id}",
        "donation": f"/api/v1/donations/{payment.pk}",
        "outreaches": f"/api/v1/advocacy_campaigns/{action.pk}/outreaches",
        "tag": f"/api/v1/tags/{campaign.pk}",
        "record_signature": f"/api/v1/petitions/{petition.pk}/signatures",
        "record_outreach": f"/api/v1/advocacy_campaigns/{action.pk}/outreaches",
        "person_signup": "/api/v1/people",
    }


@pytest.mark.parametrize("resource", list(MATRIX))
@pytest.mark.parametrize("scope", ["read", "write"])
def test_permission_matrix(world, resource, scope, carol, bob, mallory, alice):
    users = {"staff": carol, "manager": bob, "other_manager": mallory, "no_role": alice}
    method, read_answers, write_answers = MATRIX[resource]
    expected = dict(zip(OWNERS, read_answers if scope == "read" else write_answers, strict=True))

    answers = {}
    for n, owner in enumerate(OWNERS):
        client = ApiClient(token_for(users[owner], scope))
        if method == "GET":
            answers[owner] = client.get(world[resource]).status_code
        else:
            answers[owner] = client.post(world[resource], _person(n)).status_code

    assert answers == expected
