from django.core import mail

from accounts.models import Supporter
from lib.tasks import after_commit, task


def test_a_task_is_found_by_name_even_before_its_module_was_imported():
    found = task("letters.tasks.store_letter_pdf")

    assert found.name == "letters.tasks.store_letter_pdf"


def test_after_commit_runs_the_named_task_only_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    supporter_mail = "jiwoo@example.org"
    Supporter.objects.create(email=supporter_mail)

    with django_capture_on_commit_callbacks(execute=False) as pending:
        after_commit("accounts.tasks.send_data_link", supporter_mail, "en")
    sent_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        pending[0]()

    assert sent_before == 0
    assert len(pending) == 1
    assert len(mail.outbox) == 1
