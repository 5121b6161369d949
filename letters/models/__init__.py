"""Letter actions and the letters supporters write to officials.

A ``LetterAction`` holds a campaign's letter: the officials it goes to, a subject and
body template per language with ``{placeholders}``, how much supporters may change,
and how letters may be delivered. A ``Letter`` is one supporter's letter to one
official, with its own unguessable link. ``LetterDelivery`` is the outgoing email to
the official (queued / sending / sent / failed, attempts, last error), so retries are
visible. ``PrintBatch`` is a staff job that merges ready letters into one PDF to post.
"""

from .action import LANGUAGES, PLACEHOLDERS, LetterAction, LetterActionQuerySet, placeholder_error
from .batch import PrintBatch
from .letter import Letter, LetterDelivery, LetterQuerySet, letter_date, new_token

__all__ = [
    "LANGUAGES",
    "PLACEHOLDERS",
    "Letter",
    "LetterAction",
    "LetterActionQuerySet",
    "LetterDelivery",
    "LetterQuerySet",
    "PrintBatch",
    "letter_date",
    "new_token",
    "placeholder_error",
]
