"""Checked status transitions (the django-oscar ``set_status`` pattern)."""

from collections.abc import Mapping


class TransitionNotAllowed(ValueError):
    """A status change that the model's transition map does not allow."""


def check_transition(transitions: Mapping[str, set[str]], current: str, new: str) -> None:
    if new not in transitions.get(current, set()):
        raise TransitionNotAllowed(f"Cannot change status from {current!r} to {new!r}.")
