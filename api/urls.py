from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularJSONAPIView

from . import helpers, manage_views, pages, views


class IdConverter:
    """A row id: digits that fit a 64-bit integer (a longer one is a 404, not an error)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"

api_patterns = [
    path("", views.EntryPoint.as_view(), name="aep"),
    path("openapi.json", SpectacularJSONAPIView.as_view(urlconf=None), name="openapi"),
    path("people", helpers.PeopleView.as_view(), name="people"),
    path("people/<id:pk>", views.PersonDetail.as_view(), name="person"),
    path("people/<id:person>/signatures", views.PersonSignatures.as_view()),
    path("people/<id:person>/outreaches", views.PersonOutreaches.as_view()),
    path("people/<id:person>/donations", views.PersonDonations.as_view()),
    path("petitions", views.PetitionList.as_view(), name="petitions"),
    path("petitions/<id:pk>", views.PetitionDetail.as_view(), name="petition"),
    path("petitions/<id:petition>/signatures", helpers.SignaturesView.as_view(), name="signatures"),
    path("petitions/<id:petition>/signatures/<id:pk>", views.SignatureDetail.as_view()),
    path("advocacy_campaigns", views.AdvocacyCampaignList.as_view()),
    path("advocacy_campaigns/<id:pk>", views.AdvocacyCampaignDetail.as_view()),
    path("advocacy_campaigns/<id:campaign>/outreaches", helpers.OutreachesView.as_view()),
    path("advocacy_campaigns/<id:campaign>/outreaches/<id:pk>", views.OutreachDetail.as_view()),
    path("donations", views.DonationList.as_view()),
    path("donations/<id:pk>", views.DonationDetail.as_view()),
    path("fundraising_pages", pages.FundraisingPageList.as_view()),
    path("fundraising_pages/<id:pk>", pages.FundraisingPageDetail.as_view()),
    path("fundraising_pages/<id:page>/donations", views.FundraisingPageDonations.as_view()),
    path("tags", pages.TagList.as_view()),
    path("tags/<id:pk>", pages.TagDetail.as_view()),
    path("tags/<id:tag>/taggings", pages.TaggingList.as_view()),
    path("tags/<id:tag>/taggings/<id:pk>", pages.TaggingDetail.as_view()),
    # Anything else under /api/v1/ is a 404 in JSON, not the site's HTML page.
    re_path(r"^.*$", views.not_found),
]

urlpatterns = [
    path("api/v1/", include(api_patterns)),
    path("manage/api/", manage_views.manage_index, name="manage_index"),
    path("manage/api/tokens/new/", manage_views.token_create, name="manage_token_create"),
    path(
        "manage/api/tokens/<id:pk>/revoke/", manage_views.token_revoke, name="manage_token_revoke"
    ),
    path("manage/api/webhooks/new/", manage_views.webhook_create, name="manage_webhook_create"),
    path("manage/api/webhooks/<id:pk>/", manage_views.webhook_detail, name="manage_webhook"),
    path(
        "manage/api/webhooks/<id:pk>/test/", manage_views.webhook_test, name="manage_webhook_test"
    ),
    path(
        "manage/api/webhooks/<id:pk>/toggle/",
        manage_views.webhook_toggle,
        name="manage_webhook_toggle",
    ),
    path(
        "manage/api/webhooks/<id:pk>/delete/",
        manage_views.webhook_delete,
        name="manage_webhook_delete",
    ),
]
