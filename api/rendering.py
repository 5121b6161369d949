"""HAL+JSON in and out, and OSDI's error bodies (``{"error": "..."}``)."""

from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler


class HalJSONRenderer(JSONRenderer):
    media_type = "application/hal+json"
    format = "hal"
    ensure_ascii = False


class HalJSONParser(JSONParser):
    media_type = "application/hal+json"


def handle_exception(exc, context):
    """REST framework's answer, with the message under ``error`` as OSDI systems send it."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"error": str(response.data["detail"])}
    return response
