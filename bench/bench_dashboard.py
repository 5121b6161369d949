"""A petition's dashboard on a big petition, against one pass over its rows.

Seeds one petition with N signatures (default 1,000,000) spread over 60 days, five
countries, four ``?ref=`` sources and every status, with page views for each day; then
times, in one process after a warm-up, the median of 5 runs of:

- the reference: one ``COUNT(*)`` of the petition's signatures (one pass over its rows
  in the ``signature_listing`` index, the least any figure over them costs);
- ``petitions.manage.stats.petition_stats`` (every figure the dashboard shows);
- the dashboard page itself, through the view and its template (staff, with MFA).

Option: --dashboard-signatures=N.
"""

import subprocess

from . import common

SETUP = """
from accounts import roles
from accounts.models import User
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from campaigns.models import Campaign
from petitions.models import Milestone, Petition
campaign = Campaign.objects.get(slug="reform-the-national-security-law")
petition = Petition.objects.create(
    campaign=campaign, slug="bench-dashboard", title="Dashboard benchmark",
    summary="Dashboard benchmark.", status="open", goal=2_000_000)
for threshold in (1_000, 10_000, 100_000, 1_000_000):
    Milestone.objects.create(petition=petition, threshold=threshold)
staff = User.objects.create_user("bench-staff@example.org", "bench-password")
staff.groups.add(Group.objects.get(name=roles.STAFF))
TOTP.activate(staff, generate_totp_secret())
print("RESULT", petition.pk)
"""

# Supporters and signatures in two INSERT ... SELECT statements (no Python per row).
SEED_POSTGRES = """
INSERT INTO accounts_supporter
    (email, email_key, first_name, last_name, country, postcode, city, language,
     created_at, updated_at)
SELECT 'bench' || g || '@example.org', 'bench' || g || '@example.org', 'Ji-woo', 'Kim',
       'KR', '', '', 'en', now(), now()
FROM generate_series(1, {n}) AS g;
INSERT INTO petitions_signature
    (petition_id, supporter_id, status, review_reason, display, comment, country,
     postcode, city, source, wants_updates, ip_hash, created_at, confirmed_at)
SELECT {petition}, s.id,
       (ARRAY['confirmed','confirmed','confirmed','confirmed','confirmed','confirmed',
              'pending','pending','review','invalidated'])[1 + s.id % 10],
       '', 'initials', '',
       (ARRAY['KR','KR','GB','US','JP'])[1 + s.id % 5], '', '',
       (ARRAY['','x','kakao','email'])[1 + s.id % 4], false, '',
       now() - ((s.id % 60) || ' days')::interval, now()
FROM accounts_supporter s WHERE s.email LIKE 'bench%';
INSERT INTO petitions_pageviewcount (petition_id, day, views)
SELECT {petition}, current_date - g, 50000 FROM generate_series(0, 59) AS g;
UPDATE petitions_petition SET signature_count =
    (SELECT count(*) FROM petitions_signature WHERE petition_id = {petition}
     AND status = 'confirmed') WHERE id = {petition};
ANALYZE;
"""

SEED_SQLITE = """
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {n})
INSERT INTO accounts_supporter
    (email, email_key, first_name, last_name, country, postcode, city, language,
     created_at, updated_at)
SELECT 'bench' || i || '@example.org', 'bench' || i || '@example.org', 'Ji-woo', 'Kim',
       'KR', '', '', 'en', datetime('now'), datetime('now')
FROM g;
INSERT INTO petitions_signature
    (petition_id, supporter_id, status, review_reason, display, comment, country,
     postcode, city, source, wants_updates, ip_hash, created_at, confirmed_at)
SELECT {petition}, s.id,
       CASE s.id % 10 WHEN 6 THEN 'pending' WHEN 7 THEN 'pending' WHEN 8 THEN 'review'
                      WHEN 9 THEN 'invalidated' ELSE 'confirmed' END,
       '', 'initials', '',
       CASE s.id % 5 WHEN 2 THEN 'GB' WHEN 3 THEN 'US' WHEN 4 THEN 'JP' ELSE 'KR' END, '', '',
       CASE s.id % 4 WHEN 1 THEN 'x' WHEN 2 THEN 'kakao' WHEN 3 THEN 'email' ELSE '' END, 0, '',
       datetime('now', '-' || (s.id % 60) || ' days'), datetime('now')
FROM accounts_supporter s WHERE s.email LIKE 'bench%';
WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 59)
INSERT INTO petitions_pageviewcount (petition_id, day, views)
SELECT {petition}, date('now', '-' || i || ' days'), 50000 FROM g;
UPDATE petitions_petition SET signature_count =
    (SELECT count(*) FROM petitions_signature WHERE petition_id = {petition}
     AND status = 'confirmed') WHERE id = {petition};
ANALYZE;
"""

MEASURE = """
import statistics, time
from django.db import connection
from django.test import Client
from accounts.models import User
from petitions.manage import stats
from petitions.models import Petition, Signature
petition = Petition.objects.get(pk={petition})
client = Client()
client.force_login(User.objects.get(email="bench-staff@example.org"))

def median_ms(work):
    work()  # warm: caches, plans
    times = []
    for _ in range(5):
        start = time.perf_counter()
        work()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)

def page():
    response = client.get(f"/en/manage/petitions/{{petition.pk}}/")
    assert response.status_code == 200, response.status_code

rows = Signature.objects.filter(petition=petition).count()
print("RESULT", rows,
      median_ms(lambda: Signature.objects.filter(petition=petition).count()),
      median_ms(lambda: stats.petition_stats(petition)),
      median_ms(page))
"""


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    n = int(options.get("dashboard-signatures", 1_000_000))
    env = common.bench_env(ALLOWED_HOSTS="testserver,127.0.0.1,localhost")
    common.reset_database(env)
    common.manage(env, "seed_demo", "--force", stdout=subprocess.DEVNULL)
    petition = int(
        _result(common.manage(env, "shell", "-c", SETUP, capture_output=True, text=True).stdout)[0]
    )
    seed = (SEED_POSTGRES if common.is_postgres(env) else SEED_SQLITE).format(
        n=n, petition=petition
    )
    common.manage(env, "dbshell", input=seed, text=True, stdout=subprocess.DEVNULL)
    output = common.manage(
        env, "shell", "-c", MEASURE.format(petition=petition), capture_output=True, text=True
    ).stdout
    rows, reference, figures, page = _result(output)
    reference, figures, page = float(reference), float(figures), float(page)
    db = "PostgreSQL" if common.is_postgres(env) else "SQLite"
    common.table(
        f"Petition dashboard, {db}, {int(rows):,} signatures, median of 5",
        [
            {"what": "reference: COUNT(*) of the petition's rows", "ms": reference},
            {
                "what": "dashboard figures (petitions.manage.stats)",
                "ms": figures,
                "ratio": figures / reference,
            },
            {"what": "dashboard page (view and template)", "ms": page, "ratio": page / reference},
        ],
    )


def _result(output: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return line.split()[1:]
