from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from .reference_urls import urlpatterns as reference_urlpatterns


def hello_with_token(request):
    return HttpResponse(f"hello {get_token(request)}".encode(), content_type="text/plain")


urlpatterns = [
    *reference_urlpatterns,
    path("hello-token", hello_with_token),
]
