"""A pack whose worker died in the middle of the build is built again, not left running.

Its outbox message stays claimed by the dead run and the pack stays "running"; the
tests write that state as such a run leaves it (the cluster test, ``make cluster-test``,
does it for real with SIGKILL). Celery runs eagerly here.
"""

import socket
import subprocess
from datetime import timedelta

from django.utils import timezone

from outbox.models import Message
from outbox.tasks import sweep
from petitions.models import DeliveryPack
from petitions.staff.delivery import build_delivery_pack, start_delivery_pack
from tests.staff.conftest import at, recount, sign


def signers(petition) -> None:
    for name in ("Ji-woo", "Min-ho", "Seo-yeon"):
        sign(petition, name, "Kim", display="full", country="KR", created_at=at(1))
    recount()


def left_running_by_a_dead_worker(pack: DeliveryPack) -> Message:
    """What a worker killed half-way through the build leaves: a claimed message of a
    process that is gone, and the pack running with some progress."""
    process = subprocess.Popen(["true"])
    process.wait()
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    message = Message.objects.get(task="petitions.tasks.build_delivery_pack")
    Message.objects.filter(pk=message.pk).update(
        started_at=a_minute_ago,
        dispatched_at=a_minute_ago,
        claimed_by=f"{socket.gethostname()} {process.pid} 1",
    )
    DeliveryPack.objects.filter(pk=pack.pk).update(status="running", progress=2, attempts=1)
    return message


def test_a_pack_whose_worker_died_is_built_again_by_the_sweep(
    bob, petition, django_capture_on_commit_callbacks
):
    signers(petition)
    with django_capture_on_commit_callbacks(execute=False):
        pack = start_delivery_pack(petition=petition, user=bob)
    message = left_running_by_a_dead_worker(pack)

    sweep()

    pack.refresh_from_db()
    message.refresh_from_db()
    assert (pack.status, pack.total, pack.progress, pack.attempts) == ("done", 3, 3, 2)
    assert pack.file and pack.manifest
    assert message.done_at is not None


def test_a_finished_pack_is_not_built_again(bob, petition, django_capture_on_commit_callbacks):
    signers(petition)
    with django_capture_on_commit_callbacks(execute=True):
        pack = start_delivery_pack(petition=petition, user=bob)
    pack.refresh_from_db()
    finished = (pack.status, pack.file.name, pack.attempts)

    build_delivery_pack(pack_id=pack.pk)

    pack.refresh_from_db()
    assert (pack.status, pack.file.name, pack.attempts) == finished == ("done", pack.file.name, 1)
