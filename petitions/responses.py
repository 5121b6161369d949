"""Recording officials' responses, which moves the petition to "responded"."""

from django.db import transaction

from .models import Petition, Response
from .signals import response_recorded

# A petition still taking signatures keeps doing so when an official answers (as the
# UK's petitions go on to a debate after the government's response); one that has
# stopped, closed or delivered, becomes "responded".
RESPONDS_FROM = frozenset({Petition.Status.CLOSED, Petition.Status.DELIVERED})


@transaction.atomic
def record_response(*, response: Response) -> Response:
    """Save a new or changed response (a form's unsaved instance).

    Side effects: the row (its HTML rendered); the petition moves to "responded" if it
    was closed or delivered (``Petition.TRANSITIONS``), which drops its cached pages
    (``receivers.petition_saved``); the ``response_recorded`` signal.
    """
    created = response.pk is None
    response.save()
    petition = Petition.objects.select_for_update().get(pk=response.petition_id)
    if petition.status in RESPONDS_FROM:
        petition.set_status(Petition.Status.RESPONDED)
    else:
        petition.save(update_fields=["updated_at"])  # the page shows the response
    response_recorded.send(sender=Response, response_id=response.pk, created=created)
    return response


@transaction.atomic
def delete_response(*, response: Response) -> None:
    """Delete a response (recorded by mistake).

    Side effects: the row and its PDF (after commit); a petition left "responded" with
    no response goes back to delivered if it was delivered, else closed.
    """
    petition = Petition.objects.select_for_update().get(pk=response.petition_id)
    pdf = response.pdf.name
    storage = response.pdf.storage
    response.delete()
    if pdf:
        transaction.on_commit(lambda: storage.delete(pdf))
    if petition.status == Petition.Status.RESPONDED and not petition.responses.exists():
        back = Petition.Status.DELIVERED if petition.delivered_at else Petition.Status.CLOSED
        petition.set_status(back)
    else:
        petition.save(update_fields=["updated_at"])
