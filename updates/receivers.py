"""What updates do when petitions tell them something (petitions never import updates)."""

from petitions.signals import threshold_reached

from . import services
from .models import Update


def send_prepared_updates(sender, *, milestone_id: int, **kwargs) -> None:
    """Send each update prepared for the threshold just reached, as its writer would.

    Runs inside the transaction that announces the threshold (once: petitions claims
    the announcement), so the sends start, after commit, only if it commits.
    """
    prepared = Update.objects.filter(send_at_threshold_id=milestone_id, send__isnull=True)
    for update in prepared.select_related("created_by"):
        services.start_update(user=update.created_by, update=update, via="threshold")


def connect() -> None:
    threshold_reached.connect(send_prepared_updates, dispatch_uid="updates.prepared")
