from django.contrib import admin
from django.db.models import F

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: what after-commit work is waiting, failing or done (undone first)."""

    list_display = ["id", "task", "args", "created_at", "dispatched_at", "attempts", "done_at"]
    list_filter = ["task", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["task", "last_error"]
    readonly_fields = [field.name for field in Message._meta.fields]

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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
