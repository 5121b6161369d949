"""Delivery packs: the job, the PDF's content and page numbers, the manifest hash, access."""

import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from accounts.models import AuditEntry
from petitions.models import DeliveryPack
from petitions.staff.delivery import MANIFEST_HEADER, listed_row, manifest_line, pack_signatures
from petitions.staff.exports import csv_line
from tests.factories import TargetFactory
from tests.staff.conftest import at, recount, sign

EXPORT = "/en/manage/petitions/free-them/export/"
PACKS = "/en/manage/petitions/free-them/export/packs/"


@pytest.fixture
def signers(petition):
    petition.targets.add(
        TargetFactory(name="The Minister of Justice", salutation_en="Dear Minister")
    )
    rows = [
        sign(
            petition,
            "Ji-woo",
            "Kim",
            email="jiwoo@example.org",
            display="full",
            city="Busan",
            country="KR",
            created_at=at(1),
        ),
        sign(
            petition,
            '=HYPERLINK("http://x")',
            "",
            email="formula@example.org",
            display="full",
            city="@SUM(1+1)",
            country="GB",
            created_at=at(2),
        ),
        sign(
            petition,
            "<b>Bold</b>",
            "& Co",
            email="html@example.org",
            display="full",
            city="London",
            country="GB",
            created_at=at(3),
        ),
        sign(
            petition,
            "Secret",
            "Person",
            email="secret@example.org",
            display="hidden",
            city="Smalltown",
            country="KR",
            created_at=at(4),
        ),
        sign(
            petition,
            "지우",
            "김",
            email="korean@example.org",
            display="initials",
            city="서울",
            country="KR",
            created_at=at(5),
        ),
        sign(
            petition,
            "Not",
            "Confirmed",
            email="pending@example.org",
            status="pending",
            country="US",
            created_at=at(6),
        ),
    ]
    # 50 more, so that the list runs over two pages of 48.
    for n in range(50):
        sign(
            petition,
            f"Signer{n:02d}",
            "Lee",
            email=f"s{n}@example.org",
            display="full",
            city="Daegu",
            country="KR",
            created_at=at(7, 0, n),
        )
    recount()
    return rows


@pytest.fixture
def make_pack(client, django_capture_on_commit_callbacks):
    """Start a pack as ``user``; the build task runs when the request commits."""

    def make(user, **data):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(PACKS, {"language": "en", "cover_letter": "", **data})

    return make


def pdf_pages(pack) -> list[str]:
    with pack.file.open("rb") as handle:
        return [page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages]


def test_manager_makes_a_pack_and_it_lists_only_what_signers_agreed_to_show(
    client, bob, signers, make_pack
):
    response = make_pack(bob)

    pack = DeliveryPack.objects.get()
    assert response.status_code == 302 and response.url == f"{PACKS}{pack.pk}/"
    assert (pack.status, pack.expected, pack.total, pack.progress) == ("done", 55, 55, 55)
    pages = pdf_pages(pack)
    assert pack.page_count == len(pages) == 2 + 2 + 1  # cover, summary, 2 list pages, closing
    text = "\n".join(pages)
    assert "Dear Minister" in pages[0] and "55 people who signed the petition" in pages[0]
    assert "The Minister of Justice" in pages[0]
    assert "Ji-woo Kim" in text
    assert '=HYPERLINK("http://x")' in text and "@SUM(1+1)" in text
    assert "<b>Bold</b> & Co" in text
    assert "김**" in text  # Hangul initials: the family name, the given name masked
    assert "Name withheld" in text and "Secret" not in text and "Smalltown" not in text
    assert "Not Confirmed" not in text
    assert "@example.org" not in text


def test_every_page_is_numbered_over_the_whole_pack(client, bob, signers, make_pack):
    make_pack(bob)

    pages = pdf_pages(DeliveryPack.objects.get())

    assert [re.search(r"Page (\d+) of (\d+)", page).groups() for page in pages] == [
        (str(n), "5") for n in range(1, 6)
    ]


def test_summary_gives_the_total_and_counts_by_country(client, bob, signers, make_pack):
    make_pack(bob)

    summary = pdf_pages(DeliveryPack.objects.get())[1]

    assert "Signatures 55" in summary
    assert "South Korea 53 96.4%" in summary
    assert "United Kingdom 2 3.6%" in summary
    assert "Signed between 1 November 2026 and 7 November 2026" in summary


