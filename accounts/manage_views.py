from django.core.paginator import Paginator
from django.shortcuts import render

from .audit import action_label
from .decorators import staff_required
from .models import AuditEntry


@staff_required
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.action_label = action_label(entry.action)
    codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
    actions = sorted((action_label(code), code) for code in codes)
    return render(
        request,
        "accounts/manage/audit_log.html",
        {"page": page, "action": action, "actions": actions},
    )
