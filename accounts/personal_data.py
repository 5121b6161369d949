"""What each app holds about a supporter, so that supporters can see, take and erase it.

Apps register one provider in their ``AppConfig.ready()``. Accounts stays ignorant of
petitions, letters and donations (dependencies point one way) yet "my data" shows all
of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ActivitySection:
    """One block of the "my activity" page: a template and what it needs."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


class PersonalDataProvider(Protocol):
    def activity(self, supporter) -> ActivitySection | None: ...

    def export(self, supporter) -> dict[str, list[dict[str, Any]]]: ...

    def erase(self, supporter) -> None: ...


_providers: list[PersonalDataProvider] = []


def register(provider: PersonalDataProvider) -> PersonalDataProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def providers() -> list[PersonalDataProvider]:
    return list(_providers)


def activity_sections(supporter) -> list[ActivitySection]:
    sections = [p.activity(supporter) for p in _providers]
    return sorted((s for s in sections if s is not None), key=lambda s: s.order)


def each_provider(action: Callable[[PersonalDataProvider], None]) -> None:
    for provider in _providers:
        action(provider)
