"""API fixtures: tokens for the cast (carol is staff, bob manages `campaign`, mallory
manages another campaign) and a client that sends them."""

import json

import pytest
from django.test import Client

from api.models import ApiToken


class ApiClient:
    """Django's test client speaking HAL+JSON with a token."""

    def __init__(self, token: str = ""):
        self.client = Client()
        self.token = token

    def _headers(self, headers: dict) -> dict:
        if self.token:
            headers.setdefault("HTTP_OSDI_API_TOKEN", self.token)
        return headers

    def get(self, path: str, **headers):
        return self.client.get(path, **self._headers(headers))

    def post(self, path: str, body, *, content_type: str = "application/hal+json", **headers):
        return self.client.post(
            path, json.dumps(body), content_type=content_type, **self._headers(headers)
        )


def token_for(user, scope: str = "read", name: str = "CRM sync") -> str:
    return ApiToken.issue(owner=user, name=name, scope=scope)[1]


@pytest.fixture
def staff_api(carol):
    return ApiClient(token_for(carol, "write"))


@pytest.fixture
def staff_reader(carol):
    return ApiClient(token_for(carol, "read"))


@pytest.fixture
def manager_api(bob, campaign):
    return ApiClient(token_for(bob, "write"))


@pytest.fixture
def mallory_api(mallory):
    return ApiClient(token_for(mallory, "write"))
