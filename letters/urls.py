from django.urls import path

from . import embed_views, manage_views, opendata, views

app_name = "letters"

urlpatterns = [
    path("letters/", views.action_list, name="list"),
    path("letters/l/<str:token>/", views.letter_detail, name="letter"),
    path("letters/l/<str:token>/letter.pdf", views.letter_pdf, name="pdf"),
    path("letters/l/<str:token>/edit/", views.letter_edit, name="edit"),
    path("letters/l/<str:token>/deliver/", views.letter_deliver, name="deliver"),
    path("letters/confirm/<str:signed>/", views.confirm, name="confirm"),
    path("letters/<slug:slug>/", views.action_detail, name="action"),
    # The embed for other sites (issue 13), as for petitions.
    path("letters/<slug:slug>/embed/", embed_views.embed, name="embed"),
    path("letters/<slug:slug>/embed/write/", embed_views.embed_write, name="embed_write"),
    path("letters/<slug:slug>/embed/thanks/", embed_views.embed_thanks, name="embed_thanks"),
    path("letters/<slug:slug>/embed/theme.css", embed_views.embed_theme, name="embed_theme"),
    path("manage/letters/", manage_views.manage_index, name="manage_index"),
    path("manage/letters/batches/new/", manage_views.batch_create, name="manage_batch_create"),
    path("manage/letters/batches/<int:pk>/", manage_views.batch_detail, name="manage_batch"),
    path(
        "manage/letters/batches/<int:pk>/letters.pdf",
        manage_views.batch_pdf,
        name="manage_batch_pdf",
    ),
    path(
        "manage/letters/batches/<int:pk>/cancel/",
        manage_views.batch_cancel,
        name="manage_batch_cancel",
    ),
    path(
        "manage/letters/batches/<int:pk>/posted/",
        manage_views.batch_posted,
        name="manage_batch_posted",
    ),
    # Letter actions in the manager area (managers of the campaign, and staff).
    path("manage/letters/actions/new/", manage_views.action_create, name="manage_action_create"),
    path(
        "manage/letters/actions/new/preview/",
        manage_views.action_create_preview,
        name="manage_action_create_preview",
    ),
    path(
        "manage/letters/actions/new/letter.pdf",
        manage_views.action_create_pdf,
        name="manage_action_create_pdf",
    ),
    path(
        "manage/letters/actions/<int:pk>/",
        manage_views.action_dashboard,
        name="manage_action",
    ),
    path(
        "manage/letters/actions/<int:pk>/edit/",
        manage_views.action_edit,
        name="manage_action_edit",
    ),
    path(
        "manage/letters/actions/<int:pk>/preview/",
        manage_views.action_preview,
        name="manage_action_preview",
    ),
    path(
        "manage/letters/actions/<int:pk>/letter.pdf",
        manage_views.action_pdf,
        name="manage_action_pdf",
    ),
    path(
        "manage/letters/actions/<int:pk>/status/<slug:move>/",
        manage_views.action_status,
        name="manage_action_status",
    ),
    path(
        "manage/letters/actions/<int:pk>/duplicate/",
        manage_views.action_duplicate,
        name="manage_action_duplicate",
    ),
]

# Without a language: open data other sites read (docs/open-data.md).
neutral_urlpatterns = [
    path("letters/<slug:slug>.json", opendata.action_json, name="open_letter_action"),
]
