from django.urls import path

from . import manage_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="detail"),
    # The manager area (campaigns/manage_views.py).
    path("manage/", manage_views.manage_index, name="manage_index"),
    path("manage/campaigns/new/", manage_views.campaign_create, name="manage_campaign_create"),
    path(
        "manage/campaigns/new/preview/",
        manage_views.campaign_create_preview,
        name="manage_campaign_create_preview",
    ),
    path("manage/campaigns/<int:pk>/", manage_views.campaign_detail, name="manage_campaign"),
    path(
        "manage/campaigns/<int:pk>/edit/",
        manage_views.campaign_edit,
        name="manage_campaign_edit",
    ),
    path(
        "manage/campaigns/<int:pk>/embed/",
        manage_views.campaign_embed,
        name="manage_campaign_embed",
    ),
    path(
        "manage/campaigns/<int:pk>/preview/",
        manage_views.campaign_preview,
        name="manage_campaign_preview",
    ),
    path(
        "manage/campaigns/<int:pk>/status/<slug:move>/",
        manage_views.campaign_status,
        name="manage_campaign_status",
    ),
]
