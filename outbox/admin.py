from django.contrib import admin
from django.db.models import F

from lib.admin import ReadOnlyAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """Read-only: what after-commit work is waiting, failing or done (undone first)."""

    list_display = ["id", "task", "args", "created_at", "dispatched_at", "attempts", "done_at"]
    list_filter = ["task", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["task", "last_error"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .order_by(F("done_at").desc(nulls_first=True), "-created_at")
        )

    # Every staff member may look (the admin site already demands staff with MFA); the
    # app sits below accounts, so it grants no group permission of its own.
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)
