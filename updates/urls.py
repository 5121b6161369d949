from django.urls import path

from . import manage_views, views

app_name = "updates"

# Pages, under /en/ and /ko/ (config/urls.py puts them in i18n_patterns).
urlpatterns = [
    path("manage/updates/", manage_views.update_list, name="list"),
    path("manage/updates/new/<str:kind>/<slug:slug>/", manage_views.update_create, name="create"),
    path("manage/updates/<int:pk>/", manage_views.update_detail, name="detail"),
    path("manage/updates/<int:pk>/edit/", manage_views.update_edit, name="edit"),
    path("manage/updates/<int:pk>/test/", manage_views.update_test, name="test"),
    path("manage/updates/<int:pk>/send/", manage_views.update_send, name="send"),
    path("manage/updates/<int:pk>/cancel/", manage_views.update_cancel, name="cancel"),
    path(
        "manage/updates/from-response/<int:response_pk>/",
        manage_views.update_from_response,
        name="from_response",
    ),
    path("updates/petitions/<slug:slug>/feed/", views.PetitionUpdatesFeed(), name="petition_feed"),
]

# Without a language: the one-click unsubscribe address in every message's
# List-Unsubscribe header (mail providers POST to it; it must not redirect).
neutral_urlpatterns = [
    path("updates/unsubscribe/<str:token>/", views.unsubscribe, name="updates_unsubscribe"),
]
