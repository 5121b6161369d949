"""Who gets what at every URL of the manager area: one table, six people.

- anonymous: sent to sign in, with the page to come back to;
- a supporter: 403 (not a manager);
- a manager of another campaign: 404 for this campaign's pages (nothing disclosed), 403
  for staff pages, their own choices on pages that start something new;
- this campaign's manager: the page (403 on staff pages);
- staff without MFA: sent to set it up, with the page to come back to;
- staff with MFA: the page.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import get_resolver, resolve, reverse

from letters.models import LetterAction
from petitions.models import Petition
from tests.manage.conftest import campaign_data, letter_data, petition_data

LOGIN, MFA = "sign in", "set up MFA"
PERSONAS = ("anonymous", "supporter", "other_manager", "manager", "staff_without_mfa", "staff")
FIXTURE = {
    "supporter": "alice",
    "other_manager": "mallory",
    "manager": "bob",
    "staff_without_mfa": "staff_without_mfa",
    "staff": "carol",
}

THIS_CAMPAIGN = {
    "anonymous": LOGIN,
    "supporter": 403,
    "other_manager": 404,
    "manager": 200,
    "staff_without_mfa": MFA,
    "staff": 200,
}
STAFF_ONLY = {**THIS_CAMPAIGN, "other_manager": 403, "manager": 403}
ANY_MANAGER = {**THIS_CAMPAIGN, "other_manager": 200}
# A new action posted into bob's campaign: mallory's form does not offer it (400).
INTO_THIS_CAMPAIGN = {**THIS_CAMPAIGN, "other_manager": 400}


@dataclass(frozen=True)
class Case:
    name: str
    path: Any  # objects -> path
    expected: dict
    data: Any = None  # objects -> POST data; None: a GET

    def __str__(self) -> str:
        return self.name


CASES = [
    Case("manage index", lambda o: "/en/manage/", ANY_MANAGER),
    Case("new campaign", lambda o: "/en/manage/campaigns/new/", STAFF_ONLY),
    Case(
        "new campaign preview",
        lambda o: "/en/manage/campaigns/new/preview/",
        STAFF_ONLY,
        data=lambda o: campaign_data(),
    ),
    Case("campaign", lambda o: f"/en/manage/campaigns/{o['campaign'].pk}/", THIS_CAMPAIGN),
    Case(
        "campaign edit", lambda o: f"/en/manage/campaigns/{o['campaign'].pk}/edit/", THIS_CAMPAIGN
    ),
    Case(
        "campaign preview",
        lambda o: f"/en/manage/campaigns/{o['campaign'].pk}/preview/",
        THIS_CAMPAIGN,
    ),
    Case(
        "campaign embed",
        lambda o: f"/en/manage/campaigns/{o['campaign'].pk}/embed/",
        THIS_CAMPAIGN,
    ),
    Case(
        "campaign unpublish",
        lambda o: f"/en/manage/campaigns/{o['campaign'].pk}/status/unpublish/",
        STAFF_ONLY,
    ),
    Case("new petition", lambda o: "/en/manage/petitions/new/", ANY_MANAGER),
    Case(
        "new petition in this campaign",
        lambda o: f"/en/manage/petitions/new/?campaign={o['campaign'].pk}",
        THIS_CAMPAIGN,
    ),
    Case(
        "new petition preview",
        lambda o: "/en/manage/petitions/new/preview/",
        INTO_THIS_CAMPAIGN,
        data=lambda o: petition_data(o["campaign"]),
    ),
    Case(
        "petition dashboard", lambda o: f"/en/manage/petitions/{o['petition'].pk}/", THIS_CAMPAIGN
    ),
    Case(
        "petition edit", lambda o: f"/en/manage/petitions/{o['petition'].pk}/edit/", THIS_CAMPAIGN
    ),
    Case(
        "petition preview",
        lambda o: f"/en/manage/petitions/{o['petition'].pk}/preview/",
        THIS_CAMPAIGN,
    ),
    Case(
        "petition close",
        lambda o: f"/en/manage/petitions/{o['petition'].pk}/status/close/",
        THIS_CAMPAIGN,
    ),
    Case(
        "petition duplicate",
        lambda o: f"/en/manage/petitions/{o['petition'].pk}/duplicate/",
        THIS_CAMPAIGN,
    ),
    Case("new letter action", lambda o: "/en/manage/letters/actions/new/", ANY_MANAGER),
    Case(
        "new letter action in this campaign",
        lambda o: f"/en/manage/letters/actions/new/?campaign={o['campaign'].pk}",
        THIS_CAMPAIGN,
    ),
    Case(
        "new letter action preview",
        lambda o: "/en/manage/letters/actions/new/preview/",
        INTO_THIS_CAMPAIGN,
        data=lambda o: letter_data(o["campaign"], [o["minister"]]),
    ),
    Case(
        "new letter action PDF",
        lambda o: "/en/manage/letters/actions/new/letter.pdf",
        INTO_THIS_CAMPAIGN,
        data=lambda o: letter_data(o["campaign"], [o["minister"]]),
    ),
    Case(
        "letter action dashboard",
        lambda o: f"/en/manage/letters/actions/{o['letter_action'].pk}/",
        THIS_CAMPAIGN,
    ),
    Case(
        "letter action edit",
        lambda o: f"/en/manage/letters/actions/{o['letter_action'].pk}/edit/",
        THIS_CAMPAIGN,
    ),
    Case(
        "letter action preview",
        lambda o: f"/en/manage/letters/actions/{o['letter_action'].pk}/preview/",
        THIS_CAMPAIGN,
    ),
    Case(
        "letter action PDF",
        lambda o: f"/en/manage/letters/actions/{o['letter_action'].pk}/letter.pdf",
        THIS_CAMPAIGN,
    ),
    Case(
        "letter action close",
        lambda o: f"/en/manage/letters/actions/{o['letter_action'].pk}/status/close/",
        THIS_CAMPAIGN,
    ),
    Case(
        "letter action duplicate",
        lambda o: f"/en/manage/letters/actions/{o['letter_action'].pk}/duplicate/",
        THIS_CAMPAIGN,
    ),
]


def outcome(response, path: str):
    """What a person sees: a status code, or where a redirect sends them (exactly)."""
    if response.status_code == 302:
        if response.url == f"{reverse('account_login')}?{urlencode({'next': path}, safe='/')}":
            return LOGIN
        if response.url == f"{reverse('accounts:mfa_required')}?{urlencode({'next': path})}":
            return MFA
        return f"302 to {response.url}"
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_permission_matrix(
    client, request, case, persona, campaign, petition, letter_action, minister
):
    objects = {
        "campaign": campaign,
        "petition": petition,
        "letter_action": letter_action,
        "minister": minister,
    }
    request.getfixturevalue("mallory")  # she manages another campaign in every case
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(FIXTURE[persona]))
    path = case.path(objects)

    response = client.get(path) if case.data is None else client.post(path, case.data(objects))

    assert outcome(response, path) == case.expected[persona]


# The staff print-batch screens of letters predate the manager area; tests/letters has them.
LETTERS_STAFF_URLS = {
    "letters:manage_index",
    "letters:manage_batch_create",
    "letters:manage_batch",
    "letters:manage_batch_pdf",
    "letters:manage_batch_posted",
    "letters:manage_batch_cancel",
}


def namespaced_includes(patterns):
    """The apps' includes, also those inside i18n_patterns' language prefix."""
    for include in patterns:
        if getattr(include, "namespace", None):
            yield include
        elif hasattr(include, "url_patterns"):
            yield from namespaced_includes(include.url_patterns)


def test_the_matrix_covers_every_url_of_the_manager_area(
    campaign, petition, letter_action, minister
):
    objects = {
        "campaign": campaign,
        "petition": petition,
        "letter_action": letter_action,
        "minister": minister,
    }
    modules = {"campaigns.manage_views", "petitions.manage.views", "letters.manage_views"}
    manager_urls = {
        f"{include.namespace}:{pattern.name}"
        for include in namespaced_includes(get_resolver().url_patterns)
        for pattern in include.url_patterns
        if getattr(pattern, "callback", None) and pattern.callback.__module__ in modules
    } - LETTERS_STAFF_URLS

    covered = {resolve(urlsplit(case.path(objects)).path).view_name for case in CASES}

    assert covered == manager_urls
    assert len(covered) == 24


@pytest.mark.parametrize(
    ("persona", "path", "expected"),
    [
        ("other_manager", "/en/manage/petitions/{petition}/status/close/", 404),
        ("other_manager", "/en/manage/petitions/{petition}/edit/", 404),
        ("other_manager", "/en/manage/petitions/{petition}/duplicate/", 404),
        ("other_manager", "/en/manage/letters/actions/{action}/status/close/", 404),
        ("other_manager", "/en/manage/letters/actions/{action}/edit/", 404),
        ("other_manager", "/en/manage/campaigns/{campaign}/edit/", 404),
        ("manager", "/en/manage/campaigns/{campaign}/status/archive/", 403),
        ("supporter", "/en/manage/petitions/{petition}/status/close/", 403),
        ("staff_without_mfa", "/en/manage/petitions/{petition}/status/close/", MFA),
        ("anonymous", "/en/manage/petitions/{petition}/duplicate/", LOGIN),
    ],
)
def test_changes_by_people_who_may_not_make_them_change_nothing(
    client, request, campaign, petition, letter_action, minister, persona, path, expected
):
    request.getfixturevalue("mallory")
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(FIXTURE[persona]))
    path = path.format(petition=petition.pk, action=letter_action.pk, campaign=campaign.pk)
    counts = (Petition.objects.count(), LetterAction.objects.count())

    response = client.post(
        path,
        {
            **petition_data(campaign, title_en="Taken over"),
            **letter_data(campaign, [minister], title_en="Taken over"),
            **campaign_data(title_en="Taken over"),
            "campaign": campaign.pk,
        },
    )

    assert outcome(response, path) == expected
    for row in (campaign, petition, letter_action):
        row.refresh_from_db()
    assert (campaign.status, campaign.title) == ("live", "Reform the NSL")
    assert (petition.status, petition.title) == ("open", "Free them now")
    assert (letter_action.status, letter_action.title) == ("open", "Write to the Minister")
    assert (Petition.objects.count(), LetterAction.objects.count()) == counts
