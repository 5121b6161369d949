from django.urls import path

from . import manage_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="detail"),
    path("manage/", manage_views.manage_index, name="manage_index"),
]
