"""The helpers' workflows: record a signature, a letter or a signup for another system.

Each goes through the same form and service as the web page does (the sign form and
``sign_petition``; the letter form and ``write_letter``; ``record_consent``), so
validation, canonical email addresses, one signature per mailbox and closed petitions
hold for the API exactly as for a person at the site.
"""

from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.http import QueryDict

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import get_or_create_supporter, record_consent
from letters.forms import LetterForm
from letters.services import LetterError, write_letter
from petitions.models import Petition, Signature
from petitions.signing.forms import SignForm
from petitions.signing.services import PetitionNotOpen, sign_petition

from .forms import PersonForm
from .models import ApiToken, ForeignIdentifier, Kind, Origin
from .represent import NAMESPACE


class HelperError(ValueError):
    """The request cannot be recorded; ``errors`` says which fields are wrong."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


@dataclass(frozen=True)
class PersonInput:
    """The ``person`` hash of a helper request, as plain values."""

    email: str
    given_name: str = ""
    family_name: str = ""
    country: str = ""
    locality: str = ""
    postal_code: str = ""
    language: str = ""
    subscribed: bool | None = None  # the email's status, if the client sent one
    identifiers: tuple[str, ...] = ()


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def read_person(body) -> PersonInput:
    """The person of a helper request, or HelperError."""
    if _has_nul(body):
        # No text field takes a NUL character (PostgreSQL refuses them outright).
        raise HelperError("Text may not contain NUL characters.")
    person = body.get("person") if isinstance(body, dict) else None
    if not isinstance(person, dict):
        raise HelperError("Send the person as a hash under 'person'.")
    emails = person.get("email_addresses")
    first = emails[0] if isinstance(emails, list) and emails and isinstance(emails[0], dict) else {}
    address = _text(first.get("address"))
    if not address:
        raise HelperError(
            "The person needs an email address.",
            {"email": ["Send person.email_addresses[0].address."]},
        )
    postal = person.get("postal_addresses")
    place = postal[0] if isinstance(postal, list) and postal and isinstance(postal[0], dict) else {}
    status = first.get("status")
    subscribed = {"subscribed": True, "unsubscribed": False}.get(status) if status else None
    return PersonInput(
        email=address,
        given_name=_text(person.get("given_name")),
        family_name=_text(person.get("family_name")),
        country=_text(place.get("country")).upper(),
        locality=_text(place.get("locality")),
        postal_code=_text(place.get("postal_code")),
        language=_text(person.get("preferred_language")),
        subscribed=subscribed,
        identifiers=_identifiers(person),
    )


def _identifiers(body) -> tuple[str, ...]:
    values = body.get("identifiers") if isinstance(body, dict) else None
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise HelperError("identifiers must be a list of strings such as 'civicrm:1234'.")
    for value in values:
        system, _sep, local = value.partition(":")
        if not system or not local or len(value) > 255:
            raise HelperError(f"{value!r} is not an identifier such as 'civicrm:1234'.")
    # Our own identifiers name rows we made; a client cannot give them to other rows.
    return tuple(v for v in values if not v.startswith(f"{NAMESPACE}:"))


def _origin(body) -> str:
    value = body.get("origin_system") if isinstance(body, dict) else None
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 200:
        raise HelperError("origin_system must be a short string.")
    return value.strip()


def _known(kind: str, identifiers) -> int | None:
    """The row that one of these foreign identifiers already names, if any."""
    if not identifiers:
        return None
    return (
        ForeignIdentifier.objects.filter(kind=kind, value__in=identifiers)
        .values_list("object_id", flat=True)
        .first()
    )


def remember(kind: str, pk: int, *, identifiers, origin: str, token: ApiToken) -> None:
    """Keep the client's identifiers for a row, and where it came from."""
    for value in identifiers:
        try:
            with transaction.atomic():
                ForeignIdentifier.objects.get_or_create(
                    kind=kind, value=value, defaults={"object_id": pk}
                )
        except IntegrityError:
            pass  # given to another row a moment ago: the first one keeps it
    if origin:
        Origin.objects.get_or_create(
            kind=kind, object_id=pk, defaults={"origin_system": origin, "token": token}
        )


def _form_errors(form) -> HelperError:
    errors = {
        name: [str(message) for message in messages] for name, messages in form.errors.items()
    }
    first = next(iter(errors.values()))[0] if errors else "The request is not valid."
    return HelperError(first, errors)


