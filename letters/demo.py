"""One letter action per launch campaign, in English and Korean, for ``seed_demo``.

Runs after campaigns/demo.py. The text is written for this project, asks for what is
true today (../shared/CAMPAIGNS.md, "Then and now") and follows KOREAN.md for letters
to officials. Each letter's last paragraph is its courtesy, so a writer's own paragraph
(printed before it) does not leave the thanks in the middle. A few illustrative letters
wait to be printed, so that staff can try a print batch.
"""

from django.utils import timezone

from accounts.services import get_or_create_supporter
from campaigns.models import Campaign, Target

from .models import Letter, LetterAction

COMMITTEE_CHAIR = {
    "name": "The Chair of the House Steering Committee",
    "name_ko": "국회운영위원장",
    "organisation": "National Assembly of the Republic of Korea",
    "organisation_ko": "대한민국 국회",
    "salutation_en": "Dear Chair",
    "salutation_ko": "국회운영위원장님께",
    "postal_address": "House Steering Committee\nNational Assembly\n1 Uisadang-daero, Yeongdeungpo-gu (Yeouido)\nSeoul 07233\nRepublic of Korea",
    "postal_address_ko": "07233 서울특별시 영등포구 의사당대로 1\n국회 운영위원회",
    "email": "house-steering-committee-chair@officials.example",
}
# The committee that handles the National Human Rights Commission's law is the House
# Steering Committee; older demo data named another chair, renamed in place.
RENAMED_CHAIR = "The Chair of the Legislation and Judiciary Committee"

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
        "title_en": "Write to the Minister of Justice",
        "title_ko": "법무부 장관님께 편지 쓰기",
        "summary_en": "Prosecutions answer to the Ministry of Justice. Ask the Minister to stop prosecuting peaceful expression under the National Security Law.",
        "summary_ko": "기소는 법무부 소관입니다. 「국가보안법」으로 평화적인 표현을 기소하는 일을 중단해 달라고 장관님께 요청해 주세요.",
        "intro_en": """\
In 1999 this letter asked the Minister to free the people held for refusing the
law-abiding pledge. The pledge was abolished in 2003, but the National Security Law
remains, and its Article 7 is still used against peaceful expression. Prosecutions
answer to the Ministry of Justice, so a letter to the Minister goes where those
decisions are made.

We have written the letter; add a paragraph in your own words if you can. Officials
read the personal part most closely. You can download it to sign and post, or ask us
to email it for you.
""",
        "intro_ko": """\
1999년 이 편지는 준법서약을 거부해 수감된 분들을 석방해 달라고 장관에게
요청했습니다. 준법서약제는 2003년에 폐지되었지만 「국가보안법」은 남아 있고, 그중
제7조는 지금도 평화적인 표현을 처벌하는 데 쓰이고 있습니다. 기소는 법무부
소관이므로, 장관님께 보내는 편지는 그 결정이 내려지는 곳에 닿습니다.

편지는 저희가 준비해 두었습니다. 가능하면 직접 쓰는 단락을 덧붙여 주세요. 공직자는
보내는 사람이 직접 쓴 글을 가장 주의 깊게 읽습니다. 편지를 내려받아 서명한 뒤 우편으로
보내셔도 되고, 저희에게 이메일 발송을 요청하셔도 됩니다.
""",
        "subject_en": "Stop prosecuting peaceful expression under the National Security Law",
        "body_en": """\
I am writing to you from {city}, {country}, about people in Korea who are still investigated and prosecuted under the National Security Law for what they say, write or share, without any act of violence.

Article 7 of the law punishes "praising" or "encouraging" an anti-state organisation, and making or sharing material that does so. Its words are so vague that they reach peaceful opinions. The UN Human Rights Committee has repeatedly asked South Korea to repeal or amend it.

As prosecutions answer to your ministry, I ask you to stop the prosecution of peaceful expression and association under the National Security Law, and to support the amendment or repeal of Article 7.

Thank you for reading my letter. I would be grateful to learn what your ministry will do.""",
        "subject_ko": "「국가보안법」에 따른 평화적 표현 기소를 중단해 주십시오",
        "body_ko": """\
저는 {city}에 사는 {full_name}입니다. 폭력과 무관한 말과 글, 공유를 이유로 지금도 「국가보안법」에 따라 수사와 기소를 받는 분들에 관하여 글을 드립니다.

이 법 제7조는 반국가단체를 ‘찬양·고무’하는 행위와 그러한 표현물을 만들거나 퍼뜨리는 행위를 처벌합니다. 조문이 지나치게 모호하여 평화적인 의견까지 처벌 대상이 됩니다. 유엔 자유권규약위원회도 한국 정부에 이 조항을 폐지하거나 개정하라고 거듭 권고해 왔습니다.

기소는 법무부 소관인 만큼, 평화적인 표현과 결사를 「국가보안법」으로 기소하는 일을 중단해 주시고, 제7조의 개정이나 폐지를 위해 힘써 주시기를 요청합니다.

바쁘신 가운데 읽어 주셔서 감사합니다. 법무부가 어떤 조치를 취할지 알려 주시면 감사하겠습니다.""",
    },
    {
        "campaign": "respect-workers-rights",
        "slug": "write-to-the-minister-of-labour",
        "targets": ["The Minister of Employment and Labor"],
        "target_mode": LetterAction.TargetMode.ALL,
        "editing": LetterAction.Editing.PARAGRAPH,
        "deliver_download": True,
        "deliver_email": True,
        "deliver_print": False,
        "goal": 1000,
        "title_en": "Write to the Minister of Employment and Labor",
        "title_ko": "고용노동부 장관님께 편지 쓰기",
        "summary_en": 'A peaceful strike is not a crime. Ask the Minister to press within government for an end to "obstruction of business" prosecutions of strikers.',
        "summary_ko": "평화적인 파업은 범죄가 아닙니다. 파업 참가자에 대한 ‘업무방해’ 기소가 중단되도록 정부 안에서 힘써 달라고 장관님께 요청해 주세요.",
        "intro_en": """\
In 1999 union leaders were tried for leading two general strikes. Today Korea has
ratified the ILO's conventions on freedom of association, yet strikers are still
prosecuted for "obstruction of business". The Minister of Employment and Labor speaks
for the government on workers' rights and can press for change within it.

Add a line about why workers' rights matter to you, then download your letter or let
us email it.
""",
        "intro_ko": """\
1999년에는 두 차례 총파업을 주도한 노동조합 지도자들이 재판을 받았습니다. 지금 한국은
결사의 자유에 관한 ILO 협약을 비준했지만, 파업 참가자들은 여전히 ‘업무방해’로
기소되고 있습니다. 고용노동부 장관은 노동자의 권리에 관해 정부를 대표하며, 정부
안에서 변화를 이끌 수 있습니다.

노동자의 권리가 왜 중요한지 한 줄 덧붙여 주세요. 그다음 편지를 내려받거나 저희에게
이메일 발송을 요청하시면 됩니다.
""",
        "subject_en": "Peaceful strikes are not a crime",
        "body_en": """\
I am writing from {city}, {country}, about union leaders and strikers in Korea who are prosecuted for "obstruction of business" under Article 314 of the Criminal Act for strikes that were peaceful.

In 2021 South Korea ratified the ILO's fundamental conventions on freedom of association (No. 87) and on the right to organise and to bargain collectively (No. 98). Treating peaceful strikes as crimes sits badly beside that welcome step.

Prosecutions are a matter for the Ministry of Justice, but your ministry speaks for the government on workers' rights. I ask you to press within government for these prosecutions to stop, and for the law and its practice to respect the conventions Korea has ratified.

Thank you for reading my letter.""",
        "subject_ko": "평화적인 파업에 대한 업무방해죄 적용을 중단해 주십시오",
        "body_ko": """\
저는 {city}에 사는 {full_name}입니다. 평화적으로 진행된 파업을 이유로 「형법」 제314조의 업무방해죄로 기소되는 노동조합 지도자와 파업 참가자들에 관하여 글을 드립니다.

한국은 2021년 결사의 자유(제87호)와 단결권 및 단체교섭권(제98호)에 관한 국제노동기구(ILO) 핵심협약을 비준했습니다. 평화적인 파업을 범죄로 다루는 일은 이 뜻깊은 조치와 배치됩니다.

기소는 법무부 소관이지만, 노동자의 권리에 관해서는 고용노동부가 정부를 대표합니다. 이러한 기소가 중단되고, 법과 제도의 운용이 한국이 비준한 협약에 부합하도록 정부 안에서 힘써 주십시오.

바쁘신 가운데 읽어 주셔서 감사합니다.""",
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
        "title_en": "Write to the National Assembly",
        "title_ko": "국회에 편지 쓰기",
        "summary_en": "The law that governs the human rights commission is made in the National Assembly. Ask its leaders to guarantee the commission's independence.",
        "summary_ko": "국가인권위원회의 근거 법률은 국회에서 만들어집니다. 위원회의 독립성을 보장해 달라고 국회에 요청해 주세요.",
        "intro_en": """\
In 1999 campaigners asked for a human rights commission independent of government. The
commission has existed since 2001. What decides its independence today is how its
commissioners are chosen and what its budget and powers depend on, and that is set by
the law the National Assembly writes.

Choose who to write to. Our draft is a starting point: change anything you like, and
the letter will still carry the right salutation and address.
""",
        "intro_ko": """\
1999년 인권단체들은 정부로부터 독립된 인권위원회를 요구했습니다. 국가인권위원회는
2001년부터 활동하고 있으며, 이제 그 독립성은 인권위원을 어떻게 선출하는지, 예산과
권한이 무엇에 좌우되는지에 달려 있습니다. 이를 정하는 법률은 국회가 만듭니다.

누구에게 편지를 보낼지 골라 주세요. 저희가 쓴 초안은 출발점일 뿐이니 원하는 대로
고쳐 쓰셔도 됩니다. 받는 분에 맞는 호칭과 주소는 그대로 들어갑니다.
""",
        "subject_en": "Guarantee the independence of the National Human Rights Commission",
        "body_en": """\
I am writing from {city}, {country}, about the independence of the National Human Rights Commission of Korea.

The commission has protected people since 2001. It can keep doing so only if it is independent, as the UN Paris Principles require. Today its commissioners are chosen separately by the President, the National Assembly and the Chief Justice, without a common, open procedure in which candidates are published and civil society takes part; and its budget and staff depend on decisions of the government.

I ask you to amend the National Human Rights Commission Act so that commissioners are chosen in a transparent, participatory and pluralist way, and to give the commission a budget, staff and powers that do not depend on the government.

Thank you for reading my letter. I hope the National Assembly will make the commission's independence secure.""",
        "subject_ko": "국가인권위원회의 독립성을 보장해 주십시오",
        "body_ko": """\
저는 {city}에 사는 {full_name}입니다. 국가인권위원회의 독립성에 관하여 글을 드립니다.

국가인권위원회는 2001년부터 인권을 지키는 일을 해 왔습니다. 앞으로도 그 일을 하려면 유엔 파리원칙이 요구하는 대로 독립성이 보장되어야 합니다. 지금 인권위원은 대통령, 국회, 대법원장이 각각 선출·지명하며, 후보를 공개하고 시민사회가 참여하는 공통의 절차가 없습니다. 위원회의 예산과 인력 또한 정부의 결정에 좌우됩니다.

인권위원을 투명하고 참여적이며 다원적인 절차로 선출하도록 「국가인권위원회법」을 개정하고, 정부에 좌우되지 않는 예산과 인력, 권한을 위원회에 보장해 주시기를 요청합니다.

바쁘신 가운데 읽어 주셔서 감사합니다. 국회가 위원회의 독립성을 굳건히 지켜 주시기를 바랍니다.""",
    },
]

# Illustrative supporters whose letters wait for a print batch (staff can try one).
WAITING_LETTERS = [
    ("ji-woo.demo@example.org", "Ji-woo", "Han", "Manchester", "GB", "en"),
    ("seo-yeon.demo@example.org", "서연", "이", "부산", "KR", "ko"),
    ("tomas.demo@example.org", "Tomás", "Ferreira", "Lisbon", "PT", "en"),
]


def seed(out) -> None:
    if not Target.objects.filter(name=COMMITTEE_CHAIR["name"]).exists():
        Target.objects.filter(name=RENAMED_CHAIR, illustrative=True).update(
            name=COMMITTEE_CHAIR["name"]
        )
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
