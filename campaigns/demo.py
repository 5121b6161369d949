"""The three launch campaigns and the officials they address, for ``seed_demo``.

The campaigns began with an appeal made in 1999 (docs: ../shared/CAMPAIGNS.md, "Then
and now"); the text tells that story as where they began and asks for what is true
today, in English and in Korean (written for each language, not translated word for
word). The offices are real, addressed as offices, never as persons; every address is
marked as illustrative in the admin.
"""

from accounts.demo import MANAGER_EMAIL
from accounts.models import User

from .models import Campaign, Target

TARGETS = {
    "president": {
        "name": "The President of the Republic of Korea",
        "name_ko": "대한민국 대통령",
        "organisation": "Office of the President",
        "organisation_ko": "대통령비서실",
        "salutation_en": "Dear President",
        "salutation_ko": "대통령님께",
        "postal_address": "Office of the President\n1 Cheongwadae-ro, Jongno-gu\nSeoul 03048\nRepublic of Korea",
        "postal_address_ko": "03048 서울특별시 종로구 청와대로 1\n대통령비서실",
        "email": "office-of-the-president@officials.example",
    },
    "justice": {
        "name": "The Minister of Justice",
        "name_ko": "법무부 장관",
        "organisation": "Ministry of Justice",
        "organisation_ko": "법무부",
        "salutation_en": "Dear Minister",
        "salutation_ko": "법무부 장관님께",
        "postal_address": "Ministry of Justice\nGovernment Complex Gwacheon, Building 1\n47 Gwanmun-ro, Gwacheon-si\nGyeonggi-do 13809\nRepublic of Korea",
        "postal_address_ko": "13809 경기도 과천시 관문로 47\n정부과천청사 1동",
        "email": "minister-of-justice@officials.example",
    },
    "labour": {
        "name": "The Minister of Employment and Labor",
        "name_ko": "고용노동부 장관",
        "organisation": "Ministry of Employment and Labor",
        "organisation_ko": "고용노동부",
        "salutation_en": "Dear Minister",
        "salutation_ko": "고용노동부 장관님께",
        "postal_address": "Ministry of Employment and Labor\nGovernment Complex Sejong, Building 11\n422 Hanuri-daero, Sejong 30117\nRepublic of Korea",
        "postal_address_ko": "30117 세종특별자치시 한누리대로 422\n정부세종청사 11동",
        "email": "minister-of-employment-and-labor@officials.example",
    },
    "speaker": {
        "name": "The Speaker of the National Assembly",
        "name_ko": "국회의장",
        "organisation": "National Assembly of the Republic of Korea",
        "organisation_ko": "대한민국 국회",
        "salutation_en": "Dear Speaker",
        "salutation_ko": "국회의장님께",
        "postal_address": "Office of the Speaker, National Assembly\n1 Uisadang-daero, Yeongdeungpo-gu (Yeouido)\nSeoul 07233\nRepublic of Korea",
        "postal_address_ko": "07233 서울특별시 영등포구 의사당대로 1\n국회의장실",
        "email": "speaker@officials.example",
    },
}

# Offices whose demo rows had an older name: renamed in place, so that letters written
# to them keep their official.
RENAMED_TARGETS = {"The Minister of Labour": TARGETS["labour"]["name"]}

