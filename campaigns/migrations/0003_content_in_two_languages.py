"""Content in two languages (issue 14): a campaign's title, summary and story get an
English and a Korean column each. Today's content is English: it moves into the English
columns, so nothing is lost; the Korean ones start empty. Going back keeps the English
and drops the Korean.
"""

from django.db import migrations, models
from django.db.models import F

# (old column, its English column)
MOVED = [
    ("title", "title_en"),
    ("summary", "summary_en"),
    ("body", "body_en"),
    ("body_html", "body_html_en"),
]


def move_into_english(apps, schema_editor):
    """Copy every row's single-language content into the English columns."""
    Campaign = apps.get_model("campaigns", "Campaign")
    Campaign.objects.update(**{english: F(old) for old, english in MOVED})


def move_back_from_english(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Campaign.objects.update(**{old: F(english) for old, english in MOVED})


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_group_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="target",
            name="organisation_ko",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="organisation in Korean"
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="title_ko",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (Korean)"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="summary_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary (English)"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="summary_ko",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary (Korean)"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="Markdown.", verbose_name="story (English)"
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="body_ko",
            field=models.TextField(
                blank=True, help_text="Markdown.", verbose_name="story (Korean)"
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="body_html_en",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="campaign",
            name="body_html_ko",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="campaign",
            name="missing_languages",
            field=models.JSONField(
                blank=True, default=list, editable=False, verbose_name="published without"
            ),
        ),
        migrations.RunPython(move_into_english, move_back_from_english),
        # Going back adds these columns again to rows that exist: they need a default
        # until the English is copied back into them.
        migrations.AlterField(
            model_name="campaign",
            name="title",
            field=models.CharField(default="", max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="summary",
            field=models.CharField(default="", max_length=300, verbose_name="summary"),
        ),
        migrations.RemoveField(model_name="campaign", name="title"),
        migrations.RemoveField(model_name="campaign", name="summary"),
        migrations.RemoveField(model_name="campaign", name="body"),
        migrations.RemoveField(model_name="campaign", name="body_html"),
        migrations.AlterModelOptions(
            name="campaign",
            options={
                "ordering": ["position", "-published_at", "title_en", "title_ko"],
                "verbose_name": "campaign",
                "verbose_name_plural": "campaigns",
            },
        ),
    ]
