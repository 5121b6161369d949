from django.db import migrations

from accounts.roles import MANAGERS, STAFF, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(apps, STAFF, "campaigns", None)
    grant_in_migration(apps, MANAGERS, "campaigns", ["view_campaign", "change_campaign",
                                                      "view_target"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("accounts", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
