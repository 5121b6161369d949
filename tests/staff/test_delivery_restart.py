"""A pack being built when a listed signer leaves starts again without them."""

import io

from pypdf import PdfReader

from accounts.services import erase_supporter
from petitions.models import DeliveryPack
from petitions.signatures import withdraw_signature
from tests.interleave import after_progress
from tests.staff.conftest import at, recount, sign

PACKS = "/en/manage/petitions/free-them/export/packs/"


def signers(petition):
    rows = [
        sign(
            petition, "Ji-woo", "Kim", display="full", city="Busan", country="KR", created_at=at(1)
        )
    ]
    for n in (1, 2):
        rows.append(
            sign(
                petition,
                f"Signer{n}",
                "Lee",
                display="full",
                city="Daegu",
                country="KR",
                created_at=at(2),
            )
        )
    recount()
    return rows


def build_while(client, user, django_capture_on_commit_callbacks, action):
    """Start a pack; ``action`` runs in the middle of its build, between two steps."""
    client.force_login(user)
    with (
        after_progress("petitions_deliverypack", action) as fired,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(PACKS, {"language": "en", "cover_letter": ""})
    assert fired == [True]
    return DeliveryPack.objects.get()


def pack_text(pack) -> tuple[str, str]:
    with pack.file.open("rb") as handle:
        pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    with pack.manifest.open("rb") as handle:
        return pdf, handle.read().decode()


def test_a_signature_withdrawn_during_the_build_is_not_in_the_finished_pack(
    client, bob, petition, django_capture_on_commit_callbacks
):
    rows = signers(petition)

    pack = build_while(
        client,
        bob,
        django_capture_on_commit_callbacks,
        lambda: withdraw_signature(signature=rows[0]),
    )

    pdf, manifest = pack_text(pack)
    assert (pack.status, pack.expected, pack.total, pack.progress) == ("done", 2, 2, 2)
    assert "Ji-woo" not in pdf and "Kim" not in pdf and "Busan" not in pdf
    assert "Signer1 Lee" in pdf and "Signer2 Lee" in pdf
    assert manifest.splitlines() == [
        "number,name,city,country,signed_on",
        "1,Signer1 Lee,Daegu,KR,2026-11-02",
        "2,Signer2 Lee,Daegu,KR,2026-11-02",
    ]


def test_a_signer_erased_during_the_build_is_not_in_the_finished_pack(
    client, bob, petition, django_capture_on_commit_callbacks
):
    rows = signers(petition)

    pack = build_while(
        client,
        bob,
        django_capture_on_commit_callbacks,
        lambda: erase_supporter(supporter=rows[0].supporter),
    )

    pdf, manifest = pack_text(pack)
    assert (pack.status, pack.total) == ("done", 2)
    assert "Ji-woo" not in pdf and "Ji-woo" not in manifest


def test_a_pack_cancelled_during_the_build_stops_and_keeps_nothing(
    client, bob, petition, django_capture_on_commit_callbacks
):
    signers(petition)

    pack = build_while(
        client,
        bob,
        django_capture_on_commit_callbacks,
        lambda: client.post(f"{PACKS}{DeliveryPack.objects.get().pk}/cancel/"),
    )

    pack.refresh_from_db()
    assert (pack.status, bool(pack.file), bool(pack.manifest)) == ("cancelled", False, False)
    assert pack.finished_at is not None
    page = client.get(f"{PACKS}{pack.pk}/").content.decode()
    assert "Cancel this pack" not in page


def test_cancelling_a_finished_pack_changes_nothing(
    client, bob, petition, django_capture_on_commit_callbacks
):
    signers(petition)
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PACKS, {"language": "en", "cover_letter": ""})
    pack = DeliveryPack.objects.get()

    response = client.post(f"{PACKS}{pack.pk}/cancel/", follow=True)

    pack.refresh_from_db()
    assert (pack.status, bool(pack.file)) == ("done", True)
    assert "This delivery pack had already finished." in response.content.decode()
