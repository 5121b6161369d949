from django.db import migrations

from accounts.roles import MANAGERS, STAFF, grant_in_migration


def create_groups(apps, schema_editor):
    grant_in_migration(apps, STAFF, "accounts", [
        "view_user", "change_user", "view_supporter", "change_supporter",
        "view_consentrecord",
    ])
    grant_in_migration(apps, MANAGERS, "accounts", [])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
