from django.db import migrations

from accounts.roles import MANAGERS, STAFF, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(apps, STAFF, "letters", None)
    # Managers write letter actions for their campaigns; supporters' letters are not
    # theirs to read.
    grant_in_migration(
        apps, MANAGERS, "letters", ["add_letteraction", "change_letteraction", "view_letteraction"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("accounts", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
