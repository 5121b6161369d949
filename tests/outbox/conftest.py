"""The petitions fixtures, for the end-to-end outbox test."""

from tests.petitions.conftest import petition, post  # noqa: F401
