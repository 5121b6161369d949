import pytest
from django.urls import reverse

from accounts.models import AppendOnlyError, AuditEntry
from accounts.services import record_audit


def test_record_audit_appends_who_what_filters_and_rows(carol):
    entry = record_audit(
        actor=carol,
        action="export.signatures.csv",
        subject="petition:nsl",
        filters={"status": "confirmed"},
        rows=120,
    )

    assert (
        entry.actor,
        entry.actor_email,
        entry.action,
        entry.subject,
        entry.filters,
        entry.rows,
    ) == (
        carol,
        "carol@example.org",
        "export.signatures.csv",
        "petition:nsl",
        {"status": "confirmed"},
        120,
    )


def test_audit_entries_cannot_be_changed_or_deleted(carol):
    entry = record_audit(actor=carol, action="moderation.release", rows=3)

    entry.rows = 0
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(rows=0)
    assert AuditEntry.objects.get(pk=entry.pk).rows == 3


def test_staff_read_the_audit_log_filtered_by_action(client, carol):
    record_audit(actor=carol, action="export.signatures.csv", subject="petition:a", rows=5)
    record_audit(actor=carol, action="moderation.invalidate", subject="petition:b", rows=2)
    client.force_login(carol)

    page = client.get(reverse("accounts:audit_log"), {"action": "export"}).content.decode()

    assert "petition:a" in page
    assert "petition:b" not in page


@pytest.mark.parametrize("who", ["anonymous", "alice", "bob"])
def test_only_staff_open_the_audit_log(client, db, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("accounts:audit_log"))

    assert response.status_code == (302 if who == "anonymous" else 403)


def test_admin_shows_the_audit_log_read_only(client, carol):
    entry = record_audit(actor=carol, action="export.signatures.csv", rows=1)
    client.force_login(carol)

    listing = client.get("/admin/accounts/auditentry/")
    delete = client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
