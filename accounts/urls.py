from django.urls import path

from . import manage_views, views

app_name = "accounts"

urlpatterns = [
    path("account/", views.activity, name="activity"),
    path("account/security/required/", views.mfa_required, name="mfa_required"),
    path("manage/audit/", manage_views.audit_log, name="audit_log"),
    path("my-data/", views.data_request, name="data_request"),
    path("my-data/<str:token>/", views.data_detail, name="data"),
    path("my-data/<str:token>/download.json", views.data_download, name="data_download"),
    path("my-data/<str:token>/erase/", views.data_erase, name="data_erase"),
]
