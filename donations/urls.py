from django.urls import path

from . import manage_views, views

app_name = "donations"

urlpatterns = [
    path("donate/", views.donate, name="donate"),
    path("donate/thanks/<uuid:reference>/", views.thanks, name="thanks"),
    path("donate/monthly/<uuid:reference>/cancel/", views.cancel_monthly, name="cancel_monthly"),
    path("donate/receipts/<str:number>.pdf", views.receipt_pdf, name="receipt"),
    path("manage/donations/", manage_views.manage_index, name="manage_index"),
    path("manage/donations/export.csv", manage_views.manage_export, name="manage_export"),
    path(
        "manage/donations/receipts/<int:pk>.pdf", manage_views.manage_receipt, name="manage_receipt"
    ),
]

# Stripe's webhook: configured once at Stripe, so never under a language prefix
# (config/urls.py puts these outside i18n_patterns).
neutral_urlpatterns = [
    path("donate/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
