"""One open petition per launch campaign, with confirmed demo signatures, for ``seed_demo``.

Every demo signer uses an address at signers.example (a reserved domain that receives
no mail). Running it again adds what is missing and recounts from the rows.
"""

import random
from datetime import timedelta

from django.utils import timezone

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from campaigns.models import Campaign
from lib.text import email_key

from . import signatures
from .models import Milestone, Petition, Signature

MILESTONES = [1_000, 10_000, 100_000]

PETITIONS = [
    {
        "campaign": "reform-the-national-security-law",
        "slug": "free-the-prisoners-of-conscience",
        "title": "Mr President: end arrests for peaceful opinions",
        "summary": "Stop using the National Security Law against peaceful expression, and free "
        "everyone held for refusing the law-abiding pledge.",
        "goal": 10_000,
        "signers": 140,
        "body": """\
Dear Mr President,

Your government has freed more than 150 political prisoners. We thank you for that,
and we ask you to finish the work.

Hundreds of people are still arrested every year under the National Security Law for
peaceful activity: reading groups, leaflets, speeches. At least 270 political prisoners
remain behind bars, many only because they will not sign a "law-abiding pledge" that no
ordinary prisoner is ever asked to sign.

We call on you to:

- amend or repeal the provisions of the National Security Law that punish peaceful
  expression and association;
- stop arrests for non-violent activity;
- release everyone held for refusing the pledge, and abolish the pledge.
""",
    },
    {
        "campaign": "respect-workers-rights",
        "slug": "drop-the-charges-against-union-leaders",
        "title": "Drop the charges against union leaders",
        "summary": "Calling a peaceful strike is not a crime. Ask the Minister of Labour to "
        "stop the prosecutions and free those detained.",
        "goal": 5_000,
        "signers": 90,
        "body": """\
Dear Minister,

Dozens of trade-union leaders face trial for calling two general strikes. Peaceful
strikes are protected by the standards of the International Labour Organization.

We call on you to stop prosecuting union leaders for organising peaceful strikes, to
release those detained for it, and to respect freedom of association in law and in
practice.
""",
    },
    {
        "campaign": "independent-human-rights-commission",
        "slug": "an-independent-commission-now",
        "title": "A human rights commission that answers to no ministry",
        "summary": "Create the national human rights commission by law, independent of the "
        "Ministry of Justice, as the UN Paris Principles require.",
        "goal": 5_000,
        "signers": 60,
        "body": """\
Dear Mr President, dear Speaker,

A national human rights commission can protect people only if it is independent. A body
supervised by the Ministry of Justice could not investigate that ministry.

We ask you to create the commission by law, independent of the Ministry of Justice and
of government, with its own budget, its own staff and real powers to investigate, in
line with the UN Paris Principles.
""",
    },
]

FIRST_NAMES = [
    "Ji-woo",
    "Min-jun",
    "Seo-yeon",
    "Hyun-woo",
    "Ha-eun",
    "Do-yoon",
    "Su-bin",
    "Jae-hyun",
    "Amara",
    "Lucas",
    "Sofia",
    "Kwame",
    "Ingrid",
    "Mateo",
    "Aiko",
    "Priya",
    "Tomás",
    "Leila",
    "Hannah",
    "Oliver",
    "Chloé",
    "Yusuf",
    "Mei",
    "Anders",
]
LAST_NAMES = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Mensah",
    "Silva",
    "Rossi",
    "Okafor",
    "Berg",
    "García",
    "Tanaka",
    "Sharma",
    "Novak",
    "Haddad",
]
COUNTRIES = ["KR", "KR", "KR", "KR", "GB", "US", "DE", "FR", "JP", "CA", "AU", "NL", "SE", "BR"]
COMMENTS = [
    "Nobody should be in prison for what they think.",
    "I signed for my father, who was arrested in 1987.",
    "Peaceful protest is a right, not a crime.",
    "Solidarity from abroad.",
    "표현의 자유를 지지합니다.",
    "Keep the pressure on while the window is open.",
]


def seed(out) -> None:
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    now = timezone.now()
    for spec in PETITIONS:
        campaign = Campaign.objects.get(slug=spec["campaign"])
        petition, _ = Petition.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "campaign": campaign,
                "title": spec["title"],
                "summary": spec["summary"],
                "body": spec["body"],
                "goal": spec["goal"],
                "city_field": Petition.FieldUse.OPTIONAL,
            },
        )
        petition.targets.set(campaign.targets.all())
        for threshold in MILESTONES:
            Milestone.objects.get_or_create(petition=petition, threshold=threshold)
        if petition.status == Petition.Status.DRAFT:
            petition.set_status(Petition.Status.OPEN)
        added = _add_signers(petition, spec["signers"], rng, now)
        out(f"Petition: {petition.slug} ({added} demo signatures added)")
    for drift in signatures.reconcile_counts():
        out(f"Recounted {drift.petition.slug}: {drift.actual}")


def _add_signers(petition: Petition, how_many: int, rng: random.Random, now) -> int:
    people = []
    for index in range(how_many):
        first = FIRST_NAMES[(index * 7 + petition.pk) % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 3 + petition.pk) % len(LAST_NAMES)]
        address = f"demo-signer-{index}@signers.example"
        people.append((address, first, last))
    known = set(
        Supporter.objects.filter(email__in=[p[0] for p in people]).values_list("email", flat=True)
    )
    Supporter.objects.bulk_create(
        [
            Supporter(
                email=address,
                email_key=email_key(address),  # bulk_create skips save(), which sets it
                first_name=first,
                last_name=last,
                country=COUNTRIES[index % len(COUNTRIES)],
            )
            for index, (address, first, last) in enumerate(people)
            if address not in known
        ]
    )
    supporters = Supporter.objects.filter(email__in=[p[0] for p in people]).order_by("pk")
    signed = set(petition.signatures.values_list("supporter_id", flat=True))
    new = []
    for index, supporter in enumerate(supporters):
        if supporter.pk in signed:
            continue
        when = now - timedelta(minutes=rng.randint(5, 60 * 24 * 20))
        new.append(
            Signature(
                petition=petition,
                supporter=supporter,
                status=Signature.Status.CONFIRMED,
                display=rng.choice(
                    [Signature.Display.INITIALS] * 3
                    + [Signature.Display.FULL] * 2
                    + [Signature.Display.HIDDEN]
                ),
                comment=rng.choice(COMMENTS) if index % 5 == 0 else "",
                country=supporter.country,
                source=rng.choice(["", "", "x", "email", "kakao"]),
                created_at=when,
                confirmed_at=min(now, when + timedelta(minutes=rng.randint(1, 90))),
            )
        )
    Signature.objects.bulk_create(new)
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                supporter=signature.supporter,
                purpose=ConsentRecord.Purpose.PETITION,
                granted=True,
                notice_text=str(notices.PETITION.text),
                notice_version=notices.PETITION.version,
                source=signatures.consent_source(petition),
                created_at=signature.created_at,
            )
            for signature in new
        ]
    )
    return len(new)
