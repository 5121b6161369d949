from django.db import migrations

from accounts.roles import STAFF, grant_in_migration


def grant(apps, schema_editor):
    # Staff see donations in the admin and may resend receipts or reprocess events;
    # nobody adds or deletes money records by hand (the admin forbids it).
    grant_in_migration(
        apps,
        STAFF,
        "donations",
        ["view_donation", "view_payment", "change_payment", "view_stripeevent", "change_stripeevent"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0001_initial"),
        ("accounts", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
