from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from lib.admin import ReadOnlyAdmin
from lib.states import TransitionNotAllowed

from . import signatures
from .models import Milestone, Petition, Signature


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1
    fields = ["threshold", "reached_at"]
    readonly_fields = ["reached_at"]


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "status", "signatures", "goal", "closes_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["title_en", "title_ko", "slug", "summary_en", "summary_ko"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["targets"]
    readonly_fields = [
        "status",
        "signatures",
        "count_updated_at",
        "published_at",
        "missing_languages",
        "delivered_at",
        "created_at",
        "updated_at",
    ]
    inlines = [MilestoneInline]
    actions = ["open_petitions", "close_petitions", "mark_delivered"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_count()

    @admin.display(description=_("signatures"))
    def signatures(self, petition) -> int:
        return petition.current_count

    def _move(self, request, queryset, status):
        moved = 0
        for petition in queryset:
            try:
                petition.set_status(status)
                moved += 1
            except TransitionNotAllowed as error:
                self.message_user(request, f"{petition}: {error}", messages.WARNING)
        self.message_user(request, _("%(n)d petition(s) changed.") % {"n": moved})

    @admin.action(description=_("Open for signatures"))
    def open_petitions(self, request, queryset):
        self._move(request, queryset, Petition.Status.OPEN)

    @admin.action(description=_("Close"))
    def close_petitions(self, request, queryset):
        self._move(request, queryset, Petition.Status.CLOSED)

    @admin.action(description=_("Mark as delivered"))
    def mark_delivered(self, request, queryset):
        self._move(request, queryset, Petition.Status.DELIVERED)


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    """Read-only rows; status moves go through the services so the counts follow."""

    list_display = ["petition", "supporter", "status", "review_reason", "display", "created_at"]
    list_filter = ["status", "review_reason", "petition", "display", "wants_updates"]
    search_fields = ["supporter__email", "supporter__email_key"]
    list_select_related = ["petition", "supporter"]
    actions = ["release", "invalidate"]
    may_change = True  # for the actions, which go through the services

    @admin.action(description=_("Release held signatures"), permissions=["change"])
    def release(self, request, queryset):
        moved = 0
        for signature in queryset.filter(status=Signature.Status.REVIEW).select_related("petition"):
            signatures.change_signature_status(
                signature=signature, status=signature.release_status()
            )
            moved += 1
        self.message_user(request, _("%(n)d signature(s) released.") % {"n": moved})

    @admin.action(description=_("Invalidate"), permissions=["change"])
    def invalidate(self, request, queryset):
        moved = signatures.change_signature_statuses(
            signatures=queryset, status=Signature.Status.INVALIDATED
        )
        self.message_user(request, _("%(n)d signature(s) invalidated.") % {"n": moved})
