"""The actions of campaigns as the manager area lists them, gathered from their apps.

The public registry (``campaigns.actions``) lists what supporters can do now; this one
lists everything a manager runs, drafts and closed actions included, with the way to
its dashboard and to a new action of each kind. Petitions and letters register a
source here in their ``AppConfig.ready()``; campaigns never import those apps.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ManagedAction:
    campaign_id: int
    kind: str  # "petition", "letter"
    kind_label: str
    title: str
    status: str
    status_label: str
    url: str  # its dashboard
    count: int
    goal: int | None = None


class ManagedSource(Protocol):
    kind: str

    def new_label(self) -> str:
        """The words of the link that starts a new action of this kind."""

    def new_url(self, campaign) -> str:
        """Where a new action of this kind starts, in ``campaign``."""

    def actions(self, campaign_ids: Sequence[int]) -> Iterable[ManagedAction]:
        """Every action of these campaigns, in the order the manager area shows them."""


_sources: list[ManagedSource] = []


def register(source: ManagedSource) -> ManagedSource:
    if all(existing.kind != source.kind for existing in _sources):
        _sources.append(source)
    return source


def sources() -> list[ManagedSource]:
    return list(_sources)


def actions_by_campaign(campaigns: Iterable) -> dict[int, list[ManagedAction]]:
    """Each campaign's actions of every kind, in one query per kind."""
    ids = [campaign.pk for campaign in campaigns]
    grouped: dict[int, list[ManagedAction]] = {pk: [] for pk in ids}
    if not ids:
        return grouped
    for source in _sources:
        for action in source.actions(ids):
            grouped[action.campaign_id].append(action)
    return grouped


def new_links(campaign) -> list[tuple[str, str]]:
    """(label, url) of each kind of action a manager can start in ``campaign``."""
    return [(source.new_label(), source.new_url(campaign)) for source in _sources]
