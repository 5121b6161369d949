"""Every URL of the staff part (moderation, exports, delivery packs) for every kind of person.

Rules: anonymous -> sign in; no manager or staff role -> 403; staff-only pages -> 403
for managers; a petition outside a manager's campaigns -> 404 (it may be a draft whose
address must not leak); the right role without MFA -> MFA set-up; otherwise the page
(200, or 302 after a POST that worked).
"""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts import roles
from petitions.models import DeliveryPack, ModerationAction
from tests.factories import UserFactory
from tests.staff.conftest import recount, sign

URLS = [
    # (method, path, who may: "staff" or "managers")
    ("get", "/en/manage/moderation/", "staff"),
    ("get", "/en/manage/moderation/bulk/", "staff"),
    ("post", "/en/manage/moderation/bulk/apply/", "staff"),
    ("get", "/en/manage/moderation/actions/", "staff"),
    ("get", "/en/manage/moderation/actions/{action}/", "staff"),
    ("post", "/en/manage/moderation/actions/{action}/undo/", "staff"),
    ("get", "/en/manage/moderation/trending/", "staff"),
    ("get", "/en/manage/petitions/free-them/export/", "managers"),
    ("get", "/en/manage/petitions/free-them/export/signatures.csv", "managers"),
    ("post", "/en/manage/petitions/free-them/export/packs/", "managers"),
    ("get", "/en/manage/petitions/free-them/export/packs/{pack}/", "managers"),
    ("get", "/en/manage/petitions/free-them/export/packs/{pack}/pack.pdf", "managers"),
    ("get", "/en/manage/petitions/free-them/export/packs/{pack}/list.csv", "managers"),
    ("post", "/en/manage/petitions/free-them/export/packs/{pack}/cancel/", "managers"),
]

# Exact outcomes: (status, where a redirect goes) per person and kind of page.
EXPECTED = {
    "anonymous": {"staff": (302, "login"), "managers": (302, "login")},
    "supporter": {"staff": (403, None), "managers": (403, None)},
    "other_manager": {"staff": (403, None), "managers": (404, None)},
    "manager": {"staff": (403, None), "managers": (200, None)},
    "staff_without_mfa": {"staff": (302, "mfa"), "managers": (302, "mfa")},
    "staff": {"staff": (200, None), "managers": (200, None)},
}
POST_SUCCESS = {
    "/en/manage/moderation/bulk/apply/": (302, "/en/manage/moderation/actions/"),
    "/en/manage/moderation/actions/{action}/undo/": (302, "/en/manage/moderation/actions/"),
    "/en/manage/petitions/free-them/export/packs/": (
        302,
        "/en/manage/petitions/free-them/export/packs/",
    ),
    "/en/manage/petitions/free-them/export/packs/{pack}/cancel/": (
        302,
        "/en/manage/petitions/free-them/export/packs/",
    ),
}


@pytest.fixture
def world(petition, bob):
    signature = sign(petition, "Ji-woo", "Kim", status="review", review_reason="rate_ip")
    sign(petition, "Min", "Park", display="full")
    recount()
    action = ModerationAction.objects.create(kind="release", moved=0, criteria={})
    # A finished pack (test_delivery.py builds real ones); its files are stand-ins.
    pack = DeliveryPack.objects.create(petition=petition, created_by=bob, status="done", total=1)
    pack.file.save("packs/matrix.pdf", ContentFile(b"%PDF-1.7 stand-in"), save=False)
    pack.manifest.save("packs/matrix.csv", ContentFile(b"number,name\n"), save=False)
    pack.save()
    return {"action": action.pk, "pack": pack.pk, "signature": signature}


@pytest.fixture
def people(alice, bob, carol, mallory):
    return {
        "anonymous": None,
        "supporter": alice,
        "other_manager": mallory,
        "manager": bob,
        "staff_without_mfa": UserFactory(email="nomfa@example.org", groups=[roles.STAFF]),
        "staff": carol,
    }


def post_data(path: str) -> dict:
    if path.endswith("/bulk/apply/"):
        from petitions.staff.moderation import Criteria, fingerprint, matching

        criteria = Criteria(kind="release", review_reason="rate_ip")
        pks = matching(criteria).values_list("pk", flat=True)
        return {"action": "release", "review_reason": "rate_ip", "fingerprint": fingerprint(pks)}
    if path.endswith("/packs/"):
        return {"language": "en"}
    return {}


@pytest.mark.parametrize("person", list(EXPECTED))
@pytest.mark.parametrize(("method", "template", "allowed"), URLS)
def test_permission_matrix(client, world, people, person, method, template, allowed):
    path = template.format(**world)
    user = people[person]
    if user is not None:
        client.force_login(user)

    response = getattr(client, method)(path, post_data(path) if method == "post" else None)

    response.close()
    status, where = EXPECTED[person][allowed]
    if (status, method) == (200, "post"):
        status, where = POST_SUCCESS[template]
    assert response.status_code == status
    if where == "login":
        assert response.url == f"{reverse('account_login')}?next={quote(path)}"
    elif where == "mfa":
        assert response.url == f"{reverse('accounts:mfa_required')}?next={quote(path, safe='')}"
    elif where:
        assert response.url.startswith(where)
