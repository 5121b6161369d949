from django.urls import include, path

from . import feeds, opendata
from .manage import outcome_views
from .manage import views as manage_views
from .signing import embed_views, views
from .staff import export_views, moderation_views

app_name = "petitions"

# The public pages, under /petitions/.
public_urlpatterns = [
    path("", views.petition_list, name="list"),
    path("challenge.json", views.challenge, name="challenge"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("confirm/<str:token>/resend/", views.resend, name="resend"),
    path("withdraw/<str:token>/", views.withdraw, name="withdraw"),
    # Atom feed of new petitions ("feed.atom": a slug never holds a dot, so no petition
    # can be shadowed by it).
    path("feed.atom", feeds.NewPetitionsFeed(), name="feed"),
    path("<slug:slug>/", views.petition_detail, name="detail"),
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/counter/", views.counter_fragment, name="counter"),
    path("<slug:slug>/withdraw/", views.withdraw_own, name="withdraw_own"),
    # The embed for other sites (issue 13): framed only by the campaign's allowlist,
    # submitted with a signed form token instead of the CSRF cookie.
    path("<slug:slug>/embed/", embed_views.embed, name="embed"),
    path("<slug:slug>/embed/sign/", embed_views.embed_sign, name="embed_sign"),
    path("<slug:slug>/embed/thanks/", embed_views.embed_thanks, name="embed_thanks"),
    path("<slug:slug>/embed/theme.css", embed_views.embed_theme, name="embed_theme"),
]

urlpatterns = [
    path("petitions/", include(public_urlpatterns)),
]

# Data for other sites, the same in every language: served at one address with no
# language prefix (config/urls.py puts these outside i18n_patterns).
neutral_urlpatterns = [
    path("petitions/<slug:slug>/count.json", views.count_json, name="petition_count"),
    # Open data (docs/open-data.md): counts only, never names; CORS for any origin.
    path("petitions.json", opendata.petition_list_json, name="open_petitions"),
    path("petitions.csv", opendata.petition_list_csv, name="open_petitions_csv"),
    path("petitions/<slug:slug>.json", opendata.petition_json, name="open_petition"),
]

# Staff moderation and exports (issue 5, staff part): /manage/moderation/... for staff,
# /manage/petitions/<slug>/export/... for the petition's managers and staff.
urlpatterns += [
    path("manage/moderation/", moderation_views.queue, name="moderation_queue"),
    path("manage/moderation/bulk/", moderation_views.bulk, name="moderation_bulk"),
    path("manage/moderation/bulk/apply/", moderation_views.bulk_apply, name="moderation_apply"),
    path("manage/moderation/actions/", moderation_views.action_list, name="moderation_actions"),
    path(
        "manage/moderation/actions/<int:pk>/",
        moderation_views.action_detail,
        name="moderation_action",
    ),
    path(
        "manage/moderation/actions/<int:pk>/undo/",
        moderation_views.action_undo,
        name="moderation_undo",
    ),
    path("manage/moderation/trending/", moderation_views.trending, name="moderation_trending"),
    path("manage/petitions/<slug:slug>/export/", export_views.export_page, name="export"),
    path(
        "manage/petitions/<slug:slug>/export/signatures.csv",
        export_views.export_csv,
        name="export_csv",
    ),
    path(
        "manage/petitions/<slug:slug>/export/packs/", export_views.pack_create, name="pack_create"
    ),
    path(
        "manage/petitions/<slug:slug>/export/packs/<int:pk>/", export_views.pack_detail, name="pack"
    ),
    path(
        "manage/petitions/<slug:slug>/export/packs/<int:pk>/cancel/",
        export_views.pack_cancel,
        name="pack_cancel",
    ),
    path(
        "manage/petitions/<slug:slug>/export/packs/<int:pk>/pack.pdf",
        export_views.pack_pdf,
        name="pack_pdf",
    ),
    path(
        "manage/petitions/<slug:slug>/export/packs/<int:pk>/list.csv",
        export_views.pack_list,
        name="pack_list",
    ),
]

# Manager area (issue 5, manager part): create, edit, preview, move, duplicate and the
# dashboard, by id since an address can change until the petition is published.
urlpatterns += [
    path("manage/petitions/new/", manage_views.petition_create, name="manage_create"),
    path(
        "manage/petitions/new/preview/",
        manage_views.petition_create_preview,
        name="manage_create_preview",
    ),
    path("manage/petitions/<int:pk>/", manage_views.petition_dashboard, name="manage_dashboard"),
    path("manage/petitions/<int:pk>/edit/", manage_views.petition_edit, name="manage_edit"),
    path(
        "manage/petitions/<int:pk>/preview/", manage_views.petition_preview, name="manage_preview"
    ),
    path(
        "manage/petitions/<int:pk>/status/<slug:move>/",
        manage_views.petition_status,
        name="manage_status",
    ),
    path(
        "manage/petitions/<int:pk>/duplicate/",
        manage_views.petition_duplicate,
        name="manage_duplicate",
    ),
]

# Officials' responses and thresholds (issue 15).
urlpatterns += [
    path(
        "manage/petitions/<int:pk>/responses/",
        outcome_views.response_list,
        name="manage_responses",
    ),
    path(
        "manage/petitions/<int:pk>/responses/<int:response_pk>/",
        outcome_views.response_edit,
        name="manage_response",
    ),
    path(
        "manage/petitions/<int:pk>/responses/<int:response_pk>/delete/",
        outcome_views.response_delete,
        name="manage_response_delete",
    ),
    path(
        "manage/petitions/<int:pk>/thresholds/",
        outcome_views.thresholds,
        name="manage_thresholds",
    ),
]
