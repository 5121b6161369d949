"""The three launch campaigns and the officials they address, for ``seed_demo``.

Text is written for this project; the offices are real, every detail is marked as
illustrative in the admin.
"""

from accounts.demo import MANAGER_EMAIL
from accounts.models import User

from .models import Campaign, Target

TARGETS = {
    "president": {
        "name": "The President of the Republic of Korea",
        "name_ko": "대한민국 대통령",
        "organisation": "Office of the President",
        "salutation_en": "Dear Mr President",
        "salutation_ko": "대통령님께",
        "postal_address": "Office of the President\n1 Cheongwadae-ro, Jongno-gu\nSeoul 03048\nRepublic of Korea",
        "postal_address_ko": "03048 서울특별시 종로구 청와대로 1\n대통령비서실",
        "email": "office-of-the-president@officials.example",
    },
    "justice": {
        "name": "The Minister of Justice",
        "name_ko": "법무부 장관",
        "organisation": "Ministry of Justice",
        "salutation_en": "Dear Minister",
        "salutation_ko": "장관님께",
        "postal_address": "Ministry of Justice\nGovernment Complex Gwacheon, 47 Gwanmun-ro\nGwacheon-si, Gyeonggi-do 13809\nRepublic of Korea",
        "postal_address_ko": "13809 경기도 과천시 관문로 47\n정부과천청사 법무부",
        "email": "minister-of-justice@officials.example",
    },
    "labour": {
        "name": "The Minister of Labour",
        "name_ko": "노동부 장관",
        "organisation": "Ministry of Labour",
        "salutation_en": "Dear Minister",
        "salutation_ko": "장관님께",
        "postal_address": "Ministry of Labour\nGovernment Complex Gwacheon\nGwacheon-si, Gyeonggi-do\nRepublic of Korea",
        "postal_address_ko": "경기도 과천시 관문로 47\n정부과천청사 노동부",
        "email": "minister-of-labour@officials.example",
    },
    "speaker": {
        "name": "The Speaker of the National Assembly",
        "name_ko": "국회의장",
        "organisation": "National Assembly of the Republic of Korea",
        "salutation_en": "Dear Mr Speaker",
        "salutation_ko": "국회의장님께",
        "postal_address": "National Assembly\n1 Uisadang-daero, Yeongdeungpo-gu (Yeouido)\nSeoul 07233\nRepublic of Korea",
        "postal_address_ko": "07233 서울특별시 영등포구 의사당대로 1\n국회",
        "email": "speaker@officials.example",
    },
}

CAMPAIGNS = [
    {
        "slug": "reform-the-national-security-law",
        "title": "Reform the National Security Law",
        "summary": "Nobody should go to prison for a peaceful opinion. Ask Korea's leaders to "
        "end arrests under the National Security Law and free those who refused the pledge.",
        "targets": ["president", "justice", "speaker"],
        "body": """\
Korea's new government has already freed more than 150 political prisoners in two
amnesties. That is real progress, and it shows that pressure works.

But the **National Security Law** is still on the books, and it is still being used. In a
single year almost 400 people were arrested under it, most of them for peaceful political
or social activity: joining a study group, publishing a pamphlet, speaking at a rally.

At least 270 political prisoners remain behind bars. Many could walk free tomorrow, except
that they will not sign a "law-abiding pledge", a promise that no ordinary prisoner is ever
asked to make. Nobody should have to renounce their beliefs to be released.

### What we ask

- Amend or repeal the provisions of the National Security Law that punish peaceful
  expression and association.
- Stop arresting people for non-violent activity.
- Release everyone held for refusing the law-abiding pledge, and abolish the pledge.

The President has agreed to review the law. Help make sure the review leads to change.
""",
    },
    {
        "slug": "respect-workers-rights",
        "title": "Respect workers' rights",
        "summary": "Organising a peaceful strike is not a crime. Ask the government to stop "
        "prosecuting union leaders and to respect freedom of association.",
        "targets": ["labour", "justice"],
        "body": """\
Dozens of trade-union leaders have been arrested and put on trial for one thing: calling
two general strikes. Peaceful strikes are protected by the standards of the International
Labour Organization, which Korea has joined.

The government has taken welcome steps. It has proposed a law against discrimination at
work and has allowed teachers to join trade unions. Prosecuting the people who lead
peaceful strikes sits badly beside those steps.

### What we ask

- Stop prosecuting trade-union leaders for organising peaceful strikes.
- Release those who are detained for it.
- Respect freedom of association in law and in practice, as ILO standards require.
""",
    },
    {
        "slug": "independent-human-rights-commission",
        "title": "A truly independent human rights commission",
        "summary": "Korea is creating a national human rights commission. Make sure it is "
        "independent of government, with its own budget, staff and powers.",
        "targets": ["president", "justice", "speaker"],
        "body": """\
The President has promised a national human rights commission. That could be a turning
point, but only if the commission can act without fear or favour.

The Ministry of Justice has pushed for a body that would sit under its own supervision.
A commission that answers to the ministry it may need to investigate cannot be trusted
to protect anyone. International standards, the UN **Paris Principles**, say that a
national human rights institution must be independent of government.

### What we ask

- Create the commission by law, not by decree.
- Make it independent of the Ministry of Justice and of the government as a whole.
- Give it its own budget, its own staff and real powers to investigate.
""",
    },
]


def seed(out) -> None:
    targets = {}
    for key, fields in TARGETS.items():
        target, _ = Target.objects.update_or_create(
            name=fields["name"],
            defaults={**fields, "preferred_language": "ko", "illustrative": True, "active": True},
        )
        targets[key] = target
    manager = User.objects.get(email=MANAGER_EMAIL)
    for position, spec in enumerate(CAMPAIGNS):
        campaign, _ = Campaign.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "summary": spec["summary"],
                "body": spec["body"],
                "position": position,
            },
        )
        campaign.targets.set([targets[key] for key in spec["targets"]])
        campaign.managers.add(manager)
        if campaign.status != Campaign.Status.LIVE:
            campaign.set_status(Campaign.Status.LIVE)
    out(f"Campaigns: {', '.join(spec['slug'] for spec in CAMPAIGNS)}")