@transaction.atomic
def record_signature(
    *, petition: Petition, body: dict, token: ApiToken, language: str
) -> tuple[Signature, bool]:
    """``record_signature_helper``: sign ``petition`` for the person in ``body``.

    Validated by the web's sign form; signed by ``sign_petition`` as a verified
    supporter would be, so the signature is confirmed and counted at once (unless the
    petition-wide surge limit holds it, as it would any signature). A repeat by the
    same mailbox, or by the same foreign identifier, records nothing new and returns
    the existing signature. Side effects: as ``sign_petition`` (supporter, signature,
    consents including updates when the email's status is "subscribed", the count),
    and the client's identifiers and ``origin_system`` kept. Returns (signature, new).
    """
    person = read_person(body)
    identifiers = _identifiers(body)
    origin = _origin(body)
    known = _known(Kind.SIGNATURE, identifiers)
    if known is not None:
        existing = Signature.objects.filter(pk=known, petition=petition).first()
        if existing is not None:
            return existing, False
    comments = body.get("comments", "")
    data = QueryDict(mutable=True)
    data.update(
        {
            "first_name": person.given_name,
            "last_name": person.family_name,
            "email": person.email,
            "country": person.country,
            "postcode": person.postal_code,
            "city": person.locality,
            "display": Signature.Display.INITIALS,
            "comment": comments if isinstance(comments, str) else "",
            # The organisation took the signature and the consent to process it.
            "sensitive_consent": "on",
        }
    )
    if person.subscribed:
        data["wants_updates"] = "on"
    form = SignForm(data, petition=petition)
    if not form.is_valid():
        raise _form_errors(form)
    signer = replace(form.signature_fields(), source=token.source[:40])
    supporter, _created = get_or_create_supporter(
        email=signer.email,
        defaults={"first_name": signer.first_name, "last_name": signer.last_name},
    )
    try:
        result = sign_petition(
            petition=petition,
            signer=signer,
            language=person.language or language,
            verified_supporter=supporter,
        )
    except PetitionNotOpen as error:
        raise HelperError("This petition takes no signatures now.") from error
    signature = result.signature
    remember(Kind.SIGNATURE, signature.pk, identifiers=identifiers, origin=origin, token=token)
    remember(
        Kind.PERSON, signature.supporter_id, identifiers=person.identifiers, origin="", token=token
    )
    return signature, result.created


@transaction.atomic
def record_outreach(*, action, body: dict, token: ApiToken, language: str) -> list:
    """``record_outreach_helper``: write the person's letter to the action's officials.

    Validated by the web's letter form (``targets`` may name officials by
    ``sori:<id>`` when supporters choose); written by ``write_letter``. Side effects:
    as ``write_letter`` (supporter, letter consent, letters, the action's count, PDFs
    after commit), and the client's identifiers and ``origin_system`` kept on each
    letter. Returns the letters.
    """
    person = read_person(body)
    identifiers = _identifiers(body)
    origin = _origin(body)
    data = QueryDict(mutable=True)
    data.update(
        {
            "first_name": person.given_name,
            "last_name": person.family_name,
            "email": person.email,
            "city": person.locality,
            "country": person.country,
            "language": "auto",
            "consent": "on",
        }
    )
    for name in ("subject", "message"):
        if isinstance(body.get(name), str):
            data["body" if name == "message" else name] = body[name]
    if isinstance(body.get("comments"), str):
        data["personal_paragraph"] = body["comments"]
    for target in body.get("targets") or [] if isinstance(body.get("targets"), list) else []:
        for value in (target.get("identifiers") or []) if isinstance(target, dict) else []:
            if isinstance(value, str) and value.startswith(f"{NAMESPACE}:"):
                data.appendlist("targets", value.partition(":")[2])
    form = LetterForm(data, action=action, interface_language=language)
    if not form.is_valid():
        raise _form_errors(form)
    try:
        result = write_letter(
            action=action, **form.service_arguments(), interface_language=language
        )
    except LetterError as error:
        raise HelperError(str(error)) from error
    letters = result.letters + result.unchanged
    for letter in letters:
        own = (
            tuple(f"{value}:{letter.target_id}" for value in identifiers)
            if len(letters) > 1
            else identifiers
        )
        remember(Kind.OUTREACH, letter.pk, identifiers=own, origin=origin, token=token)
    if letters:
        remember(
            Kind.PERSON,
            letters[0].supporter_id,
            identifiers=person.identifiers,
            origin="",
            token=token,
        )
    return letters


@transaction.atomic
def sign_up_person(*, body: dict, token: ApiToken, language: str) -> Supporter:
    """``person_signup_helper``: the person, matched by canonical email, and their consent
    to campaign updates (given, or withdrawn when the email's status is "unsubscribed").

    Side effects: a Supporter for a new address (blank names and places filled in on an
    existing one: a client never renames a person); a ConsentRecord for updates with
    source ``api:<token name>``; the client's identifiers kept.
    """
    person = read_person(body)
    form = PersonForm(
        {
            "email": person.email,
            "first_name": person.given_name,
            "last_name": person.family_name,
            "country": person.country,
            "city": person.locality,
            "postcode": person.postal_code,
        }
    )
    if not form.is_valid():
        raise _form_errors(form)
    data = form.cleaned_data
    details = {
        name: data[name] for name in ("first_name", "last_name", "country", "city", "postcode")
    }
    supporter, created = get_or_create_supporter(
        email=data["email"], defaults={**details, "language": person.language or language}
    )
    blanks = [name for name, value in details.items() if value and not getattr(supporter, name)]
    if blanks and not created:
        for name in blanks:
            setattr(supporter, name, details[name])
        supporter.save(update_fields=[*blanks, "updated_at"])
    record_consent(
        supporter=supporter,
        purpose=ConsentRecord.Purpose.UPDATES,
        granted=person.subscribed is not False,
        notice=notices.UPDATES,
        source=token.source,
        language=person.language or language,
    )
    # OSDI puts a person's identifiers in the person hash; accept them beside it too.
    identifiers = (*person.identifiers, *_identifiers(body))
    remember(Kind.PERSON, supporter.pk, identifiers=identifiers, origin=_origin(body), token=token)
    return supporter
