"""The one read-only admin: rows that staff look at but only Sori's workflows write."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds or edits these rows by hand: evidence, money, supporters' words,
    delivery records. Every field is shown read-only.

    ``may_change`` keeps the change permission for admin actions that move rows through
    a service (releasing held signatures, resending a receipt); ``may_delete`` lets
    staff remove a row where removing is harmless (a revoked token, a letter).
    """

    may_change = False
    may_delete = False

    def get_readonly_fields(self, request, obj=None):
        extra = list(super().get_readonly_fields(request, obj))
        fields = [field.name for field in self.model._meta.fields]
        return fields + [name for name in extra if name not in fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return self.may_change and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_delete and super().has_delete_permission(request, obj)
