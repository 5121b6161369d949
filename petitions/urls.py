from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
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
