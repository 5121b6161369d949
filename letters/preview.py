"""The live preview of a letter: unsaved letters from whatever was typed so far.

Views call ``preview_letters(form)`` for the letter form, bound or not; nothing here
saves anything.
"""

from django.utils.translation import gettext as _
from django_countries import countries

from lib.text import unknown_placeholders

from .forms import LetterForm
from .models import PLACEHOLDERS, Letter
from .services import SenderDetails, compose_letter, resolve_language


def preview_letters(form: LetterForm) -> list[Letter]:
    """Unsaved letters from whatever was typed so far, valid or not, for the preview.

    Missing details show as bracketed hints ("[your town]"); over-long text is cut
    at its limit; a rewrite with an unknown placeholder is shown as typed.
    """
    action = form.action

    def text(name: str, limit: int, hint: str = "") -> str:
        value = str(form.typed(name) or "").strip()[:limit]
        return value or hint

    sender = SenderDetails(
        email="",
        first_name=text("first_name", 100, str(_("[your first name]"))),
        last_name=text("last_name", 100, str(_("[your last name]"))),
        city=text("city", 100, str(_("[your town]"))),
        country=text("country", 2).upper() if text("country", 2).upper() in countries else "",
        postal_address=text("postal_address", 300),
    )
    if form.letter is not None:
        targets = [form.letter.target]
    elif "targets" in form.fields:
        wanted = {str(value) for value in form.typed_list("targets")}
        targets = [t for t in form.officials if str(t.pk) in wanted] or form.officials[:1]
    else:
        targets = form.officials
    choice = text("language", 4)
    letters = []
    for target in targets:
        language = resolve_language(
            choice, target=target, interface_language=form.interface_language
        )
        subject = form.own_words("subject", text("subject", 200)) if action.allows_rewrite else ""
        body = (
            form.own_words("body", text("body", action.body_max_length))
            if action.allows_rewrite
            else ""
        )
        if unknown_placeholders(subject + body, PLACEHOLDERS):
            # Shown as typed; the form error names the unknown placeholder.
            subject, body = _literal(subject), _literal(body)
        letters.append(
            compose_letter(
                action=action,
                target=target,
                sender=sender,
                language=language,
                subject=subject,
                body=body,
                personal_paragraph=text("personal_paragraph", action.paragraph_max_length),
            )
        )
    return letters


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")
