"""The migrations to content in two languages keep today's (English) content."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("campaigns", "0002_group_permissions"),
    ("petitions", "0010_job_delivery_pack_and_publishable_petition"),
    ("letters", "0005_printbatch_job_letteraction_publishable"),
]
AFTER = [
    ("campaigns", "0003_content_in_two_languages"),
    ("petitions", "0011_content_in_two_languages"),
    ("letters", "0006_content_in_two_languages"),
]


def migrate(targets):
    """Migrate to ``targets``; the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_one_language(transactional_db):
    """The database as it was before the change; migrated to the latest state after."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_content_moves_into_the_english_columns(back_to_one_language):
    apps = back_to_one_language
    campaign = apps.get_model("campaigns", "Campaign").objects.create(
        slug="reform",
        title="Reform the NSL",
        summary="Nobody should be prosecuted for a peaceful opinion.",
        body="Amend **Article 7**.",
        body_html="<p>Amend <strong>Article 7</strong>.</p>",
        status="live",
    )
    petition = apps.get_model("petitions", "Petition").objects.create(
        campaign_id=campaign.pk,
        slug="free-them",
        title="Free them now",
        summary="Release everyone.",
        body="We ask you to **act**.",
        body_html="<p>We ask you to <strong>act</strong>.</p>",
    )
    action = apps.get_model("letters", "LetterAction").objects.create(
        campaign_id=campaign.pk,
        slug="write",
        title="Write to the Minister",
        summary="Ask the Minister.",
        intro="Your letter *matters*.",
        intro_html="<p>Your letter <em>matters</em>.</p>",
        subject_en="Subject",
        body_en="Letter",
        subject_ko="제목",
        body_ko="편지",
    )
    target = apps.get_model("campaigns", "Target").objects.create(
        name="The Minister of Justice",
        organisation="Ministry of Justice",
        salutation_en="Dear Minister",
        salutation_ko="법무부 장관님께",
    )

    apps = migrate(AFTER)

    fields = ["title_en", "title_ko", "summary_en", "summary_ko", "body_en", "body_ko"]
    Campaign = apps.get_model("campaigns", "Campaign")
    assert list(Campaign.objects.filter(pk=campaign.pk).values_list(*fields, "body_html_en")) == [
        (
            "Reform the NSL",
            "",
            "Nobody should be prosecuted for a peaceful opinion.",
            "",
            "Amend **Article 7**.",
            "",
            "<p>Amend <strong>Article 7</strong>.</p>",
        )
    ]
    Petition = apps.get_model("petitions", "Petition")
    assert list(
        Petition.objects.filter(pk=petition.pk).values_list(
            *fields, "body_html_en", "missing_languages"
        )
    ) == [
        (
            "Free them now",
            "",
            "Release everyone.",
            "",
            "We ask you to **act**.",
            "",
            "<p>We ask you to <strong>act</strong>.</p>",
            [],
        )
    ]
    LetterAction = apps.get_model("letters", "LetterAction")
    assert list(
        LetterAction.objects.filter(pk=action.pk).values_list(
            "title_en", "title_ko", "summary_en", "intro_en", "intro_html_en", "subject_ko"
        )
    ) == [
        (
            "Write to the Minister",
            "",
            "Ask the Minister.",
            "Your letter *matters*.",
            "<p>Your letter <em>matters</em>.</p>",
            "제목",
        )
    ]
    Target = apps.get_model("campaigns", "Target")
    assert list(
        Target.objects.filter(pk=target.pk).values_list("organisation", "organisation_ko")
    ) == [("Ministry of Justice", "")]


def test_going_back_keeps_the_english(back_to_one_language):
    apps = migrate(AFTER)
    Campaign = apps.get_model("campaigns", "Campaign")
    campaign = Campaign.objects.create(
        slug="reform",
        title_en="Reform the NSL",
        title_ko="국가보안법 개혁",
        summary_en="Amend Article 7.",
        summary_ko="제7조를 개정해 주십시오.",
        body_en="Now.",
        body_html_en="<p>Now.</p>",
        status="live",
    )

    apps = migrate(BEFORE)

    Campaign = apps.get_model("campaigns", "Campaign")
    assert list(
        Campaign.objects.filter(pk=campaign.pk).values_list("title", "summary", "body", "body_html")
    ) == [("Reform the NSL", "Amend Article 7.", "Now.", "<p>Now.</p>")]
