"""Forgetting on time: each app's retention step, found without importing the app.

Apps register one step in their ``AppConfig.ready()`` (from ``<app>/integrations.py``),
as they register their "my data" provider (``accounts.personal_data``), so accounts stays
ignorant of petitions and letters yet ``manage.py apply_retention`` and the daily task
(``accounts.tasks.apply_retention``) run them all.

A step anonymises what is past its app's retention period and deletes the private files
made from it. It keeps what the app's figures are computed from, so no count, chart or
total changes; supporters, their consents and their accounts are never touched (they
are the person's own, and leave only through erasure). Every step is idempotent: a row
it has anonymised is not found again, so a run cut short is finished by the next one.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.utils import timezone


@dataclass
class RetentionReport:
    """What one step found past retention (``dry_run``) or dealt with, in plain words."""

    app: str
    days: int
    cutoff: datetime
    anonymised: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    def add_anonymised(self, what: str, number: int) -> None:
        self.anonymised[what] = self.anonymised.get(what, 0) + number

    def add_deleted(self, what: str, number: int) -> None:
        self.deleted[what] = self.deleted.get(what, 0) + number

    @property
    def total(self) -> int:
        return sum(self.anonymised.values()) + sum(self.deleted.values())


class RetentionStep(Protocol):
    app: str

    def apply(self, *, now: datetime, dry_run: bool) -> RetentionReport: ...


_steps: list[RetentionStep] = []


def register(step: RetentionStep) -> RetentionStep:
    if all(existing.app != step.app for existing in _steps):
        _steps.append(step)
    return step


def steps() -> list[RetentionStep]:
    return sorted(_steps, key=lambda step: step.app)


def apply_retention(*, now: datetime | None = None, dry_run: bool = False) -> list[RetentionReport]:
    """Run every app's retention step; with ``dry_run`` only count what each would do.

    Side effects (without ``dry_run``): those of each step (anonymised rows, deleted
    private files); each step commits its own batches.
    """
    now = now or timezone.now()
    return [step.apply(now=now, dry_run=dry_run) for step in steps()]
