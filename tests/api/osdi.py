"""Checks every API answer against the OSDI JSON Schemas in tests/data/osdi/."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "osdi"
BASE = "https://sori.example/osdi/"
# The member schema of each collection, by its HAL relation.
MEMBERS = {
    "osdi:people": "person",
    "osdi:petitions": "petition",
    "osdi:signatures": "signature",
    "osdi:advocacy_campaigns": "advocacy_campaign",
    "osdi:outreaches": "outreach",
    "osdi:donations": "donation",
    "osdi:fundraising_pages": "fundraising_page",
    "osdi:tags": "tag",
    "osdi:taggings": "tagging",
}


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def validate(body: dict, name: str) -> dict:
    """Raise unless ``body`` is a valid ``name`` (person, petition, aep, error...)."""
    _validator(name).validate(body)
    return body


def validate_collection(body: dict, rel: str) -> list[dict]:
    """Raise unless ``body`` is a collection of ``rel``; its members."""
    validate(body, "collection")
    members = body["_embedded"][rel]
    for member in members:
        validate(member, MEMBERS[rel])
    assert [link["href"] for link in body["_links"][rel]] == [
        member["_links"]["self"]["href"] for member in members
    ]
    return members
