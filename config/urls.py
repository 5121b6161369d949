from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from api import oembed
from donations import urls as donations_urls
from letters import urls as letters_urls
from lib import embed
from petitions import urls as petitions_urls
from updates import urls as updates_urls

from . import views

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

# Addresses without a language: machines, accounts, and data other sites read.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dev/mail/", views.dev_mailbox, name="dev_mailbox"),
    path("dev/mail/<str:name>/", views.dev_mail_detail, name="dev_mail_detail"),
    path("dev/mail/<str:name>/<int:index>/", views.dev_mail_attachment, name="dev_mail_attachment"),
    # The API (/api/v1/) and its manager pages (/manage/api/): one address for machines.
    path("", include("api.urls")),
    *petitions_urls.neutral_urlpatterns,
    *letters_urls.neutral_urlpatterns,
    # Reaching other sites (issue 13): oEmbed for CMSs, a loader for hosts without a
    # strict CSP.
    path("oembed", oembed.oembed, name="oembed"),
    path("embed.js", embed.loader_js, name="embed_loader"),
    *donations_urls.neutral_urlpatterns,
    *updates_urls.neutral_urlpatterns,
]

# Pages carry their language in the address (/en/..., /ko/...), so a shared Korean link
# stays Korean. An address without one (links in old mail, old bookmarks) is redirected
# by LocaleMiddleware to the visitor's language (cookie, then Accept-Language).
urlpatterns += i18n_patterns(
    path(
        "privacy/",
        TemplateView.as_view(
            template_name="privacy.html",
            # The notice says how long address hashes are kept: the setting, not a guess.
            extra_context={
                "ip_hash_days": settings.PETITIONS_IP_HASH_DAYS,
                "petition_days": settings.PETITIONS_RETENTION_DAYS,
                "letter_days": settings.LETTERS_RETENTION_DAYS,
            },
        ),
        name="privacy",
    ),
    path("about/", TemplateView.as_view(template_name="about.html"), name="about"),
    # petitions.urls serves /petitions/... and its manager pages under /manage/.
    path("", include("petitions.urls")),
    path("", include("accounts.urls")),
    path("", include("campaigns.urls")),
    path("", include("donations.urls")),
    path("", include("letters.urls")),
    path("", include("updates.urls")),
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
