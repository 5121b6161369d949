"""Letter PDFs: single letters and print batches against a bare WeasyPrint render.

Every figure comes from the same run on the same machine:

* reference: bare WeasyPrint rendering the very HTML our template produced for each
  letter, with one font configuration and pre-parsed stylesheets (the least work
  WeasyPrint can do for that HTML; its defaults would load the fonts on every render);
* single letters as the private page serves them: the letter read from the database,
  the template rendered, our fetcher, PDF/UA-1 (and the plain and PDF/A-3u variants);
* print batches of the same 200 letters (``render_letters``), and a 1,000-letter batch
  made by the real background job (database, storage) in a separate process whose
  peak RSS is reported.

Each part runs in its own process (``python -m bench.bench_letters worker ...``) so
that peak RSS belongs to that part alone. ``--letters N`` changes the 200.
"""

import json
import os
import resource
import subprocess
import sys
import time

from . import common

SINGLE = 200
BIG_BATCH = 1000


def main(argv: list[str]) -> None:
    count = SINGLE
    for arg in argv:
        if arg.startswith("--letters="):
            count = int(arg.split("=", 1)[1])
    env = common.bench_env(PRIVATE_FILES_DIR=str(common.VAR / "private"), LETTERS_BATCH_CHUNK="50")
    common.reset_database(env)
    common.manage(env, "seed_demo", "--force", stdout=subprocess.DEVNULL)
    prepared = _worker(env, "prepare", str(max(count, BIG_BATCH)))
    single = _worker(env, "single", str(count))
    batch = _worker(env, "batch", str(count))
    big = _worker(env, "big-batch", str(BIG_BATCH))

    bare = single["bare_ms"]
    ours = single["ours_ms"]
    ref_p50 = common.percentile(bare, 50)
    single_mean = sum(ours) / len(ours)
    rows = [
        _row("reference: bare WeasyPrint, same HTML", bare, ref_p50, single["rss_mb"]),
        _row("single letter, PDF/UA-1 (default)", ours, ref_p50, single["rss_mb"]),
        _row("single letter, plain PDF", single["plain_ms"], ref_p50, single["rss_mb"]),
        _row("single letter, PDF/A-3u", single["pdfa_ms"], ref_p50, single["rss_mb"]),
        {
            "case": f"print batch of {count} (chunks of 50)",
            "ms/letter p50": batch["ms_per_letter"],
            "ms/letter p95": "",
            "letters/s": 1000 / batch["ms_per_letter"],
            "x bare p50": batch["ms_per_letter"] / ref_p50,
            "peak RSS MB": batch["rss_mb"],
            "note": f"{single_mean / batch['ms_per_letter']:.1f}x faster per letter than single",
        },
        {
            "case": f"print batch of {BIG_BATCH}, background job",
            "ms/letter p50": big["ms_per_letter"],
            "ms/letter p95": "",
            "letters/s": 1000 / big["ms_per_letter"],
            "x bare p50": big["ms_per_letter"] / ref_p50,
            "peak RSS MB": big["rss_mb"],
            "note": f"{big['pages']} pages, {big['mb']:.1f} MB PDF",
        },
    ]
    db = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    common.table(
        f"Letter PDFs, {count} letters (half Korean), {db}; {prepared['created']} letters prepared",
        rows,
    )
    print(
        f"  first render in a fresh process (fonts loaded): {single['cold_ms']:,.0f} ms; "
        # Each part's own figure: RUSAGE_CHILDREN would also hold the benchmarks that
        # ran before this one in the same `make bench`.
        f"largest part's peak RSS: {max(p['rss_mb'] for p in (single, batch, big)):,.0f} MB"
    )
    print(
        "  targets: single p50 <= 1.3x bare; batch >= 3x faster per letter than single; "
        f"{BIG_BATCH}-letter batch < 500 MB"
    )


def _row(case: str, values: list[float], ref_p50: float, rss: float) -> dict:
    p50 = common.percentile(values, 50)
    return {
        "case": case,
        "ms/letter p50": p50,
        "ms/letter p95": common.percentile(values, 95),
        "letters/s": 1000 * len(values) / sum(values),
        "x bare p50": p50 / ref_p50,
        "peak RSS MB": rss,
        "note": "",
    }


