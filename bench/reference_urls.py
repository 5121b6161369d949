from django.http import HttpResponse, JsonResponse
from django.urls import path


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


def healthz(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("hello", hello),
    path("healthz", healthz),
]
