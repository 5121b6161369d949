"""Pages and the API that read anonymised rows still work, and name nobody."""

from django.test import Client

from accounts.retention import apply_retention
from petitions.models import Petition
from petitions.signatures import reconcile_counts
from tests.api.conftest import ApiClient, token_for
from tests.factories import PetitionFactory, SignatureFactory, SupporterFactory

from .conftest import NOW, days_ago


def test_the_petition_page_and_the_api_after_retention(campaign, carol):
    petition = PetitionFactory(
        campaign=campaign,
        slug="ended",
        status=Petition.Status.CLOSED,
        closed_at=days_ago(200),
    )
    SignatureFactory(
        petition=petition,
        supporter=SupporterFactory(first_name="Ji-woo", last_name="Kim"),
        display="full",
        comment="Because",
        created_at=days_ago(300),
    )
    reconcile_counts(fix=True)
    api = ApiClient(token_for(carol, "read"))

    apply_retention(now=NOW)

    page = Client().get("/en/petitions/ended/")
    signed = api.get(f"/api/v1/petitions/{petition.pk}/signatures").json()
    assert page.status_code == 200
    assert "Ji-woo" not in page.content.decode()
    [member] = signed["_embedded"]["osdi:signatures"]
    assert member["comments"] == ""
    assert member["_links"]["osdi:person"] is None
    assert signed["total_records"] == 1
