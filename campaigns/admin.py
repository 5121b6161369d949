from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from lib.states import TransitionNotAllowed

from .models import Campaign, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "preferred_language", "email", "active", "illustrative"]
    list_filter = ["active", "preferred_language", "illustrative"]
    search_fields = ["name", "name_ko", "organisation", "organisation_ko", "email"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "published_at", "position"]
    list_filter = ["status"]
    search_fields = ["title_en", "title_ko", "slug", "summary_en", "summary_ko"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["managers", "targets"]
    readonly_fields = ["status", "published_at", "missing_languages", "created_at", "updated_at"]
    actions = ["make_live", "make_draft", "archive"]

    def _move(self, request, queryset, status):
        moved = 0
        for campaign in queryset:
            try:
                campaign.set_status(status)
                moved += 1
            except TransitionNotAllowed as error:
                self.message_user(request, f"{campaign}: {error}", messages.WARNING)
        self.message_user(request, _("%(n)d campaign(s) changed.") % {"n": moved})

    @admin.action(description=_("Publish (make live)"))
    def make_live(self, request, queryset):
        self._move(request, queryset, Campaign.Status.LIVE)

    @admin.action(description=_("Unpublish (back to draft)"))
    def make_draft(self, request, queryset):
        self._move(request, queryset, Campaign.Status.DRAFT)

    @admin.action(description=_("Archive"))
    def archive(self, request, queryset):
        self._move(request, queryset, Campaign.Status.ARCHIVED)
