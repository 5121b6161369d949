"""Content in two languages (issue 14): a letter action's title, summary and
introduction get an English and a Korean column each. Today's content is English: it
moves into the English columns, so nothing is lost; the Korean ones start empty. Going
back keeps the English and drops the Korean.
"""

from django.db import migrations, models
from django.db.models import F

# (old column, its English column)
MOVED = [
    ("title", "title_en"),
    ("summary", "summary_en"),
    ("intro", "intro_en"),
    ("intro_html", "intro_html_en"),
]


def move_into_english(apps, schema_editor):
    """Copy every row's single-language content into the English columns."""
    LetterAction = apps.get_model("letters", "LetterAction")
    LetterAction.objects.update(**{english: F(old) for old, english in MOVED})


def move_back_from_english(apps, schema_editor):
    LetterAction = apps.get_model("letters", "LetterAction")
    LetterAction.objects.update(**{old: F(english) for old, english in MOVED})


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0005_printbatch_job_letteraction_publishable"),
    ]

    operations = [
        migrations.AddField(
            model_name="letteraction",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="letteraction",
            name="title_ko",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (Korean)"),
        ),
        migrations.AddField(
            model_name="letteraction",
            name="summary_en",
            field=models.CharField(
                blank=True,
                help_text="One or two sentences for lists and cards.",
                max_length=300,
                verbose_name="summary (English)",
            ),
        ),
        migrations.AddField(
            model_name="letteraction",
            name="summary_ko",
            field=models.CharField(
                blank=True,
                help_text="One or two sentences for lists and cards.",
                max_length=300,
                verbose_name="summary (Korean)",
            ),
        ),
        migrations.AddField(
            model_name="letteraction",
            name="intro_en",
            field=models.TextField(
                blank=True, help_text="Markdown.", verbose_name="introduction (English)"
            ),
        ),
        migrations.AddField(
            model_name="letteraction",
            name="intro_ko",
            field=models.TextField(
                blank=True, help_text="Markdown.", verbose_name="introduction (Korean)"
            ),
        ),
        migrations.AddField(
            model_name="letteraction",
            name="intro_html_en",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="letteraction",
            name="intro_html_ko",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="letteraction",
            name="missing_languages",
            field=models.JSONField(
                blank=True, default=list, editable=False, verbose_name="published without"
            ),
        ),
        migrations.RunPython(move_into_english, move_back_from_english),
        # Going back adds these columns again to rows that exist: they need a default
        # until the English is copied back into them.
        migrations.AlterField(
            model_name="letteraction",
            name="title",
            field=models.CharField(default="", max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="letteraction",
            name="summary",
            field=models.CharField(
                default="",
                help_text="One or two sentences for lists and cards.",
                max_length=300,
                verbose_name="summary",
            ),
        ),
        migrations.RemoveField(model_name="letteraction", name="title"),
        migrations.RemoveField(model_name="letteraction", name="summary"),
        migrations.RemoveField(model_name="letteraction", name="intro"),
        migrations.RemoveField(model_name="letteraction", name="intro_html"),
        migrations.AlterModelOptions(
            name="letteraction",
            options={
                "ordering": ["position", "title_en", "title_ko"],
                "verbose_name": "letter action",
                "verbose_name_plural": "letter actions",
            },
        ),
    ]
