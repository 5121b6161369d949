from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.admin import ReadOnlyAdmin
from lib.forms import EmailAddressField

from .models import AuditEntry, ConsentRecord, Supporter, User

# Addresses typed in the admin are canonicalised like every other form's, so an address
# that cannot be made canonical gets a message instead of an error from the model.
CANONICAL_EMAIL = {models.EmailField: {"form_class": EmailAddressField}}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    formfield_overrides = CANONICAL_EMAIL
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]


class ConsentInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = ["created_at", "purpose", "granted", "notice_version", "source"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Supporter)
class SupporterAdmin(admin.ModelAdmin):
    formfield_overrides = CANONICAL_EMAIL
    list_display = ["email", "first_name", "last_name", "country", "created_at", "user"]
    search_fields = ["email", "email_key", "first_name", "last_name"]
    list_filter = ["country", "language"]
    readonly_fields = ["email_key", "created_at", "updated_at", "user"]
    inlines = [ConsentInline]


class EvidenceAdmin(ReadOnlyAdmin):
    """Read-only: nobody adds, changes or deletes evidence through the admin."""


@admin.register(ConsentRecord)
class ConsentRecordAdmin(EvidenceAdmin):
    """Read-only: consent history is evidence and is never edited."""

    list_display = ["supporter", "purpose", "granted", "notice_version", "created_at"]
    list_filter = ["purpose", "granted", "notice_version"]
    search_fields = ["supporter__email"]


@admin.register(AuditEntry)
class AuditEntryAdmin(EvidenceAdmin):
    """Read-only: the audit log is evidence."""

    list_display = ["created_at", "actor_email", "action", "subject", "rows"]
    list_filter = ["action"]
    search_fields = ["actor_email", "subject"]
