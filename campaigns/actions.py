"""The actions of a campaign, gathered from the apps that provide them.

Petitions, letters and donations register a function here in their
``AppConfig.ready()``; the campaign page, and the "what next" step after any
action, list what those functions return. Campaigns never import those apps.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    kind: str  # "petition", "letter", ...
    title: str
    summary: str
    url: str
    call_to_action: str
    count: int | None = None
    goal: int | None = None
    key: str = ""  # "petition:12": lets a page leave out the action just taken
    embed_url: str = ""  # the action inside another site's frame, if it can be embedded

    @property
    def url_in_frame(self) -> str:
        """Where a link from inside a frame leads: the embed if there is one, so the
        next action stays in the frame, else the page."""
        return self.embed_url or self.url

    @property
    def percent(self) -> int:
        if not self.goal or self.count is None:
            return 0
        return min(100, round(100 * self.count / self.goal))


ActionSource = Callable[[object], Iterable[Action]]
_sources: list[ActionSource] = []


def register(source: ActionSource) -> ActionSource:
    if source not in _sources:
        _sources.append(source)
    return source


def actions_for(campaign, *, exclude: str = "") -> list[Action]:
    actions: list[Action] = []
    for source in _sources:
        actions.extend(a for a in source(campaign) if not exclude or a.key != exclude)
    return actions


def next_action(campaign, *, exclude: str) -> Action | None:
    """What to offer after an action (``exclude``, the one just taken): the campaign's
    first other action. Donating is left out: the pages that offer this show the donate
    prompt in a place of its own. Shown through ``campaigns/_next_action.html``."""
    others = [
        action for action in actions_for(campaign, exclude=exclude) if action.kind != "donate"
    ]
    return others[0] if others else None
