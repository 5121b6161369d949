"""The OpenAPI description of the API (served at /api/v1/openapi.json).

The responses are HAL hashes whose keys (``_links``, ``osdi:people``) are not Python
names, so they are described here as JSON Schema, registered as components by
``add_components`` and referred to by each view's ``extend_schema``.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema

DATE = {"type": ["string", "null"], "format": "date-time"}
LINK = {
    "type": "object",
    "properties": {"href": {"type": "string"}, "title": {"type": "string"}},
    "required": ["href"],
}
LINKS = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [
            LINK,
            {"type": "array", "items": {"type": "object"}},
        ]
    },
}
COMMON = {
    "identifiers": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "origin_system": {"type": "string"},
    "created_date": DATE,
    "modified_date": DATE,
    "_links": LINKS,
}
TARGET = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "title": {"type": "string"},
        "organization": {"type": "string"},
    },
}


def _resource(properties: dict, required: tuple[str, ...] = ()) -> dict:
    return {
        "type": "object",
        "properties": {**COMMON, **properties},
        "required": ["identifiers", "created_date", "modified_date", "_links", *required],
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {"error": {"type": "string"}, "errors": {"type": "object"}},
        "required": ["error"],
    },
    "EntryPoint": {
        "type": "object",
        "properties": {
            "motd": {"type": "string"},
            "max_pagesize": {"type": "integer"},
            "vendor_name": {"type": "string"},
            "product_name": {"type": "string"},
            "osdi_version": {"type": "string"},
            "namespace": {"type": "string"},
            "_links": LINKS,
        },
        "required": [
            "motd",
            "max_pagesize",
            "vendor_name",
            "product_name",
            "osdi_version",
            "namespace",
            "_links",
        ],
    },
    "Person": _resource(
        {
            "given_name": {"type": "string"},
            "family_name": {"type": "string"},
            "preferred_language": {"type": "string"},
            "email_addresses": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "address": {"type": "string"},
                        "primary": {"type": "boolean"},
                        "status": {"enum": ["subscribed", "unsubscribed"]},
                    },
                    "required": ["address", "status"],
                },
            },
            "postal_addresses": {"type": "array", "items": {"type": "object"}},
        },
        ("given_name", "family_name"),
    ),
    "Petition": _resource(
        {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "summary": {"type": "string"},
            "petition_text": {"type": "string"},
            "browser_url": {"type": "string"},
            "total_signatures": {"type": "integer", "minimum": 0},
            "target": {"type": "array", "items": TARGET},
            "status": {"type": "string"},
        },
        ("title", "total_signatures", "target", "browser_url"),
    ),
    "Signature": _resource(
        {
            "action_date": DATE,
            "comments": {"type": "string"},
            "referrer_data": {"type": "object"},
        },
        ("action_date",),
    ),
    "AdvocacyCampaign": _resource(
        {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "summary": {"type": "string"},
            "browser_url": {"type": "string"},
            "targets": {"type": "string"},
            "target_list": {"type": "array", "items": TARGET},
            "total_outreaches": {"type": "integer", "minimum": 0},
            "type": {"enum": ["email", "postal mail"]},
            "status": {"type": "string"},
        },
        ("title", "target_list", "total_outreaches", "type"),
    ),
    "Outreach": _resource(
        {
            "action_date": DATE,
            "type": {"enum": ["email", "postal mail"]},
            "subject": {"type": "string"},
            "message": {"type": "string"},
            "targets": {"type": "array", "items": TARGET},
            "status": {"type": "string"},
            "_embedded": {"type": "object"},
        },
        ("type", "targets"),
    ),
    "Donation": _resource(
        {
            "action_date": DATE,
            "amount": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
            "currency": {"type": "string", "minLength": 3, "maxLength": 3},
            "recipients": {"type": "array", "items": {"type": "object"}},
            "payment": {"type": "object"},
            "subscription_instance": {"type": "integer", "minimum": 1},
            "voided": {"type": "boolean"},
            "voided_date": DATE,
        },
        ("amount", "currency", "payment", "voided"),
    ),
    "FundraisingPage": _resource(
        {
            "title": {"type": "string"},
            "browser_url": {"type": "string"},
            "total_donations": {"type": "integer", "minimum": 0},
            "currency": {"type": "string"},
        },
        ("title", "browser_url"),
    ),
    "Tag": _resource({"name": {"type": "string"}}, ("name",)),
    "Tagging": _resource({"item_type": {"type": "string"}}, ("item_type",)),
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def collection(name: str, rel: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "total_pages": {"type": "integer", "minimum": 0},
            "per_page": {"type": "integer", "minimum": 1},
            "page": {"type": "integer", "minimum": 1},
            "total_records": {"type": "integer", "minimum": 0},
            "_links": LINKS,
            "_embedded": {
                "type": "object",
                "properties": {rel: {"type": "array", "items": ref(name)}},
                "required": [rel],
            },
        },
        "required": ["total_pages", "per_page", "page", "total_records", "_links", "_embedded"],
    }


ERRORS = {
    401: ref("Error"),
    403: ref("Error"),
    404: ref("Error"),
    429: ref("Error"),
}
PAGING = [
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("per_page", int, description="Records per page, at most max_pagesize."),
    OpenApiParameter(
        "filter",
        str,
        description="OData-style filter: modified_date gt '2026-01-01T00:00:00Z' (eq, gt, "
        "ge, lt, le; joined by and; identifier eq 'system:id').",
    ),
    OpenApiParameter("after", str, description="The cursor a next link carries."),
]
HELPER_BODY = {
    "type": "object",
    "properties": {
        "person": {
            "type": "object",
            "properties": {
                "given_name": {"type": "string"},
                "family_name": {"type": "string"},
                "email_addresses": {"type": "array", "items": {"type": "object"}},
                "postal_addresses": {"type": "array", "items": {"type": "object"}},
                "identifiers": {"type": "array", "items": {"type": "string"}},
            },
        },
        "identifiers": {"type": "array", "items": {"type": "string"}},
        "origin_system": {"type": "string"},
        "comments": {"type": "string"},
    },
    "required": ["person"],
}


def read_list(name: str, rel: str, operation: str):
    return extend_schema(
        operation_id=operation,
        parameters=PAGING,
        responses={200: collection(name, rel), 400: ref("Error"), **ERRORS},
    )


def read_item(name: str, operation: str):
    return extend_schema(operation_id=operation, responses={200: ref(name), **ERRORS})


def helper(name: str, operation: str):
    return extend_schema(
        operation_id=operation,
        request={"application/hal+json": HELPER_BODY, "application/json": HELPER_BODY},
        responses={200: ref(name), 400: ref("Error"), **ERRORS},
    )


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.TokenAuthentication"
    name = "OSDIToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}


def only_api(endpoints):
    """Preprocessing hook: describe the API's own views only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1")]


def add_components(result, generator, request, public):
    """Postprocessing hook: the resource schemas the views refer to."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    return result
