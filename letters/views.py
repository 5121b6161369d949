from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.models import Supporter
from campaigns.actions import next_action
from campaigns.models import Campaign
from lib import ratelimit
from lib.http import client_ip, hash_ip
from lib.preview import frameable_by_this_site
from lib.text import in_sentence

from . import services
from .forms import DeliveryForm, LetterForm
from .models import Letter, LetterAction
from .pdf import letter_context
from .preview import preview_letters

# The tokens of the letters this browser wrote or opened: holding a letter's link is
# what lets a person see, change and send it; the session remembers the links.
SESSION_KEY = "sori_letters"
REMEMBERED = 50
TOO_MANY = gettext_lazy(
    "Many letters came from your network in the last hour. Please try again later."
)


def _known_tokens(request) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def _remember(request, *letters: Letter) -> None:
    tokens = _known_tokens(request)
    for letter in letters:
        if letter.token in tokens:
            tokens.remove(letter.token)
        tokens.insert(0, letter.token)
    request.session[SESSION_KEY] = tokens[:REMEMBERED]


def _too_many_writes(request) -> bool:
    """Each letter costs a PDF render: cap letters per network address per hour.

    The address is hashed (``lib.http.hash_ip``); the cache holds no address.
    """
    limit = ratelimit.Limit(settings.LETTERS_WRITES_PER_HOUR_PER_ADDRESS, 60 * 60)
    return not ratelimit.allow(hash_ip(client_ip(request)), limit, prefix="letters:writes")


def _get_action_for_user(request, slug: str) -> LetterAction:
    """An open action for everyone; a draft or closed one only for its managers (preview)."""
    action = get_object_or_404(LetterAction.objects.select_related("campaign"), slug=slug)
    if action.is_open or roles.can_manage_campaign(request.user, action.campaign):
        return action
    if (
        action.status == LetterAction.Status.CLOSED
        and action.campaign.status != Campaign.Status.DRAFT
    ):
        return action  # shown as closed, without the form
    raise Http404("No letter action at this address.")


class _LinkExpired(Exception):
    """The private link is older than LETTERS_LINK_MAX_AGE_DAYS."""


def _get_letter_for_token(token: str) -> Letter:
    """The letter behind a private link; an unknown link is a 404 like any other page.

    An expired link raises _LinkExpired, which ``_private_link`` answers with a 410.
    """
    letter = get_object_or_404(
        Letter.objects.select_related("action__campaign", "target", "supporter"), token=token
    )
    if letter.link_expired:
        raise _LinkExpired
    return letter


def _private_link(view):
    """Answer an expired private link with 410 and the way to a fresh one."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LinkExpired:
            context = {"days": settings.LETTERS_LINK_MAX_AGE_DAYS}
            return render(request, "letters/link_expired.html", context, status=410)

    return wrapper


def _signed_in_supporter(request) -> Supporter | None:
    if not request.user.is_authenticated:
        return None
    return Supporter.objects.filter(user=request.user).first()


def action_list(request):
    actions = (
        LetterAction.objects.open()
        .select_related("campaign")
        .order_by("campaign__position", "position", "title_en", "title_ko")
    )
    return render(request, "letters/letteraction_list.html", {"actions": actions})


def _initial_for(request) -> dict:
    supporter = _signed_in_supporter(request)
    if supporter is None:
        return {}
    return {
        "email": supporter.email,
        "first_name": supporter.first_name,
        "last_name": supporter.last_name,
        "city": supporter.city,
        "country": supporter.country.code if supporter.country else "",
    }


def _unbound_copy(post, **kwargs) -> LetterForm:
    """The typed values, redisplayed without error messages (for "Preview" without JS)."""
    initial = {key: post.get(key) for key in post if key != "csrfmiddlewaretoken"}
    initial["targets"] = post.getlist("targets")
    initial["consent"] = bool(post.get("consent"))
    return LetterForm(initial=initial, **kwargs)


def _preview(letters: list[Letter]) -> list[dict]:
    return [letter_context(letter) for letter in letters]


def _render_preview(request, form: LetterForm):
    """The live preview (htmx): the letter as typed so far. Never saves anything."""
    context = {"preview": _preview(preview_letters(form))}
    return render(request, "letters/letteraction_detail.html#preview", context)


def action_detail(request, slug):
    action = _get_action_for_user(request, slug)
    options = {"action": action, "interface_language": request.LANGUAGE_CODE}
    if request.method == "POST" and request.htmx:
        return _render_preview(request, LetterForm(request.POST, **options))
    if request.method != "POST":
        form = LetterForm(initial=_initial_for(request), **options)
        return _render_action(request, action, form, preview_letters(form))
    form = LetterForm(request.POST, **options)
    if "preview" in request.POST:
        return _render_action(
            request, action, _unbound_copy(request.POST, **options), preview_letters(form)
        )
    if not form.is_valid():
        return _render_action(request, action, form, preview_letters(form), status=400)
    if _too_many_writes(request):
        form.add_error(None, TOO_MANY)
        return _render_action(request, action, form, preview_letters(form), status=429)
    try:
        result = services.write_letter(
            action=action,
            **form.service_arguments(),
            known_tokens=_known_tokens(request),
            user=request.user,
            interface_language=request.LANGUAGE_CODE,
        )
    except services.LetterError as error:
        form.add_error(None, str(error))
        return _render_action(request, action, form, preview_letters(form), status=400)
    _remember(request, *result.letters, *result.unchanged)
    for letter in result.unchanged:
        messages.info(
            request,
            _("Your letter to %(official)s is already on its way, so it was not changed.")
            % {"official": in_sentence(letter.target.display_name())},
        )
    first = (result.letters or result.unchanged)[0]
    return redirect(first)


def _render_action(request, action, form, preview, status=200):
    context = {"action": action, "form": form, "preview": _preview(preview)}
    return render(request, "letters/letteraction_detail.html", context, status=status)


def _letter_context(request, letter: Letter, **extra) -> dict:
    methods = services.allowed_deliveries(letter)
    known = set(_known_tokens(request))
    siblings = [
        other
        for other in Letter.objects.filter(action=letter.action_id, supporter=letter.supporter_id)
        .exclude(pk=letter.pk)
        .select_related("target")
        if other.token in known
    ]
    context = {
        "letter": letter,
        "methods": methods,
        "delivery_form": DeliveryForm(methods=methods) if letter.is_draft and methods else None,
        "email_delivery": getattr(letter, "email_delivery", None),
        "siblings": siblings,
        "can_print_instead": letter.action.deliver_print,
        "can_email_again": Letter.Delivery.EMAIL in methods,
        "paper": letter_context(letter),
        # Once the letter is on its way, the page offers the campaign's next action, as
        # the thanks page does after signing.
        "next_action": next_action(letter.action.campaign, exclude=f"letter:{letter.action_id}")
        if letter.status not in (Letter.Status.DRAFT, Letter.Status.FAILED)
        else None,
    }
    context.update(extra)
    return context


@never_cache
@_private_link
def letter_detail(request, token):
    letter = _get_letter_for_token(token)
    _remember(request, letter)
    return render(request, "letters/letter_detail.html", _letter_context(request, letter))


@never_cache
@frameable_by_this_site
@_private_link
def letter_pdf(request, token):
    """The letter as PDF: shown in the private page's frame, or downloaded."""
    letter = _get_letter_for_token(token)
    pdf = services.letter_pdf_bytes(letter, envelope=request.GET.get("envelope") == "1")
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") == "1" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{letter.pdf_filename()}"'
    return response


