from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from lib.admin import ReadOnlyAdmin
from lib.states import TransitionNotAllowed

from .models import Letter, LetterAction, LetterDelivery, PrintBatch


@admin.register(LetterAction)
class LetterActionAdmin(admin.ModelAdmin):
    """Managers see and edit only the actions of campaigns they manage.

    Unknown placeholders are refused by ``LetterAction.clean``, which the admin form
    runs on save, with the placeholder named in the error.
    """

    list_display = ["title", "campaign", "status", "letter_count", "goal", "editing"]
    list_filter = ["status", "editing", "campaign"]
    search_fields = ["title_en", "title_ko", "slug", "summary_en", "summary_ko"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["targets"]
    readonly_fields = [
        "status",
        "missing_languages",
        "letter_count",
        "published_at",
        "created_at",
        "updated_at",
    ]
    actions = ["make_open", "make_draft", "close"]
    fieldsets = [
        (None, {"fields": ["campaign", "slug", "goal", "position"]}),
        (_("Officials"), {"fields": ["targets", "target_mode"]}),
        (
            _("English"),
            {"fields": ["title_en", "summary_en", "intro_en", "subject_en", "body_en"]},
        ),
        (
            _("Korean"),
            {"fields": ["title_ko", "summary_ko", "intro_ko", "subject_ko", "body_ko"]},
        ),
        (
            _("What supporters may change"),
            {"fields": ["editing", "paragraph_max_length", "body_max_length"]},
        ),
        (_("Delivery"), {"fields": ["deliver_download", "deliver_email", "deliver_print"]}),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "missing_languages",
                    "letter_count",
                    "published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).managed_by(request.user).select_related("campaign")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _move(self, request, queryset, status):
        moved = 0
        for action in queryset:
            try:
                action.set_status(status)
                moved += 1
            except TransitionNotAllowed as error:
                self.message_user(request, f"{action}: {error}", messages.WARNING)
        self.message_user(request, _("%(n)d letter action(s) changed.") % {"n": moved})

    @admin.action(description=_("Open to supporters"))
    def make_open(self, request, queryset):
        self._move(request, queryset, LetterAction.Status.OPEN)

    @admin.action(description=_("Back to draft"))
    def make_draft(self, request, queryset):
        self._move(request, queryset, LetterAction.Status.DRAFT)

    @admin.action(description=_("Close"))
    def close(self, request, queryset):
        self._move(request, queryset, LetterAction.Status.CLOSED)


class LetterRecordAdmin(ReadOnlyAdmin):
    """Letters are the supporter's words: staff look, the workflows change them."""

    may_delete = True


@admin.register(Letter)
class LetterAdmin(LetterRecordAdmin):
    list_display = ["action", "target", "status", "language", "written_at", "sent_at", "posted_at"]
    list_filter = ["status", "language", "action", "target"]
    search_fields = ["supporter__email", "subject"]
    exclude = ["pdf"]
    readonly_fields = [f.name for f in Letter._meta.fields if f.name not in {"pdf", "token"}]


@admin.register(LetterDelivery)
class LetterDeliveryAdmin(LetterRecordAdmin):
    list_display = [
        "letter",
        "to_email",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "target"]
    actions = ["retry_now"]

    def has_change_permission(self, request, obj=None):
        # Needed for the action below; every field stays read-only.
        return request.user.has_perm("letters.change_letterdelivery")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in LetterDelivery._meta.fields]

    @admin.action(description=_("Try queued emails again now"))
    def retry_now(self, request, queryset):
        count = queryset.filter(status=LetterDelivery.Status.QUEUED).update(
            next_attempt_at=timezone.now()
        )
        self.message_user(
            request, _("%(n)d email(s) will be tried at the next run.") % {"n": count}
        )


@admin.register(PrintBatch)
class PrintBatchAdmin(LetterRecordAdmin):
    list_display = [
        "target",
        "status",
        "total",
        "progress",
        "page_count",
        "created_at",
        "created_by",
    ]
    list_filter = ["status", "target"]
    exclude = ["file"]
    readonly_fields = [f.name for f in PrintBatch._meta.fields if f.name != "file"]
