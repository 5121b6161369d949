"""An update to 100,000 opted-in supporters, throttle off, through a local SMTP sink.

The parent starts an aiosmtpd sink (``bench/mail_sink.py``) that accepts and counts
every message; a worker process (``python -m bench.bench_updates worker ...``) fills a
fresh database with the supporters (bulk inserts: supporter, confirmed signature,
updates consent), then runs the real sending job (``updates.sending``) and reports
messages per second and its own peak RSS (target: under 300 MB). ``--supporters=N``
changes the 100,000.
"""

import json
import os
import resource
import subprocess
import sys
import time

from . import common

SUPPORTERS = 100_000


def main(argv: list[str]) -> None:
    count = SUPPORTERS
    for arg in argv:
        if arg.startswith("--supporters="):
            count = int(arg.split("=", 1)[1])
    from .mail_sink import MailSink

    port = common.free_port()
    sink = MailSink(port)
    sink.start()
    try:
        env = common.bench_env(
            MAIL_BACKEND="smtp",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(port),
            SMTP_STARTTLS="0",
            UPDATES_PER_MINUTE="0",
        )
        common.reset_database(env)
        result = subprocess.run(
            [common.PYTHON, "-m", "bench.bench_updates", "worker", str(count)],
            env=env,
            cwd=common.ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(f"bench worker failed:\n{result.stderr[-4000:]}")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        received = len(sink.received())
    finally:
        sink.stop()
    db = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    common.table(
        f"Update to {count:,} opted-in supporters, throttle off, local SMTP sink, {db}",
        [
            {
                "case": "prepare (bulk insert)",
                "seconds": figures["prepare_s"],
                "per s": count / figures["prepare_s"],
                "peak RSS MB": "",
            },
            {
                "case": "send job",
                "seconds": figures["send_s"],
                "per s": figures["sent"] / figures["send_s"],
                "peak RSS MB": figures["rss_mb"],
            },
        ],
    )
    print(
        f"  sent {figures['sent']:,}, received by the sink {received:,}, "
        f"job status {figures['status']}; peak RSS target < 300 MB"
    )


# Worker side: runs inside Django --------------------------------------------------------


def worker(count: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.utils import timezone

    from accounts import notices
    from accounts.models import ConsentRecord, Supporter, User
    from campaigns.models import Campaign
    from petitions.models import Petition, Signature
    from updates.models import UpdateRecipient, UpdateSend
    from updates.sending import run_update_send
    from updates.services import write_update

    started = time.perf_counter()
    user = User.objects.create_user("bench-manager@example.org", is_staff=True)
    campaign = Campaign.objects.create(
        slug="bench", title_en="Bench campaign", title_ko="벤치 캠페인", status="live"
    )
    petition = Petition.objects.create(
        campaign=campaign,
        slug="bench-petition",
        title_en="Bench petition",
        title_ko="벤치 청원",
        summary_en="Bench",
        summary_ko="벤치",
        status="open",
    )
    now = timezone.now()
    chunk = 5000
    for start in range(0, count, chunk):
        supporters = Supporter.objects.bulk_create(
            [
                Supporter(
                    email=f"s{n}@example.org",
                    email_key=f"s{n}@example.org",
                    first_name="Bench",
                    language="ko" if n % 3 == 0 else "en",
                )
                for n in range(start, min(count, start + chunk))
            ]
        )
        Signature.objects.bulk_create(
            [
                Signature(
                    petition=petition,
                    supporter=s,
                    status="confirmed",
                    country="KR",
                    created_at=now,
                    confirmed_at=now,
                    wants_updates=True,
                )
                for s in supporters
            ]
        )
        ConsentRecord.objects.bulk_create(
            [
                ConsentRecord(
                    supporter=s,
                    purpose="updates",
                    granted=True,
                    notice_text=str(notices.UPDATES.text),
                    notice_version=notices.UPDATES.version,
                    source="petition:bench-petition",
                    created_at=now,
                )
                for s in supporters
            ]
        )
    prepared = time.perf_counter()
    update = write_update(
        user=user,
        petition=petition,
        subject_en="We delivered the signatures",
        body_en="The Minister's office **took** the list. Thank you.",
        subject_ko="서명을 전달했습니다",
        body_ko="장관실에서 명단을 **받았습니다**. 고맙습니다.",
    )
    send = UpdateSend.objects.create(update=update, created_by=user)
    begin = time.perf_counter()
    run_update_send(send_id=send.pk)
    end = time.perf_counter()
    send.refresh_from_db()
    sent = UpdateRecipient.objects.filter(update=update, status="sent").count()
    print(
        json.dumps(
            {
                "prepare_s": prepared - started,
                "send_s": end - begin,
                "sent": sent,
                "status": send.status,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    worker(int(sys.argv[2]))
