"""Staff see tokens (never the token itself), webhooks and every delivery, read-only."""

from django.contrib import admin

from lib.admin import ReadOnlyAdmin

from .models import ApiToken, ForeignIdentifier, Webhook, WebhookDelivery


class ReadOnly(ReadOnlyAdmin):
    may_delete = True


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly):
    list_display = ["name", "prefix", "owner", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    exclude = ["token_hash"]


@admin.register(Webhook)
class WebhookAdmin(ReadOnly):
    list_display = ["url", "owner", "events", "last_success_at", "disabled_at"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ["created_at", "webhook", "event", "idempotency_key", "status", "attempts"]
    list_filter = ["status", "event"]


@admin.register(ForeignIdentifier)
class ForeignIdentifierAdmin(ReadOnly):
    list_display = ["kind", "object_id", "value", "created_at"]
    search_fields = ["value"]