CAMPAIGNS = [
    {
        "slug": "reform-the-national-security-law",
        "targets": ["president", "justice", "speaker"],
        "title_en": "Reform the National Security Law",
        "title_ko": "국가보안법 개혁",
        "summary_en": "Nobody should be prosecuted for a peaceful opinion. Ask Korea's leaders to amend or repeal Article 7 of the National Security Law.",
        "summary_ko": "평화적인 의견을 밝혔다는 이유로 처벌받는 사람이 있어서는 안 됩니다. 「국가보안법」 제7조를 개정하거나 폐지하도록 결정권자들에게 요청해 주세요.",
        "body_en": """\
This campaign began in 1999. In President Kim Dae-jung's first year, more than 150
political prisoners were freed in two amnesties, yet hundreds of people were still held
or arrested under the **National Security Law** for peaceful activity. Many stayed in
prison only because they would not sign a "law-abiding pledge". The pledge was
abolished in 2003.

The law itself is still in force. Its **Article 7** punishes "praising" or
"encouraging" an anti-state organisation, and making, keeping or sharing material that
does so. Its words are vague, and people are still investigated and prosecuted under
it for what they say, write, share or join, without any act of violence.

The UN Human Rights Committee has asked South Korea again and again to repeal or amend
Article 7. Nobody should face prosecution for a peaceful opinion.

### What we ask

- Amend or repeal Article 7 of the National Security Law.
- Stop prosecuting peaceful expression and association under the law.
""",
        "body_ko": """\
이 캠페인은 1999년에 시작되었습니다. 김대중 정부 첫해, 두 차례 사면으로 150명이 넘는
정치적 수감자가 석방되었지만, 여전히 수백 명이 평화적인 활동을 이유로 「국가보안법」에
따라 수감되거나 체포되었습니다. 많은 분이 ‘준법서약서’에 서명하지 않았다는 이유만으로
풀려나지 못했습니다. 준법서약제는 2003년에 폐지되었습니다.

그러나 「국가보안법」은 지금도 시행되고 있습니다. **제7조**는 반국가단체를
‘찬양·고무’하는 행위와, 그러한 표현물을 만들거나 갖거나 퍼뜨리는 행위를 처벌합니다.
조문이 모호하여, 폭력과 무관한 말과 글, 공유와 모임을 이유로 수사와 기소를 받는 사람이
지금도 있습니다.

유엔 자유권규약위원회는 한국 정부에 제7조를 폐지하거나 개정하라고 거듭 권고해
왔습니다. 평화적인 의견을 밝혔다는 이유로 처벌받는 사람이 있어서는 안 됩니다.

### 요청 사항

- 「국가보안법」 제7조를 개정하거나 폐지해 주십시오.
- 평화적인 표현과 결사를 이 법으로 처벌하는 일을 중단해 주십시오.
""",
    },
    {
        "slug": "respect-workers-rights",
        "targets": ["labour", "justice"],
        "title_en": "Respect workers' rights",
        "title_ko": "노동자의 권리 존중",
        "summary_en": 'A peaceful strike is not a crime. Ask the government to stop prosecuting strikers for "obstruction of business" and to respect the ILO conventions Korea has ratified.',
        "summary_ko": "평화적인 파업은 범죄가 아닙니다. 파업 참가자를 ‘업무방해’로 처벌하는 일을 중단하고, 한국이 비준한 국제노동기구(ILO) 협약을 지키도록 정부에 요청해 주세요.",
        "body_en": """\
In 1999, dozens of trade-union leaders were arrested and tried for leading two general
strikes. That is where this campaign began.

Much has changed since. Teachers won the right to form trade unions in 1999, and in
2021 South Korea ratified the International Labour Organization's fundamental
conventions on freedom of association (No. 87) and on the right to organise and to
bargain collectively (No. 98).

One thing has not changed enough: union leaders and strikers are still prosecuted for
"obstruction of business" under **Article 314 of the Criminal Act** for strikes that
were peaceful. The threat of a criminal record weighs on every worker who thinks of
taking part.

### What we ask

- Stop treating peaceful strikes as the crime of obstruction of business.
- Respect, in law and in practice, the ILO conventions Korea has ratified.
""",
        "body_ko": """\
1999년, 두 차례 총파업을 주도했다는 이유로 수십 명의 노동조합 지도자가 체포되어 재판을
받았습니다. 이 캠페인은 그때 시작되었습니다.

그 뒤로 많은 것이 달라졌습니다. 교사들은 1999년에 노동조합을 결성할 권리를 얻었고,
한국은 2021년 결사의 자유(제87호)와 단결권 및 단체교섭권(제98호)에 관한
국제노동기구(ILO) 핵심협약을 비준했습니다.

그러나 충분히 달라지지 않은 것도 있습니다. 평화적으로 진행된 파업인데도 노동조합
지도자와 파업 참가자들이 여전히 「형법」 제314조의 **업무방해죄**로 기소되고 있습니다.
형사처벌의 위협은 파업에 참여하려는 모든 노동자에게 무거운 부담이 됩니다.

### 요청 사항

- 평화적인 파업을 업무방해죄로 다루는 일을 중단해 주십시오.
- 한국이 비준한 ILO 협약을 법과 현실 모두에서 존중해 주십시오.
""",
    },
    {
        "slug": "independent-human-rights-commission",
        "targets": ["president", "speaker"],
        "title_en": "A truly independent human rights commission",
        "title_ko": "독립적인 국가인권위원회",
        "summary_en": "The National Human Rights Commission of Korea has existed since 2001. Ask for a transparent way of choosing its commissioners, and a budget and powers that do not depend on the government.",
        "summary_ko": "국가인권위원회는 2001년부터 활동하고 있습니다. 인권위원을 투명하게 선출하고, 정부에 좌우되지 않는 예산과 권한을 보장하도록 요청해 주세요.",
        "body_en": """\
In 1999 the government promised a national human rights commission, and the Ministry
of Justice wanted it under its own supervision. Campaigners asked for a commission
independent of government, as the UN **Paris Principles** require. The National Human
Rights Commission of Korea was created by law in 2001, outside any ministry.

A commission is only as independent as the way it is run. Its commissioners are chosen
separately by the President, the National Assembly and the Chief Justice. The law asks
them to hear a wide range of views, but there is no common, open procedure in which
candidates are published and civil society takes part, and the global alliance of
national human rights institutions (GANHRI) has repeatedly recommended one. The
commission's budget and the size of its staff depend on decisions of the government.

### What we ask

- Amend the National Human Rights Commission Act so that commissioners are chosen in a
  transparent, participatory and pluralist way.
- Give the commission a budget, staff and powers that do not depend on the government.
""",
        "body_ko": """\
1999년 정부는 국가인권기구를 만들겠다고 약속했고, 법무부는 이 기구를 자신의
지휘·감독 아래 두려 했습니다. 인권단체들은 유엔 **파리원칙**에 따라 정부로부터 독립된
기구를 요구했습니다. 국가인권위원회는 2001년 어느 부처에도 속하지 않는 기구로 법률에
따라 설립되었습니다.

인권위원회의 독립성은 운영 방식에 달려 있습니다. 인권위원은 대통령, 국회, 대법원장이
각각 선출·지명합니다. 법은 다양한 의견을 듣도록 하고 있지만, 후보를 공개하고
시민사회가 참여하는 공통의 선출 절차는 없으며, 국가인권기구 세계연합(GANHRI)도 이러한
절차를 거듭 권고해 왔습니다. 위원회의 예산과 인력 규모 역시 정부의 결정에 좌우됩니다.

### 요청 사항

- 인권위원을 투명하고 참여적이며 다원적인 절차로 선출하도록 「국가인권위원회법」을
  개정해 주십시오.
- 정부에 좌우되지 않는 예산과 인력, 권한을 위원회에 보장해 주십시오.
""",
    },
]

CONTENT_FIELDS = ("title_en", "title_ko", "summary_en", "summary_ko", "body_en", "body_ko")


def seed(out) -> None:
    for old, new in RENAMED_TARGETS.items():
        if not Target.objects.filter(name=new).exists():
            Target.objects.filter(name=old, illustrative=True).update(name=new)
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
            defaults={**{name: spec[name] for name in CONTENT_FIELDS}, "position": position},
        )
        campaign.targets.set([targets[key] for key in spec["targets"]])
        campaign.managers.add(manager)
        if campaign.status != Campaign.Status.LIVE:
            campaign.set_status(Campaign.Status.LIVE)
    out(f"Campaigns: {', '.join(spec['slug'] for spec in CAMPAIGNS)}")
