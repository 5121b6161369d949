"""Site-wide views: health check, error pages and the development mailbox."""

import hmac
import io

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from kombu import Connection

from lib.mail import list_mailbox, read_attachment, read_mail
from outbox.models import Message
from petitions.models import SignatureRequest

from . import outage


def _database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


def _cache_check() -> str:
    try:
        cache.set("healthz", "1", 5)
        return "ok" if cache.get("healthz") == "1" else "error: no echo"
    except Exception as error:
        return f"error: {type(error).__name__}"


def _broker_check() -> str:
    """ "eager" when tasks run inline; else whether the Celery broker accepts a connection."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=0, timeout=2)
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


def _depth(rows) -> dict:
    """How many rows wait (stored sign forms, undone outbox work), and the oldest's age."""
    waiting = rows.aggregate(count=Count("pk"), oldest=Min("created_at"))
    oldest = waiting["oldest"]
    age = None if oldest is None else max(0, int((timezone.now() - oldest).total_seconds()))
    return {"count": waiting["count"], "oldest_age_seconds": age}


def _may_see_full_health(request) -> bool:
    """A monitor with ``HEALTHZ_TOKEN`` as a bearer token, or a signed-in staff member."""
    token = settings.HEALTHZ_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        user = request.user
        return bool(user.is_authenticated and user.is_sori_staff)
    except outage.OUTAGE_ERRORS:
        return False  # the session cannot be read: the cheap answer says why


def _health_answer(checks: dict[str, str], **extra) -> JsonResponse:
    """503 only when the database fails: Redis and the broker accelerate and delay, and
    Sori keeps serving without them (a load balancer must keep the node), so their
    failures make the answer "degraded", named in ``failing``."""
    failing = [name for name, state in checks.items() if state not in ("ok", "eager")]
    down = "database" in failing
    status = "error" if down else "degraded" if failing else "ok"
    body = {"status": status, "checks": checks, "failing": failing}
    return JsonResponse({**body, **extra}, status=503 if down else 200)


@never_cache
def healthz(request):
    """200 when the database answers (naming Redis if it does not: "degraded"); 503 if not.

    ``?full=1`` (staff, or ``Authorization: Bearer <HEALTHZ_TOKEN>``; others get the
    cheap answer) adds the cache, the Celery broker, the waiting sign forms and the
    outbox's depth.
    """
    if request.GET.get("full") == "1" and _may_see_full_health(request):
        checks = {"database": _database_check(), "cache": _cache_check()}
        checks["broker"] = _broker_check()
        waiting = outbox = None
        if checks["database"] == "ok":
            try:
                waiting = _depth(SignatureRequest.objects.all())
                outbox = _depth(Message.objects.pending())
            except outage.OUTAGE_ERRORS as error:
                checks["database"] = f"error: {type(error).__name__}"
        return _health_answer(checks, signature_requests=waiting, outbox=outbox)
    checks = {"database": _database_check()}
    if settings.REDIS_URL:
        checks["redis"] = _cache_check()
    return _health_answer(checks)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def _require_dev_mailbox() -> None:
    if not settings.DEV_MAILBOX:
        raise Http404("The development mailbox is off.")


@never_cache
def dev_mailbox(request):
    _require_dev_mailbox()
    return render(request, "dev/mailbox.html", {"mails": list_mailbox(settings.DEV_MAIL_DIR)})


@never_cache
def dev_mail_detail(request, name):
    _require_dev_mailbox()
    try:
        mail = read_mail(settings.DEV_MAIL_DIR, name)
    except FileNotFoundError:
        raise Http404("No such message.") from None
    return render(request, "dev/mail_detail.html", {"mail": mail})


@never_cache
def dev_mail_attachment(request, name, index):
    _require_dev_mailbox()
    try:
        filename, content_type, payload = read_attachment(settings.DEV_MAIL_DIR, name, index)
    except FileNotFoundError:
        raise Http404("No such attachment.") from None
    return FileResponse(
        io.BytesIO(payload),
        content_type=content_type,
        filename=filename,
        as_attachment=content_type != "application/pdf",
    )


def csrf_failure(request, reason=""):
    """A form arrived without a valid CSRF token: say so plainly; nothing was saved."""
    return render(request, "403_csrf.html", status=403)
