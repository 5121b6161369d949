"""One open petition per launch campaign, with confirmed demo signatures, for ``seed_demo``.

Each petition asks for what is true today (../shared/CAMPAIGNS.md, "Then and now"), in
English and in Korean.

Every demo signer uses an address at signers.example (a reserved domain that receives
no mail). Running it again adds what is missing and recounts from the rows.
"""

import random
from datetime import timedelta

from django.utils import timezone

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from campaigns.models import Campaign, Target
from lib.text import email_key

from . import signatures
from .models import Milestone, Petition, Signature

MILESTONES = [1_000, 10_000, 100_000]

PETITIONS = [
    {
        "campaign": "reform-the-national-security-law",
        "slug": "free-the-prisoners-of-conscience",
        "targets": [
            "The President of the Republic of Korea",
            "The Minister of Justice",
            "The Speaker of the National Assembly",
        ],
        "goal": 10_000,
        "signers": 140,
        "title_en": "Amend or repeal Article 7 of the National Security Law",
        "title_ko": "「국가보안법」 제7조를 개정하거나 폐지해 주십시오",
        "summary_en": "Stop prosecuting peaceful expression and association under the National Security Law, and amend or repeal its Article 7.",
        "summary_ko": "「국가보안법」으로 평화적인 표현과 결사를 처벌하는 일을 중단하고, 제7조를 개정하거나 폐지해 주십시오.",
        "body_en": """\
To the President of the Republic of Korea, the Minister of Justice and the Speaker of
the National Assembly,

Article 7 of the National Security Law punishes "praising" or "encouraging" an
anti-state organisation, and making, keeping or sharing material that does so. Its
vague words reach peaceful speech, writing and association, and people are still
investigated and prosecuted under it for acts without any violence.

The UN Human Rights Committee has repeatedly asked South Korea to repeal or amend
Article 7. We, the undersigned, ask you to:

- amend or repeal Article 7 of the National Security Law;
- stop prosecuting peaceful expression and association under the law.
""",
        "body_ko": """\
대한민국 대통령님, 법무부 장관님, 국회의장님께

「국가보안법」 제7조는 반국가단체를 ‘찬양·고무’하는 행위와, 그러한 표현물을 만들거나
갖거나 퍼뜨리는 행위를 처벌합니다. 모호한 조문 탓에 평화적인 말과 글, 결사까지 처벌
대상이 되며, 폭력과 무관한 행위로 수사와 기소를 받는 사람이 지금도 있습니다.

유엔 자유권규약위원회는 한국 정부에 제7조를 폐지하거나 개정하라고 거듭 권고해
왔습니다. 이에 아래 서명자들은 다음과 같이 요청합니다.

- 「국가보안법」 제7조를 개정하거나 폐지해 주십시오.
- 평화적인 표현과 결사를 이 법으로 처벌하는 일을 중단해 주십시오.
""",
    },
    {
        "campaign": "respect-workers-rights",
        "slug": "drop-the-charges-against-union-leaders",
        "targets": ["The Minister of Justice", "The Minister of Employment and Labor"],
        "goal": 5_000,
        "signers": 90,
        "title_en": "A peaceful strike is not a crime",
        "title_ko": "평화적인 파업은 범죄가 아닙니다",
        "summary_en": 'Stop prosecuting union leaders and strikers for "obstruction of business" over peaceful strikes.',
        "summary_ko": "평화적인 파업을 이유로 노동조합 지도자와 파업 참가자를 ‘업무방해’로 기소하는 일을 중단해 주십시오.",
        "body_en": """\
To the Minister of Justice and the Minister of Employment and Labor,

In 2021 South Korea ratified the ILO's fundamental conventions on freedom of
association (No. 87) and on the right to organise and to bargain collectively
(No. 98). Yet union leaders and strikers are still prosecuted for "obstruction of
business" under Article 314 of the Criminal Act for strikes that were peaceful.

We, the undersigned, ask the Minister of Justice to stop prosecuting peaceful strikes
as obstruction of business, and the Minister of Employment and Labor to press within
government for the law and its practice to respect the conventions Korea has ratified.
""",
        "body_ko": """\
법무부 장관님, 고용노동부 장관님께

한국은 2021년 결사의 자유(제87호)와 단결권 및 단체교섭권(제98호)에 관한
국제노동기구(ILO) 핵심협약을 비준했습니다. 그러나 평화적으로 진행된 파업인데도
노동조합 지도자와 파업 참가자들이 여전히 「형법」 제314조의 업무방해죄로 기소되고
있습니다.

이에 아래 서명자들은 법무부 장관님께 평화적인 파업을 업무방해로 기소하는 일을 중단해
주시기를, 고용노동부 장관님께 법과 제도의 운용이 한국이 비준한 협약에 부합하도록 정부
안에서 힘써 주시기를 요청합니다.
""",
    },
    {
        "campaign": "independent-human-rights-commission",
        "slug": "an-independent-commission-now",
        "targets": [
            "The President of the Republic of Korea",
            "The Speaker of the National Assembly",
        ],
        "goal": 5_000,
        "signers": 60,
        "title_en": "Guarantee the independence of the National Human Rights Commission",
        "title_ko": "국가인권위원회의 독립성을 보장해 주십시오",
        "summary_en": "Choose commissioners through a transparent, pluralist procedure, and give the commission a budget and powers that do not depend on the government.",
        "summary_ko": "투명하고 다원적인 절차로 인권위원을 선출하고, 정부에 좌우되지 않는 예산과 권한을 위원회에 보장해 주십시오.",
        "body_en": """\
To the President of the Republic of Korea and the Speaker of the National Assembly,

The National Human Rights Commission of Korea has protected people since 2001. It can
do so only if it is independent, as the UN Paris Principles require.

Today its commissioners are chosen separately by the President, the National Assembly
and the Chief Justice, without a common, open procedure in which candidates are
published and civil society takes part. Its budget and the size of its staff depend on
the government.

We, the undersigned, ask you to amend the National Human Rights Commission Act so that
commissioners are chosen in a transparent, participatory and pluralist way, and to
give the commission a budget, staff and powers that do not depend on the government.
""",
        "body_ko": """\
대한민국 대통령님, 국회의장님께

국가인권위원회는 2001년부터 인권을 지키는 일을 해 왔습니다. 위원회가 이 일을 제대로
하려면 유엔 파리원칙이 요구하는 대로 독립성이 보장되어야 합니다.

지금 인권위원은 대통령, 국회, 대법원장이 각각 선출·지명하며, 후보를 공개하고
시민사회가 참여하는 공통의 절차가 없습니다. 위원회의 예산과 인력 규모도 정부의 결정에
좌우됩니다.

이에 아래 서명자들은 인권위원을 투명하고 참여적이며 다원적인 절차로 선출하도록
「국가인권위원회법」을 개정하고, 정부에 좌우되지 않는 예산과 인력, 권한을 위원회에
보장해 주시기를 요청합니다.
""",
    },
]
CONTENT_FIELDS = ("title_en", "title_ko", "summary_en", "summary_ko", "body_en", "body_ko")

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
    "Peaceful words should never be a crime.",
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
                **{name: spec[name] for name in CONTENT_FIELDS},
                "goal": spec["goal"],
                "city_field": Petition.FieldUse.OPTIONAL,
            },
        )
        petition.targets.set(Target.objects.filter(name__in=spec["targets"]))
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