@never_cache
@_private_link
def letter_edit(request, token):
    letter = _get_letter_for_token(token)
    _remember(request, letter)
    if not letter.is_draft:
        messages.info(request, _("This letter is on its way and can no longer be changed."))
        return redirect(letter)
    options = {
        "action": letter.action,
        "interface_language": request.LANGUAGE_CODE,
        "letter": letter,
    }
    if request.method == "POST" and request.htmx:
        return _render_preview(request, LetterForm(request.POST, **options))
    form = LetterForm(request.POST or None, **options)
    status = 200
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        if _too_many_writes(request):
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            try:
                result = services.write_letter(
                    action=letter.action,
                    **form.service_arguments(),
                    known_tokens=_known_tokens(request),
                    user=request.user,
                    interface_language=request.LANGUAGE_CODE,
                )
            except services.LetterError as error:
                form.add_error(None, str(error))
            else:
                if result.unchanged:
                    messages.info(
                        request, _("This letter is on its way and can no longer be changed.")
                    )
                else:
                    messages.success(request, _("Your letter has been updated."))
                return redirect(letter)
    preview = preview_letters(form)
    if request.method == "POST" and "preview" in request.POST:
        form = _unbound_copy(request.POST, **options)
    elif form.is_bound and form.errors and status == 200:
        status = 400
    context = {
        "action": letter.action,
        "form": form,
        "preview": _preview(preview),
        "letter": letter,
    }
    return render(request, "letters/letteraction_detail.html", context, status=status)


@require_POST
@_private_link
def letter_deliver(request, token):
    letter = _get_letter_for_token(token)
    _remember(request, letter)
    method = request.POST.get("method", "")
    try:
        if letter.status == Letter.Status.FAILED:
            services.retry_delivery(letter=letter, method=method)
            messages.success(request, _("We will try again."))
            return redirect(letter)
        form = DeliveryForm(request.POST, methods=services.allowed_deliveries(letter))
        if not form.is_valid():
            context = _letter_context(request, letter, delivery_form=form)
            return render(request, "letters/letter_detail.html", context, status=400)
        confirmed = services.request_delivery(
            letter=letter,
            method=form.cleaned_data["method"],
            reply_to_supporter=form.cleaned_data.get("reply_to_supporter", False),
            user=request.user,
            language=request.LANGUAGE_CODE,
        )
    except services.LetterError as error:
        messages.error(request, str(error))
        return redirect(letter)
    if confirmed:
        messages.success(request, _("Thank you. Your letter is on its way."))
    return redirect(letter)


@never_cache
def confirm(request, signed):
    """The link in the confirmation email: GET shows the letter and a button, POST confirms.

    Mail scanners open links to check them; only a person pressing the button sends.
    """
    try:
        confirmation = services.read_confirm_token(signed)
    except services.LetterError as error:
        return render(request, "letters/confirm.html", {"error": str(error)}, status=400)
    letter = confirmation.letter
    if request.method != "POST":
        try:
            services.check_confirmation(confirmation)
        except services.LetterError as error:
            context = {"error": str(error), "letter": letter}
            return render(request, "letters/confirm.html", context, status=409)
    if request.method == "POST":
        try:
            services.confirm_delivery(
                letter=letter, revision=confirmation.revision, method=confirmation.method
            )
        except services.LetterError as error:
            context = {"error": str(error), "letter": letter}
            return render(request, "letters/confirm.html", context, status=409)
        _remember(request, letter)
        messages.success(request, _("Thank you for confirming. Your letter is on its way."))
        return redirect(letter)
    context = {"letter": letter, "method": confirmation.method, "signed": signed}
    return render(request, "letters/confirm.html", context)
