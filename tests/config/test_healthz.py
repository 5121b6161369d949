"""/healthz stays cheap; /healthz?full=1 reports more, to staff and to a monitor's token."""

import datetime

import pytest
from django.utils import timezone

from outbox.models import Message
from petitions.models import SignatureRequest
from tests.config.test_database_outage import database_unreachable
from tests.factories import PetitionFactory

TOKEN = "monitor-token-123"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.HEALTHZ_TOKEN = TOKEN


def cheap_checks(settings) -> dict:
    return {"database": "ok", **({"redis": "ok"} if settings.REDIS_URL else {})}


def test_healthz_is_cheap_for_everyone(client, db, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": cheap_checks(settings), "failing": []}


def test_full_health_is_the_cheap_answer_for_anonymous_visitors(client, db, settings):
    response = client.get("/healthz?full=1")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": cheap_checks(settings), "failing": []}


def test_a_wrong_token_gets_the_cheap_answer(client, db, settings):
    response = client.get("/healthz?full=1", headers={"authorization": "Bearer wrong"})

    assert response.json() == {"status": "ok", "checks": cheap_checks(settings), "failing": []}


def test_without_a_token_setting_an_empty_bearer_is_refused(client, db, settings):
    settings.HEALTHZ_TOKEN = ""

    response = client.get("/healthz?full=1", headers={"authorization": "Bearer "})

    assert "signature_requests" not in response.json()


def test_full_health_for_staff_reports_waiting_sign_forms(client, carol, campaign):
    petition = PetitionFactory(campaign=campaign)
    now = timezone.now()
    for minutes in (7, 2):
        SignatureRequest.objects.create(
            petition=petition,
            data={},
            language="en",
            email_key=f"{minutes}@example.org",
            created_at=now - datetime.timedelta(minutes=minutes),
        )
    client.force_login(carol)

    response = client.get("/healthz?full=1")

    body = response.json()
    assert response.status_code == 200
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "eager"}
    assert body["failing"] == []
    assert body["status"] == "ok"
    assert body["signature_requests"]["count"] == 2
    assert 420 <= body["signature_requests"]["oldest_age_seconds"] <= 480
    assert body["outbox"] == {"count": 0, "oldest_age_seconds": None}


def test_full_health_for_a_signed_in_supporter_is_the_cheap_answer(client, alice, settings):
    client.force_login(alice)

    response = client.get("/healthz?full=1")

    assert response.json() == {"status": "ok", "checks": cheap_checks(settings), "failing": []}


def test_full_health_with_the_bearer_token_and_nothing_waiting(client, db):
    response = client.get("/healthz?full=1", headers={"authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "eager"},
        "failing": [],
        "signature_requests": {"count": 0, "oldest_age_seconds": None},
        "outbox": {"count": 0, "oldest_age_seconds": None},
    }


def test_full_health_checks_a_reachable_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"

    response = client.get("/healthz?full=1", headers={"authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


def test_full_health_names_an_unreachable_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz?full=1", headers={"authorization": f"Bearer {TOKEN}"})

    body = response.json()
    # Work waits in the outbox while the broker is away; the node keeps serving.
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["broker"] == "error: OperationalError"
    assert body["failing"] == ["broker"]


@pytest.mark.django_db(transaction=True)
def test_full_health_answers_503_when_the_database_is_unreachable(client):
    with database_unreachable():
        response = client.get("/healthz?full=1", headers={"authorization": f"Bearer {TOKEN}"})

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"] == {
        "database": "error: OperationalError",
        "cache": "ok",
        "broker": "eager",
    }
    assert body["failing"] == ["database"]
    assert body["signature_requests"] is None


@pytest.mark.django_db(transaction=True)
def test_cheap_health_answers_503_when_the_database_is_unreachable(client):
    with database_unreachable():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


def test_full_health_counts_undone_outbox_work(client, db):
    Message.objects.create(task="petitions.tasks.send_confirmation", args=[1])
    Message.objects.create(
        task="petitions.tasks.send_confirmation", args=[2], done_at=timezone.now()
    )

    response = client.get("/healthz?full=1", headers={"authorization": f"Bearer {TOKEN}"})

    assert response.json()["outbox"]["count"] == 1
