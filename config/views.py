"""Site-wide views: health check, error pages and the development mailbox."""

import io

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from lib.mail import list_mailbox, read_attachment, read_mail


@never_cache
def healthz(request):
    """200 when the database (and Redis, when configured) answer; 503 naming what failed."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"error: {type(error).__name__}"
    if settings.REDIS_URL:
        try:
            cache.set("healthz", "1", 5)
            checks["redis"] = "ok" if cache.get("healthz") == "1" else "error: no echo"
        except Exception as error:
            checks["redis"] = f"error: {type(error).__name__}"
    failing = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not failing else "error", "checks": checks, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)


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
