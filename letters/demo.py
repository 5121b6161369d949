"""One letter action per launch campaign, in English and Korean, for ``seed_demo``.

Runs after campaigns/demo.py. The text is written for this project. A few illustrative
letters wait to be printed, so that staff can try a print batch.
"""

from django.utils import timezone

from accounts.services import get_or_create_supporter
from campaigns.models import Campaign, Target

from .models import Letter, LetterAction

COMMITTEE_CHAIR = {
    "name": "The Chair of the Legislation and Judiciary Committee",
    "name_ko": "국회 법제사법위원장",
    "organisation": "National Assembly of the Republic of Korea",
    "salutation_en": "Dear Chair",
    "salutation_ko": "위원장님께",
    "postal_address": "Legislation and Judiciary Committee\nNational Assembly\n1 Uisadang-daero, Yeongdeungpo-gu (Yeouido)\nSeoul 07233\nRepublic of Korea",
    "postal_address_ko": "07233 서울특별시 영등포구 의사당대로 1\n국회 법제사법위원회",
    "email": "legislation-judiciary-chair@officials.example",
}

ACTIONS = [
    {
        "campaign": "reform-the-national-security-law",
        "slug": "write-to-the-minister-of-justice",
        "targets": ["The Minister of Justice"],
        "target_mode": LetterAction.TargetMode.ALL,
        "editing": LetterAction.Editing.PARAGRAPH,
        "deliver_download": True,
        "deliver_email": True,
        "deliver_print": True,
        "goal": 2000,
        "title": "Write to the Minister of Justice",
        "summary": "Ask the Minister to free the people held for refusing the law-abiding pledge, and to stop arrests for peaceful activity.",
        "intro": """\
The Ministry of Justice decides whether the law-abiding pledge stays, and its
prosecutors bring the cases under the National Security Law. A personal letter from
you, in your own name, lands on the desk where those decisions are made.

We have written the letter; add a paragraph in your own words if you can. Officials
read the personal part most closely. You can download it to sign and post, or ask us
to email it for you.
""",
        "subject_en": "Release those held for refusing the law-abiding pledge",
        "body_en": """\
I am writing to you from {city}, {country}, about the people who are still in prison in Korea for their peaceful beliefs.

Your government has already freed many political prisoners, and I welcome it. Yet at least 270 remain behind bars, many of them only because they will not sign a law-abiding pledge. No ordinary prisoner is asked to make such a promise, and nobody should have to give up their convictions to be set free.

I urge you to release everyone held for refusing the pledge and to abolish the pledge itself; to stop arrests under the National Security Law for non-violent activity; and to work for the amendment or repeal of the provisions of that law which punish peaceful expression and association.

Thank you for your attention. I would be grateful to learn what your ministry will do.""",
        "subject_ko": "준법서약 거부를 이유로 수감된 분들을 석방해 주십시오",
        "body_ko": """\
저는 {country} {city}에 사는 {full_name}입니다. 평화적인 신념 때문에 아직도 수감되어 있는 분들에 관하여 글을 드립니다.

정부가 이미 많은 양심수를 석방한 것을 환영합니다. 그러나 적어도 270명이 여전히 갇혀 있으며, 그중 많은 분이 준법서약서에 서명하지 않았다는 이유만으로 풀려나지 못하고 있습니다. 일반 수형자에게는 요구하지 않는 약속이며, 누구도 석방을 위해 자신의 신념을 버리도록 강요받아서는 안 됩니다.

서약 거부를 이유로 수감된 모든 분을 석방하고 준법서약 제도를 폐지해 주십시오. 비폭력 활동을 이유로 한 국가보안법 위반 체포를 멈추고, 평화적인 표현과 결사를 처벌하는 조항을 개정하거나 폐지하는 데 힘써 주십시오.

관심을 가져 주셔서 감사합니다. 법무부가 어떤 조치를 취할지 알려 주시면 고맙겠습니다.""",
    },
    {
        "campaign": "respect-workers-rights",
        "slug": "write-to-the-minister-of-labour",
        "targets": ["The Minister of Labour"],
        "target_mode": LetterAction.TargetMode.ALL,
        "editing": LetterAction.Editing.PARAGRAPH,
        "deliver_download": True,
        "deliver_email": True,
        "deliver_print": False,
        "goal": 1000,
        "title": "Write to the Minister of Labour",
        "summary": "Calling a peaceful strike is not a crime. Ask the Minister to end the prosecution of union leaders.",
        "intro": """\
Dozens of trade-union leaders are on trial for calling two general strikes. The
Minister of Labour speaks for the government on freedom of association, so that is
where your letter goes.

Add a line about why workers' rights matter to you, then download your letter or let
us email it.
""",
        "subject_en": "Stop prosecuting union leaders for peaceful strikes",
        "body_en": """\
I am writing from {city}, {country}, because dozens of trade-union leaders in Korea have been arrested and put on trial for calling two general strikes.

Calling a peaceful strike is not a crime. Freedom of association, and the right to strike that goes with it, is protected by the standards of the International Labour Organization, to which Korea belongs.

Your government has taken welcome steps: a proposed law against discrimination at work, and the right of teachers to join trade unions. Prosecuting the leaders of peaceful strikes sits badly beside them.

I ask you to end these prosecutions, to release those detained for organising peaceful strikes, and to respect freedom of association in law and in practice.""",
        "subject_ko": "평화적 파업을 이유로 한 노조 지도자 기소를 멈춰 주십시오",
        "body_ko": """\
저는 {country} {city}에서 이 편지를 씁니다. 두 차례 총파업을 호소했다는 이유로 수십 명의 노동조합 지도자가 체포되어 재판을 받고 있다는 소식을 들었습니다.

평화적인 파업을 호소하는 것은 범죄가 아닙니다. 결사의 자유와 그에 따르는 파업권은 한국이 회원국인 국제노동기구(ILO)의 기준이 보호하는 권리입니다.

정부는 일터의 차별을 금지하는 법을 제안하고 교사의 노동조합 가입을 허용하는 등 반가운 조치를 취했습니다. 평화적 파업을 이끈 사람들을 기소하는 일은 이러한 조치와 어울리지 않습니다.

이 기소를 멈추고, 평화적 파업을 조직했다는 이유로 구금된 분들을 석방하며, 법과 현실 모두에서 결사의 자유를 존중해 주시기를 요청합니다.""",
    },
    {
        "campaign": "independent-human-rights-commission",
        "slug": "write-to-the-national-assembly",
        "targets": ["The Speaker of the National Assembly", COMMITTEE_CHAIR["name"]],
        "target_mode": LetterAction.TargetMode.CHOOSE,
        "editing": LetterAction.Editing.FULL,
        "deliver_download": True,
        "deliver_email": True,
        "deliver_print": True,
        "goal": 1500,
        "title": "Write to the National Assembly",
        "summary": "The commission will be made by law in the National Assembly. Ask its leaders to make it independent of government.",
        "intro": """\
Whether Korea's new human rights commission can stand up to the government depends on
the law that creates it, and that law is written in the National Assembly.

Choose who to write to. Our draft is a starting point: change anything you like, and
the letter will still carry the right salutation and address.
""",
        "subject_en": "A national human rights commission that is truly independent",
        "body_en": """\
I am writing from {city}, {country}, as the National Assembly considers how Korea's new national human rights commission will be set up.

A commission can protect people only if it can act without fear or favour. A body that answers to the Ministry of Justice, which it may one day need to investigate, cannot do that. The UN Paris Principles ask that a national human rights institution be independent of government.

I urge you to create the commission by law rather than by decree; to make it independent of the Ministry of Justice and of the government as a whole; and to give it its own budget, its own staff and real powers to investigate.

The National Assembly can make this commission a turning point for human rights in Korea. I hope that it will.""",
        "subject_ko": "정부로부터 진정으로 독립된 국가인권위원회를 만들어 주십시오",
        "body_ko": """\
국회가 새 국가인권위원회를 어떻게 세울지 논의하는 지금, {country} {city}에서 이 편지를 드립니다.

인권위원회는 누구의 눈치도 보지 않고 일할 수 있을 때에만 사람들을 보호할 수 있습니다. 언젠가 조사해야 할지도 모르는 법무부에 보고하는 기구는 그렇게 할 수 없습니다. 유엔 파리원칙도 국가인권기구가 정부로부터 독립해야 한다고 말합니다.

위원회를 대통령령이 아닌 법률로 설립하고, 법무부와 정부 전체로부터 독립시키며, 독자적인 예산과 인력, 실질적인 조사 권한을 부여해 주십시오.

국회는 이 위원회를 한국 인권의 전환점으로 만들 수 있습니다. 꼭 그렇게 되기를 바랍니다.""",
    },
]

