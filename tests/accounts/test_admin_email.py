"""Addresses typed in the admin are canonicalised like every other form's."""

from accounts.models import Supporter
from tests.conftest import enable_mfa
from tests.factories import SupporterFactory, UserFactory


def test_admin_refuses_an_address_that_cannot_be_made_canonical(client, db):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    enable_mfa(admin)
    supporter = SupporterFactory(email="jiwoo@example.org")
    client.force_login(admin)

    response = client.post(
        f"/admin/accounts/supporter/{supporter.pk}/change/",
        {
            "email": "jiwoo@example.test",
            "language": "en",
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "without hidden or unusual characters" in response.content.decode()
    assert Supporter.objects.get().email == "jiwoo@example.org"


def test_admin_stores_the_canonical_form_of_an_address(client, db):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    enable_mfa(admin)
    supporter = SupporterFactory(email="jiwoo@example.org")
    client.force_login(admin)

    response = client.post(
        f"/admin/accounts/supporter/{supporter.pk}/change/",
        {
            "email": "JiWoo@\uff25\uff38\uff21\u00ad\uff2d\uff30\uff2c\uff25.org",
            "language": "en",
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Supporter.objects.get().email == "jiwoo@example.org"
