"""Addresses typed in the admin are canonicalised like every other form's."""

import pytest

from accounts.models import Supporter
from tests.conftest import enable_mfa
from tests.factories import SupporterFactory, UserFactory


@pytest.fixture
def change_address(client, db):
    """POST the admin's supporter form for jiwoo@example.org with a new address."""
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    enable_mfa(admin)
    supporter = SupporterFactory(email="jiwoo@example.org")
    client.force_login(admin)

    def change(address: str):
        data = {
            "email": address,
            "language": "en",
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
        }
        return client.post(f"/admin/accounts/supporter/{supporter.pk}/change/", data)

    return change


def test_admin_refuses_an_address_that_cannot_be_made_canonical(change_address):
    response = change_address("jiwoo@example.test")

    assert response.status_code == 200
    assert "without hidden or unusual characters" in response.content.decode()
    assert Supporter.objects.get().email == "jiwoo@example.org"


def test_admin_stores_the_canonical_form_of_an_address(change_address):
    response = change_address("JiWoo@\uff25\uff38\uff21\u00ad\uff2d\uff30\uff2c\uff25.org")

    assert response.status_code == 302
    assert Supporter.objects.get().email == "jiwoo@example.org"