# Illustrative supporters whose letters wait for a print batch (staff can try one).
WAITING_LETTERS = [
    ("ji-woo.demo@example.org", "Ji-woo", "Han", "Manchester", "GB", "en"),
    ("seo-yeon.demo@example.org", "서연", "이", "부산", "KR", "ko"),
    ("tomas.demo@example.org", "Tomás", "Ferreira", "Lisbon", "PT", "en"),
]


def seed(out) -> None:
    chair, _ = Target.objects.update_or_create(
        name=COMMITTEE_CHAIR["name"],
        defaults={
            **COMMITTEE_CHAIR,
            "preferred_language": "ko",
            "illustrative": True,
            "active": True,
        },
    )
    Campaign.objects.get(slug="independent-human-rights-commission").targets.add(chair)
    for position, spec in enumerate(ACTIONS):
        fields = {k: v for k, v in spec.items() if k not in {"campaign", "slug", "targets"}}
        action, _ = LetterAction.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                **fields,
                "campaign": Campaign.objects.get(slug=spec["campaign"]),
                "position": position,
            },
        )
        action.full_clean()
        action.targets.set(Target.objects.filter(name__in=spec["targets"]))
        if action.status != LetterAction.Status.OPEN:
            action.set_status(LetterAction.Status.OPEN)
    _waiting_letters()
    out(f"Letter actions: {', '.join(spec['slug'] for spec in ACTIONS)}")


def _waiting_letters() -> None:
    from .services import SenderDetails, compose_letter

    action = LetterAction.objects.get(slug="write-to-the-minister-of-justice")
    target = action.targets.get()
    for email, first, last, city, country, language in WAITING_LETTERS:
        supporter, _ = get_or_create_supporter(
            email=email, defaults={"first_name": first, "last_name": last, "city": city}
        )
        if Letter.objects.filter(action=action, supporter=supporter, target=target).exists():
            continue
        letter = compose_letter(
            action=action,
            target=target,
            sender=SenderDetails(email, first, last, city, country),
            language=language,
            personal_paragraph="",
        )
        letter.supporter = supporter
        letter.status = Letter.Status.READY
        letter.delivery = Letter.Delivery.POST
        letter.confirmed_at = timezone.now()
        letter.save()
        LetterAction.objects.filter(pk=action.pk).update(letter_count=action.letter_count + 1)
        action.refresh_from_db()
