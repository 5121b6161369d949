from django.urls import path

from . import manage_views, views

app_name = "petitions"

urlpatterns = [
    # --- Manager area: create, edit, preview, status, duplicate, dashboard -----------
    # (petitions/manage_views.py; by id, since addresses can change until published)
    path("manage/new/", manage_views.petition_create, name="manage_create"),
    path(
        "manage/new/preview/",
        manage_views.petition_create_preview,
        name="manage_create_preview",
    ),
    path("manage/<int:pk>/", manage_views.petition_dashboard, name="manage_dashboard"),
    path("manage/<int:pk>/edit/", manage_views.petition_edit, name="manage_edit"),
    path("manage/<int:pk>/preview/", manage_views.petition_preview, name="manage_preview"),
    path(
        "manage/<int:pk>/status/<slug:move>/",
        manage_views.petition_status,
        name="manage_status",
    ),
    path(
        "manage/<int:pk>/duplicate/",
        manage_views.petition_duplicate,
        name="manage_duplicate",
    ),
    # --- end of the manager area --------------------------------------------------------
    path("", views.petition_list, name="list"),
    path("challenge.json", views.challenge, name="challenge"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("confirm/<str:token>/resend/", views.resend, name="resend"),
    path("withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("<slug:slug>/", views.petition_detail, name="detail"),
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/count.json", views.count_json, name="count"),
    path("<slug:slug>/counter/", views.counter_fragment, name="counter"),
    path("<slug:slug>/withdraw/", views.withdraw_own, name="withdraw_own"),
]