def test_the_hash_on_the_last_page_is_the_sha256_of_the_listed_rows(
    client, bob, petition, signers, make_pack
):
    make_pack(bob)
    pack = DeliveryPack.objects.get()

    lines = [csv_line(MANIFEST_HEADER)]
    for number, (display, first, last, city, country, created_at) in enumerate(
        pack_signatures(petition), start=1
    ):
        name, city, country = listed_row(display, first, last, city, country)
        lines.append(manifest_line(number, name, city, country, created_at.date().isoformat()))
    recomputed = hashlib.sha256("".join(lines).encode()).hexdigest()

    assert pack.sha256 == recomputed
    with pack.manifest.open("rb") as handle:
        manifest = handle.read()
    assert hashlib.sha256(manifest).hexdigest() == recomputed
    assert manifest.decode().splitlines()[1:5] == [
        "1,Ji-woo Kim,Busan,KR,2026-11-01",
        '2,"\'=HYPERLINK(""http://x"")",\'@SUM(1+1),GB,2026-11-02',
        "3,<b>Bold</b> & Co,London,GB,2026-11-03",
        "4,,,,2026-11-04",
    ]
    closing = pdf_pages(pack)[-1]
    assert recomputed in closing
    assert "This list holds 55 signatures, on pages 3 to 4." in closing


def test_a_korean_pack_uses_korean_words(client, bob, signers, make_pack):
    make_pack(bob, language="ko", cover_letter="장관님,\n\n서명자 명단을 전달합니다.")

    pages = pdf_pages(DeliveryPack.objects.get())

    assert "서명자 명단을 전달합니다." in pages[0]
    assert "1 / 5쪽" in pages[0] and "이름 비공개" in pages[2]


def test_downloads_are_audited(client, bob, signers, make_pack):
    make_pack(bob)
    pack = DeliveryPack.objects.get()

    pdf = client.get(f"{PACKS}{pack.pk}/pack.pdf")
    listed = client.get(f"{PACKS}{pack.pk}/list.csv")

    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert b"".join(listed.streaming_content).startswith(b"number,name,city,country,signed_on\n")
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "rows"))
    assert actions == [
        ("export.signatures.pack_build", 55),
        ("export.signatures.pack_pdf", 55),
        ("export.signatures.pack_list", 55),
    ]


def test_pack_page_shows_progress_and_links(client, bob, signers, make_pack):
    make_pack(bob)
    pack = DeliveryPack.objects.get()

    page = client.get(f"{PACKS}{pack.pk}/")
    fragment = client.get(f"{PACKS}{pack.pk}/", headers={"HX-Request": "true"})

    assert "55 of 55 signatures" in page.content.decode()
    assert pack.sha256 in page.content.decode()
    assert fragment.content.decode().lstrip().startswith('<section id="pack-progress"')


def test_a_petition_without_confirmed_signatures_has_nothing_to_deliver(
    client, bob, petition, make_pack
):
    sign(petition, "Not", "Yet", status="pending")

    response = make_pack(bob)

    assert response.status_code == 302
    follow = client.get(response.url)
    assert "This petition has no confirmed signatures yet" in follow.content.decode()
    assert not DeliveryPack.objects.exists()


def test_a_failed_build_keeps_the_error_and_no_file(client, bob, signers, monkeypatch, make_pack):
    from petitions.staff import delivery

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(delivery, "_front_matter", broken)

    make_pack(bob)

    pack = DeliveryPack.objects.get()
    assert (pack.status, pack.error, bool(pack.file)) == ("failed", "OSError: disk full", False)


def test_erasing_a_listed_signer_deletes_the_pack_files(
    client, bob, signers, make_pack, django_capture_on_commit_callbacks
):
    from accounts.services import erase_supporter

    make_pack(bob)
    pack = DeliveryPack.objects.get()
    pdf_name = pack.file.name
    storage = pack.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        erase_supporter(supporter=signers[0].supporter)

    pack.refresh_from_db()
    assert (pack.file.name, pack.manifest.name) == ("", "")
    assert "deleted when a signer withdrew their signature or erased their data" in pack.error
    assert not storage.exists(pdf_name)


def test_withdrawing_an_unlisted_signature_keeps_the_pack(client, bob, signers, make_pack):
    from petitions.signatures import withdraw_signature

    make_pack(bob)

    withdraw_signature(signature=signers[5])  # pending: never in the pack

    assert DeliveryPack.objects.get().file.name != ""