def _worker(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(
        [common.PYTHON, "-m", "bench.bench_letters", "worker", *args],
        env=env,
        cwd=common.ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench worker {args} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# Worker side: runs inside Django --------------------------------------------------------

PARAGRAPHS = {
    "en": (
        "I have followed the cases of people imprisoned for what they said and wrote. "
        "Please make sure that nobody in Korea goes to prison for a peaceful opinion, and "
        "that those who refused the pledge can go home to their families this year."
    ),
    "ko": (
        "말과 글 때문에 수감된 분들의 소식을 꾸준히 지켜보았습니다. 한국에서 누구도 평화로운 "
        "의견 때문에 감옥에 가지 않도록, 그리고 서약을 거부한 분들이 올해 안에 가족 곁으로 "
        "돌아갈 수 있도록 힘써 주십시오."
    ),
}


def _setup() -> None:
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _letters(count: int):
    from letters.models import Letter

    return list(Letter.objects.select_related("action", "target").order_by("pk")[:count])


def work_prepare(count: int) -> dict:
    """``count`` ready letters to the Minister of Justice, half in Korean, each with a paragraph."""
    from django.db import transaction

    from accounts.models import Supporter
    from letters.models import Letter, LetterAction
    from letters.services import SenderDetails, compose_letter
    from lib.text import email_key

    action = LetterAction.objects.get(slug="write-to-the-minister-of-justice")
    target = action.targets.get()
    with transaction.atomic():
        Letter.objects.all().delete()
        Supporter.objects.filter(email__startswith="bench-").delete()
        emails = [f"bench-{n}@example.org" for n in range(count)]
        Supporter.objects.bulk_create(
            Supporter(email=e, email_key=email_key(e), first_name="Ji-woo", last_name="Kim")
            for e in emails
        )
        supporters = Supporter.objects.filter(email__in=emails).order_by("pk")
        letters = []
        for n, supporter in enumerate(supporters):
            language = "ko" if n % 2 else "en"
            korean = language == "ko"
            name = ("지우", "김", "부산", "KR") if korean else ("Ji-woo", "Kim", "Leeds", "GB")
            letter = compose_letter(
                action=action,
                target=target,
                sender=SenderDetails(supporter.email, *name, postal_address=f"{n} Example Road"),
                language=language,
                personal_paragraph=PARAGRAPHS[language],
            )
            letter.supporter = supporter
            letter.status = Letter.Status.READY
            letters.append(letter)
        Letter.objects.bulk_create(letters, batch_size=500)
    return {"created": count}


def work_single(count: int) -> dict:
    """Our pipeline per letter, and bare WeasyPrint on the same HTML, interleaved."""
    from django.conf import settings
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    from letters.models import Letter
    from letters.pdf import letters_html, render_letter
    from lib.pdf import STATIC_BASE

    ids = [letter.pk for letter in _letters(count)]
    static_dir = settings.BASE_DIR / "static"
    base = static_dir.as_uri() + "/"

    started = time.perf_counter()
    render_letter(Letter.objects.select_related("action", "target").get(pk=ids[0]))
    cold_ms = (time.perf_counter() - started) * 1000

    # The bare reference: one font configuration, the stylesheets parsed once, one
    # fetcher; each render gets the exact HTML of one of our letters (static files
    # through file: URLs instead of our fetcher's made-up origin).
    config = FontConfiguration()
    fetcher = URLFetcher()
    sheets = [
        CSS(filename=str(static_dir / "pdf" / name), font_config=config, url_fetcher=fetcher)
        for name in ("fonts.css", "letter.css")
    ]
    htmls = {
        pk: letters_html([Letter.objects.select_related("action", "target").get(pk=pk)]).replace(
            STATIC_BASE, base
        )
        for pk in ids
    }
    HTML(string=htmls[ids[0]], base_url=base, url_fetcher=fetcher).write_pdf(
        stylesheets=sheets, font_config=config
    )

    def ours(pk: int, variant: str) -> float:
        settings.LETTERS_PDF_VARIANT = variant
        t0 = time.perf_counter()
        letter = Letter.objects.select_related("action", "target").get(pk=pk)
        pdf = render_letter(letter)
        elapsed = (time.perf_counter() - t0) * 1000
        assert pdf.startswith(b"%PDF-")
        return elapsed

    def bare(pk: int) -> float:
        t0 = time.perf_counter()
        pdf = HTML(string=htmls[pk], base_url=base, url_fetcher=fetcher).write_pdf(
            stylesheets=sheets, font_config=config
        )
        elapsed = (time.perf_counter() - t0) * 1000
        assert pdf.startswith(b"%PDF-")
        return elapsed

    ours_ms, bare_ms, plain_ms, pdfa_ms = [], [], [], []
    for n, pk in enumerate(ids):
        # Alternate the order so that drift on a busy machine hits both alike.
        if n % 2:
            bare_ms.append(bare(pk))
            ours_ms.append(ours(pk, "pdf/ua-1"))
        else:
            ours_ms.append(ours(pk, "pdf/ua-1"))
            bare_ms.append(bare(pk))
        plain_ms.append(ours(pk, ""))
        pdfa_ms.append(ours(pk, "pdf/a-3u"))
    return {
        "cold_ms": cold_ms,
        "ours_ms": ours_ms,
        "bare_ms": bare_ms,
        "plain_ms": plain_ms,
        "pdfa_ms": pdfa_ms,
        "rss_mb": _rss_mb(),
    }


def work_batch(count: int) -> dict:
    from letters.pdf import render_letter, render_letters

    letters = _letters(count)
    render_letter(letters[0])  # fonts loaded, as in a worker that has run before
    started = time.perf_counter()
    pdf = render_letters(letters)
    elapsed = (time.perf_counter() - started) * 1000
    assert pdf.startswith(b"%PDF-")
    return {"ms_per_letter": elapsed / count, "rss_mb": _rss_mb()}


def work_big_batch(count: int) -> dict:
    """The real job: claim ready letters, render in chunks, merge, store; peak RSS."""
    from letters import services
    from letters.models import Letter, PrintBatch

    letter = Letter.objects.select_related("target").order_by("pk").first()
    batch = PrintBatch.objects.create(target=letter.target, created_by=None)
    ids = list(Letter.objects.ready_to_print().order_by("pk").values_list("pk", flat=True)[:count])
    Letter.objects.filter(pk__in=ids).update(print_batch=batch)
    PrintBatch.objects.filter(pk=batch.pk).update(total=len(ids))
    started = time.perf_counter()
    services.build_print_batch(batch_id=batch.pk)
    elapsed = (time.perf_counter() - started) * 1000
    batch.refresh_from_db()
    assert batch.status == PrintBatch.Status.DONE, batch.error
    size = batch.file.size
    batch.file.delete(save=False)
    return {
        "ms_per_letter": elapsed / len(ids),
        "rss_mb": _rss_mb(),
        "pages": batch.page_count,
        "mb": size / 1e6,
    }


WORK = {
    "prepare": work_prepare,
    "single": work_single,
    "batch": work_batch,
    "big-batch": work_big_batch,
}


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _setup()
    print(json.dumps(WORK[sys.argv[2]](int(sys.argv[3]))))
