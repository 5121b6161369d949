"""A print batch being built when one of its writers erases their data starts again."""

import pytest

from accounts.services import erase_supporter
from letters import services
from tests.factories import LetterActionFactory, LetterFactory, TargetFactory
from tests.interleave import after_progress
from tests.lib.test_pdf import pdf_text


@pytest.mark.django_db
def test_a_letter_erased_during_the_build_is_not_in_the_finished_batch(
    carol, settings, django_capture_on_commit_callbacks
):
    settings.LETTERS_BATCH_CHUNK = 1  # a step per letter
    target = TargetFactory()
    action = LetterActionFactory(targets=[target])
    leaving = LetterFactory(
        action=action, status="ready", first_name="Leaving", last_name="Person", city="Gwangju"
    )
    staying = [
        LetterFactory(action=action, status="ready", first_name=f"Writer{n}", city="Daegu")
        for n in range(2)
    ]
    supporter = leaving.supporter

    with (
        after_progress("letters_printbatch", lambda: erase_supporter(supporter=supporter)) as fired,
        django_capture_on_commit_callbacks(execute=True),
    ):
        batch = services.start_print_batch(target=target, user=carol)
    batch.refresh_from_db()

    assert fired == [True]
    assert (batch.status, batch.total, batch.progress) == ("done", 2, 2)
    assert set(batch.letters.all()) == set(staying)
    with batch.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Leaving" not in text and "Person" not in text and "Gwangju" not in text
    assert "Writer0" in text and "Writer1" in text
