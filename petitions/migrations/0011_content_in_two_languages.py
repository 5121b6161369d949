"""Content in two languages (issue 14): a petition's title, summary and text get an
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
    Petition = apps.get_model("petitions", "Petition")
    Petition.objects.update(**{english: F(old) for old, english in MOVED})


def move_back_from_english(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    Petition.objects.update(**{old: F(english) for old, english in MOVED})


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0010_job_delivery_pack_and_publishable_petition"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="petition",
            name="title_ko",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (Korean)"),
        ),
        migrations.AddField(
            model_name="petition",
            name="summary_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary (English)"),
        ),
        migrations.AddField(
            model_name="petition",
            name="summary_ko",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary (Korean)"),
        ),
        migrations.AddField(
            model_name="petition",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="Markdown.", verbose_name="text (English)"
            ),
        ),
        migrations.AddField(
            model_name="petition",
            name="body_ko",
            field=models.TextField(blank=True, help_text="Markdown.", verbose_name="text (Korean)"),
        ),
        migrations.AddField(
            model_name="petition",
            name="body_html_en",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="petition",
            name="body_html_ko",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="petition",
            name="missing_languages",
            field=models.JSONField(
                blank=True, default=list, editable=False, verbose_name="published without"
            ),
        ),
        migrations.RunPython(move_into_english, move_back_from_english),
        # Going back adds these columns again to rows that exist: they need a default
        # until the English is copied back into them.
        migrations.AlterField(
            model_name="petition",
            name="title",
            field=models.CharField(default="", max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="petition",
            name="summary",
            field=models.CharField(default="", max_length=300, verbose_name="summary"),
        ),
        migrations.RemoveField(model_name="petition", name="title"),
        migrations.RemoveField(model_name="petition", name="summary"),
        migrations.RemoveField(model_name="petition", name="body"),
        migrations.RemoveField(model_name="petition", name="body_html"),
        migrations.AlterModelOptions(
            name="petition",
            options={
                "ordering": ["position", "-published_at", "title_en", "title_ko"],
                "verbose_name": "petition",
                "verbose_name_plural": "petitions",
            },
        ),
    ]
