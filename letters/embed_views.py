"""The letter-action embed for other sites (issue 13; docs/embedding.md).

A compact page that writes the letter inside another site's frame, framed only by the
campaign's allowlist (``lib.embed.embed_view``) and submitted with a signed form token
bound to the action instead of the CSRF cookie. As for petitions, nothing here reads a
session or a signed-in user: the letter is written as an anonymous visitor's on the
full page, with the same rate limit, and asking Sori to email it always goes through
the confirmation mail to the writer's address. The thanks step, with the links to the
letters (opened in a new window) and the next action, stays in the frame.
"""

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from campaigns.actions import next_action
from lib import embed as framing
from lib import embedcache

from . import services, views
from .forms import LetterForm
from .models import Letter, LetterAction

TEMPLATE = "embed/letter.html"
THANKS_TEMPLATE = "embed/letter_thanks.html"
# The thanks step names the letters just written by their private links, signed so
# that nobody can list other people's letters there, and only for a short while.
THANKS_SALT = "sori.letters.embed-thanks"
THANKS_MAX_AGE = 60 * 60


class EmbedLetterForm(LetterForm):
    """The letter form, plus asking Sori to email the letter (confirmed by mail first)."""

    send_by_email = forms.BooleanField(
        label=gettext_lazy(
            "Email my letter to the official for me. We first send you a link to confirm it."
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.action.deliver_email:
            del self.fields["send_by_email"]


def _action_key(action: LetterAction) -> str:
    return f"letter:{action.pk}"


def _get_action(request, slug: str) -> LetterAction:
    action = views._get_action_for_user(request, slug)
    request.embed_origins = action.campaign.embed_origin_list()
    return action


def _frame(request, action: LetterAction) -> dict:
    theme_url = reverse("letters:embed_theme", args=[action.slug])
    return {
        **framing.frame_context(request, campaign=action.campaign, theme_url=theme_url),
        "page_url": settings.SITE_URL + action.get_absolute_url(),
    }


def _context(request, action, *, form=None, notice: str = "") -> dict:
    if form is None and action.is_open:
        form = EmbedLetterForm(action=action, interface_language=request.LANGUAGE_CODE)
    return {
        **_frame(request, action),
        "action": action,
        "form": form,
        "notice": notice,
        "form_token": framing.make_form_token(_action_key(action)),
        "token_field": framing.FORM_TOKEN_FIELD,
    }


def _render(request, action, *, form=None, notice: str = "", status: int = 200):
    context = _context(request, action, form=form, notice=notice)
    return framing.render_frame(request, TEMPLATE, context, status=status)


@framing.embed_view
@require_safe
def embed(request, slug):
    action = _get_action(request, slug)
    if not action.is_open:
        return _render(request, action)  # a preview, or a closed action: not shared
    html = render_to_string(TEMPLATE, _context(request, action), request)
    # The next visitors get this copy from lib.embedcache: the page is the same for
    # everyone (its form token names the action), and a change to the action or its
    # campaign leaves the copy behind (lib.pagecache's version).
    embedcache.keep(
        request, translation.get_language(), html, request.embed_origins, seconds=float("inf")
    )
    return HttpResponse(html)


@framing.embed_view
@csrf_exempt  # the form token stands in for it (lib/embed.py); no session is read
@require_POST
def embed_write(request, slug):
    action = _get_action(request, slug)
    options = {"action": action, "interface_language": request.LANGUAGE_CODE}
    form = EmbedLetterForm(request.POST, **options)
    token = request.POST.get(framing.FORM_TOKEN_FIELD, "")
    if refusal := framing.check_form_token(token, _action_key(action)):
        return _render(request, action, form=form, notice=refusal, status=403)
    if not action.is_open:
        notice = _("This letter action is closed.")
        return _render(request, action, notice=notice, status=409)
    if not form.is_valid():
        return _render(request, action, form=form, status=400)
    if views._too_many_writes(request):
        form.add_error(None, views.TOO_MANY)
        return _render(request, action, form=form, status=429)
    try:
        result = services.write_letter(
            action=action,
            **form.service_arguments(),
            known_tokens=(),
            user=None,
            interface_language=request.LANGUAGE_CODE,
        )
    except services.LetterError as error:
        form.add_error(None, str(error))
        return _render(request, action, form=form, status=400)
    asked = form.cleaned_data.get("send_by_email", False)
    emailed = []
    for letter in result.letters:
        if asked and Letter.Delivery.EMAIL in services.allowed_deliveries(letter):
            try:
                services.request_delivery(
                    letter=letter,
                    method=Letter.Delivery.EMAIL,
                    user=None,
                    language=request.LANGUAGE_CODE,
                )
            except services.LetterError:
                continue
            emailed.append(letter.token)
    written = signing.dumps(
        {"l": [letter.token for letter in result.letters], "e": emailed}, salt=THANKS_SALT
    )
    response = redirect("letters:embed_thanks", slug=action.slug)
    response["Location"] += f"?w={written}"
    return response


@framing.embed_view
@require_safe
def embed_thanks(request, slug):
    action = _get_action(request, slug)
    try:
        written = signing.loads(request.GET.get("w", ""), salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        written = {"l": [], "e": []}
    letters = list(
        Letter.objects.filter(action=action, token__in=written.get("l", [])[:20])
        .select_related("target")
        .order_by("pk")
    )
    following = next_action(action.campaign, exclude=f"letter:{action.pk}")
    context = {
        **_frame(request, action),
        "action": action,
        "letters": letters,
        "emailed": bool(written.get("e")),
        "next_action": following,
        "next_action_url": following.url_in_frame if following else "",
    }
    return render(request, THANKS_TEMPLATE, context)


@require_safe
def embed_theme(request, slug):
    """The campaign's theme tokens for the frame (lib.embed.theme_stylesheet)."""
    action = LetterAction.objects.select_related("campaign").filter(slug=slug).first()
    if action is None:
        raise Http404("No letter action at this address.")
    return framing.theme_response(action.campaign.embed_stylesheet())
