from django.db import migrations

from accounts.roles import MANAGERS, STAFF, grant_in_migration


def grant(apps, schema_editor):
    # Nobody deletes signatures through the admin: the count would not follow. Staff
    # invalidate them, and supporters withdraw or erase them through the services.
    grant_in_migration(apps, STAFF, "petitions", [
        "add_petition", "change_petition", "view_petition",
        "add_milestone", "change_milestone", "delete_milestone", "view_milestone",
        "change_signature", "view_signature",
    ])
    grant_in_migration(apps, MANAGERS, "petitions", [
        "add_petition", "change_petition", "view_petition",
        "add_milestone", "change_milestone", "delete_milestone", "view_milestone",
    ])


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("accounts", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
