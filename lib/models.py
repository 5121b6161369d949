"""Abstract models and mixins every app uses the same way.

- ``Translatable``: content written in every language Sori serves (``lib.translated``),
  with the languages a manager chose to publish without (campaigns, petitions, letter
  actions; updates to come).
- ``MarkdownBody``: a ``body`` per language written in Markdown and its sanitised HTML,
  kept in step on every save (campaigns, petitions; letter actions' introduction uses
  ``keep_markdown_rendered`` the same way).
- ``Publishable``: a status moved through a checked transition map, with the time of
  first publication stamped once (campaigns, petitions, letter actions).
- ``Job``: a long background job (delivery packs, print batches): status, progress,
  error, attempts, who started it, and a ``generation`` that tells the builder to start
  again when its rows change under it (``lib.jobs``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.states import TransitionNotAllowed, check_transition
from lib.text import render_markdown
from lib.translated import LANGUAGE_CODES, Text, Translated, language_name, text_of


class TranslationMissing(TransitionNotAllowed):
    """Publishing content with a language left unwritten that nobody chose to skip."""


class Translatable(models.Model):
    """Content in every language Sori serves, and the languages published without.

    Subclasses declare ``<name>_en``/``<name>_ko`` columns and ``<name> =
    Translated("<name>")`` for each name in ``TRANSLATED``; ``REQUIRED`` names the ones
    that each language written needs (a title, a summary). A language is *missing* when
    it lacks a field another language has. Publishing (``Publishable.set_status``)
    refuses missing languages unless they are in ``missing_languages``: the manager's
    explicit "publish without Korean", kept so the dashboard can show it.
    """

    missing_languages = models.JSONField(
        _("published without"), default=list, blank=True, editable=False
    )

    TRANSLATED: tuple[str, ...] = ()
    REQUIRED: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def text(self, name: str, language: str | None = None) -> Text:
        """Field ``name`` for a reader of ``language`` (falling back to another language)."""
        return text_of(self, name, language)

    def _filled(self, name: str, language: str) -> bool:
        return bool(str(getattr(self, f"{name}_{language}") or "").strip())

    def languages_written(self) -> list[str]:
        return [
            code
            for code in LANGUAGE_CODES
            if any(self._filled(name, code) for name in self.TRANSLATED)
        ]

    def untranslated_fields(self, language: str) -> list[str]:
        """The translated fields empty in ``language`` but written in another one."""
        return [
            name
            for name in self.TRANSLATED
            if not self._filled(name, language)
            and any(self._filled(name, code) for code in LANGUAGE_CODES if code != language)
        ]

    def untranslated_languages(self) -> list[str]:
        return [code for code in LANGUAGE_CODES if self.untranslated_fields(code)]

    def languages_to_confirm(self) -> list[str]:
        """Missing languages that nobody has chosen to publish without yet."""
        chosen = self.missing_languages
        return [code for code in self.untranslated_languages() if code not in chosen]

    def translation_states(self) -> list[dict]:
        """Per language: complete, or missing (published without it, or not yet chosen)."""
        states = []
        for code in LANGUAGE_CODES:
            missing = self.untranslated_fields(code)
            states.append(
                {
                    "code": code,
                    "name": language_name(code),
                    "complete": not missing,
                    "missing_fields": [self.field_label(name, code) for name in missing],
                    "published_without": bool(missing) and code in self.missing_languages,
                }
            )
        return states

    def field_label(self, name: str, language: str) -> str:
        return str(self._meta.get_field(f"{name}_{language}").verbose_name)

    @property
    def fallback_note(self) -> str:
        """The note for a reader whose language some of this content lacks, or ""."""
        for name in self.TRANSLATED:
            note = self.text(name).note
            if note:
                return note
        return ""

    def publish_without(self, languages: list[str]) -> None:
        """Record that the manager chose to publish without ``languages`` for now."""
        wanted = sorted({*self.missing_languages, *languages})
        if wanted != self.missing_languages:
            self.missing_languages = wanted
            self.save(update_fields=["missing_languages", "updated_at"])

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        written = self.languages_written()
        if not written and self.REQUIRED:
            first = f"{self.REQUIRED[0]}_{LANGUAGE_CODES[0]}"
            errors[first] = [_("Write this in at least one language.")]
        for code in written:
            for name in self.REQUIRED:
                if not self._filled(name, code):
                    errors[f"{name}_{code}"] = [
                        _("The %(language)s version needs this too, or leave it all empty.")
                        % {"language": language_name(code)}
                    ]
        if errors:
            raise ValidationError(errors)


def keep_markdown_rendered(instance: models.Model, name: str, kwargs: dict) -> None:
    """Render ``<name>_<lang>`` (Markdown) into ``<name>_html_<lang>`` for every language,
    and add the HTML columns to ``update_fields`` when their source is in it.

    Called from ``save()`` with its keyword arguments, before saving.
    """
    update_fields = kwargs.get("update_fields")
    extra = set()
    for code in LANGUAGE_CODES:
        source = f"{name}_{code}"
        setattr(instance, f"{name}_html_{code}", render_markdown(getattr(instance, source)))
        if update_fields is not None and source in update_fields:
            extra.add(f"{name}_html_{code}")
    if extra:
        kwargs["update_fields"] = {*update_fields, *extra}


class MarkdownBody(models.Model):
    """``body`` per language (Markdown) and its HTML (rendered through nh3), kept in step.

    ``body`` and ``body_html`` read the active language's (``lib.translated``).
    """

    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Markdown."))
    body_ko = models.TextField(_("text (Korean)"), blank=True, help_text=_("Markdown."))
    body_html_en = models.TextField(editable=False, blank=True)
    body_html_ko = models.TextField(editable=False, blank=True)

    body = Translated("body")
    body_html = Translated("body_html")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        keep_markdown_rendered(self, "body", kwargs)
        super().save(*args, **kwargs)


class Publishable(models.Model):
    """A status with a checked transition map, and the time it was first published.

    Subclasses define ``status`` (with ``choices``), ``TRANSITIONS`` and
    ``PUBLISHED_STATUS`` (the status that publishes), and an ``updated_at`` field.
    ``STAMPS`` maps further statuses to the time field stamped on every move to them.
    """

    published_at = models.DateTimeField(_("first published"), null=True, blank=True)

    TRANSITIONS: dict[str, set[str]] = {}
    PUBLISHED_STATUS = ""
    STAMPS: dict[str, str] = {}

    class Meta:
        abstract = True

    def set_status(self, status: str) -> None:
        """Move to ``status`` if the map allows it (``TransitionNotAllowed`` if not).

        Translatable content is published only in every language, or with the missing
        ones chosen as such (``Translatable.publish_without``): ``TranslationMissing``.
        """
        check_transition(self.TRANSITIONS, self.status, status)
        if status == self.PUBLISHED_STATUS and isinstance(self, Translatable):
            unchosen = self.languages_to_confirm()
            if unchosen:
                raise TranslationMissing(
                    _("It is not written in %(languages)s yet: add it, or publish without it.")
                    % {"languages": ", ".join(language_name(code) for code in unchosen)}
                )
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.PUBLISHED_STATUS and self.published_at is None:
            self.published_at = timezone.now()
            fields.append("published_at")
        if status in self.STAMPS:
            setattr(self, self.STAMPS[status], timezone.now())
            fields.append(self.STAMPS[status])
        self.save(update_fields=fields)


class Job(models.Model):
    """A long job worked in steps by a Celery task, shown with a progress bar.

    A new kind of job is a subclass with its own inputs and outputs; the status map,
    progress, error, attempts and restarts (``lib.jobs``) are shared.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Working")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PENDING: {Status.RUNNING, Status.FAILED, Status.CANCELLED},
        # Running -> pending: a worker died mid-job and the job is handed out again.
        Status.RUNNING: {Status.DONE, Status.FAILED, Status.CANCELLED, Status.PENDING},
        Status.DONE: set(),
        Status.FAILED: set(),
        Status.CANCELLED: set(),
    }
    WORKING = frozenset({Status.PENDING, Status.RUNNING})

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expected = models.PositiveIntegerField(_("steps expected"), default=0)
    progress = models.PositiveIntegerField(_("steps done"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    # Raised when rows the job reads change under it (a withdrawal, an erasure): the
    # builder compares it with the value it started from and starts again (lib.jobs).
    generation = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.expected)) if self.expected else 100

    @property
    def is_working(self) -> bool:
        return self.status in self.WORKING

    def start_run(self) -> bool:
        """Move to running for a run of the job, counting it in ``attempts``; False when
        the job has ended (done, failed, cancelled) and there is nothing to run.

        A job found running was left so by a run that died (its worker was killed, or
        the database went away under it): jobs are run by outbox messages, which are
        handed to a second run only once the first is known to be dead
        (``outbox.claims``) or its one-hour lease has ended. That run starts it again
        from the beginning; its steps are idempotent (``lib.jobs``).
        """
        if self.status == self.Status.RUNNING:
            self.set_status(self.Status.PENDING)
        if self.status != self.Status.PENDING:
            return False
        self.attempts += 1
        self.set_status(self.Status.RUNNING, fields=["attempts"])
        return True

    def set_status(self, status: str, *, fields: list[str] | tuple[str, ...] = ()) -> None:
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        extra = list(fields)
        if status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED):
            self.finished_at = timezone.now()
            extra.append("finished_at")
        self.save(update_fields=["status", *dict.fromkeys(extra)])

    def cancel(self) -> bool:
        """Stop the job if it has not finished; False when it had.

        Cancelled at once, under the row's lock: a run in progress stops at its next
        progress report, since its generation moves (``lib.jobs``), and stores nothing;
        a run storing its result holds the lock, so it either finishes first (and the
        job is done, not cancelled) or finds the job cancelled.
        """
        with transaction.atomic():
            job = type(self)._default_manager.select_for_update().get(pk=self.pk)
            if not job.is_working:
                return False
            job.generation += 1
            job.set_status(self.Status.CANCELLED, fields=["generation"])
        self.status, self.finished_at, self.generation = (
            job.status,
            job.finished_at,
            job.generation,
        )
        return True
