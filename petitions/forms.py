import re
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField, LazyTypedChoiceField

from accounts import notices
from accounts.models import Supporter
from lib.days import check_day
from lib.forms import EmailAddressField
from lib.names import clean_name

from . import abuse
from .models import Petition, Signature

NAME_MAX_LENGTH = 100
COMMENT_MAX_LENGTH = 500


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


class CountryChoiceField(LazyTypedChoiceField):
    """The country list, checked with a set look-up instead of a scan of 250 choices."""

    def valid_value(self, value) -> bool:
        return str(value) in _country_codes()


class SignForm(forms.Form):
    """The sign form. A signed-in supporter with a verified address gets it without the
    email, the honeypot and the challenge, prefilled with what we know."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = EmailAddressField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature. It is never shown."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = CountryField(blank_label=_("Choose your country")).formfield(
        choices_form_class=CountryChoiceField,
        label=_("Country"),
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    display = forms.ChoiceField(
        label=_("How should your name appear in the public list of signers?"),
        choices=Signature.Display.choices,
        initial=Signature.Display.INITIALS,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Why are you signing?"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        help_text=_("Up to 500 characters. Shown with your name unless you hide your name."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
    )
    wants_updates = forms.BooleanField(label=notices.UPDATES.text, required=False)
    # Bots fill every field; people never see this one (hidden by CSS, skipped by
    # keyboard and screen readers). A filled honeypot holds the signature for review.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Filled by static/js/petition-sign.js with the solved proof-of-work challenge.
    altcha = forms.CharField(required=False, widget=forms.HiddenInput)
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, petition: Petition, supporter: Supporter | None = None, **kwargs):
        self.petition = petition
        self.supporter = supporter
        if supporter is not None:
            kwargs.setdefault(
                "initial",
                {
                    "first_name": supporter.first_name,
                    "last_name": supporter.last_name,
                    "country": supporter.country.code or None,
                    "postcode": supporter.postcode,
                    "city": supporter.city,
                },
            )
        super().__init__(*args, **kwargs)
        if supporter is not None:
            for name in ("email", "website", "altcha"):
                del self.fields[name]
        for name in ("postcode", "city"):
            if not petition.asks(name):
                del self.fields[name]
            elif petition.requires(name):
                self.fields[name].required = True

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"])

    def clean_email(self) -> str:
        address = self.cleaned_data["email"]
        if abuse.is_disposable(address):
            raise ValidationError(
                _(
                    "Addresses from disposable email services cannot confirm a signature "
                    "for long enough. Please use an address you keep."
                ),
                code="disposable",
            )
        return address

    def clean_postcode(self) -> str:
        return " ".join(self.cleaned_data["postcode"].split()).upper()

    def clean_city(self) -> str:
        return " ".join(self.cleaned_data["city"].split())

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()

    def clean_source(self) -> str:
        return abuse.clean_ref(self.cleaned_data["source"])

    def signature_fields(self) -> dict:
        """Keyword arguments for ``services.sign_petition``."""
        data = self.cleaned_data
        return {
            "email": data["email"] if self.supporter is None else self.supporter.email,
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "country": data["country"],
            "postcode": data.get("postcode", ""),
            "city": data.get("city", ""),
            "display": data["display"],
            "comment": data["comment"],
            "wants_updates": data["wants_updates"],
            "source": data["source"],
        }


class ConfirmForm(forms.Form):
    """The name a signature will show, as the owner of the address confirms it."""

    first_name = SignForm.base_fields["first_name"]
    last_name = SignForm.base_fields["last_name"]
    display = SignForm.base_fields["display"]

    def __init__(self, *args, signature: Signature, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": signature.first_name,
                "last_name": signature.last_name,
                "display": signature.display,
            },
        )
        super().__init__(*args, **kwargs)

    clean_first_name = SignForm.clean_first_name
    clean_last_name = SignForm.clean_last_name


# Staff: exports, moderation and delivery packs (issue 5, staff part) -----------------


class ExportForm(forms.Form):
    """Columns and filters of a signature export (the web page and the command)."""

    UPDATES_CHOICES = [
        ("", _("Everyone")),
        ("yes", _("Only those who want updates")),
        ("no", _("Only those who do not")),
    ]

    columns = forms.MultipleChoiceField(
        label=_("Columns"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
        choices=Signature.Status.choices,
        initial=[Signature.Status.CONFIRMED],
    )
    signed_from = forms.DateField(
        label=_("Signed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[check_day],
    )
    signed_to = forms.DateField(
        label=_("Signed until (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[check_day],
    )
    country = CountryChoiceField(
        label=_("Country"), choices=lambda: [("", _("Any country")), *countries], required=False
    )
    updates = forms.ChoiceField(
        label=_("Campaign updates"), choices=UPDATES_CHOICES, required=False
    )
    excel = forms.BooleanField(
        label=_("For Excel (adds a byte order mark so Hangul opens correctly)"), required=False
    )

    def __init__(self, *args, user, petition: Petition, **kwargs):
        from .exports import DEFAULT_COLUMNS, columns_for

        super().__init__(*args, **kwargs)
        self.petition = petition
        self.fields["columns"].choices = [(c.key, c.label) for c in columns_for(user)]
        self.fields["columns"].initial = list(DEFAULT_COLUMNS)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("signed_from"), cleaned.get("signed_to")
        if start and end and start > end:
            raise ValidationError(
                _(
                    "The start date (%(start)s) is after the end date (%(end)s), so no "
                    "signature could match. Check the dates."
                )
                % {"start": start.isoformat(), "end": end.isoformat()},
                code="impossible_dates",
            )
        return cleaned

    @staticmethod
    def default_data() -> QueryDict:
        from .exports import DEFAULT_COLUMNS

        data = QueryDict(mutable=True)
        data.setlist("columns", list(DEFAULT_COLUMNS))
        data.setlist("status", [Signature.Status.CONFIRMED])
        return data

    def spec(self):
        from .exports import ExportSpec

        data = self.cleaned_data
        updates = {"yes": True, "no": False}.get(data.get("updates") or "")
        return ExportSpec(
            petition=self.petition,
            columns=tuple(data["columns"]),
            statuses=tuple(data["status"]),
            signed_from=data.get("signed_from"),
            signed_to=data.get("signed_to"),
            country=data.get("country") or "",
            wants_updates=updates,
            excel=bool(data.get("excel")),
        )


class DeliveryPackForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the pack"),
        choices=[("en", _("English")), ("ko", _("Korean"))],
        initial="ko",
    )
    cover_letter = forms.CharField(
        label=_("Cover letter"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain text; a blank line starts a new paragraph. Leave it empty for the "
            "standard letter, which gives the number of signatures and the petition's title."
        ),
    )

    def __init__(self, *args, petition: Petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        targets = list(petition.targets.all())
        if targets and all(t.preferred_language == "en" for t in targets):
            self.fields["language"].initial = "en"


class BulkModerationForm(forms.Form):
    """Which signatures to release or invalidate; at least one criterion."""

    DOMAIN = re.compile(
        r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"
    )
    # A pattern is matched against every signature's name: bounded, it stays cheap.
    MAX_STARS = 10

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("release", _("Release held signatures (they count, or wait for email confirmation)")),
            ("invalidate", _("Invalidate (they stop counting)")),
        ],
        widget=forms.RadioSelect,
        initial="release",
    )
    petition = forms.ModelChoiceField(
        label=_("Petition"),
        queryset=Petition.objects.order_by("title"),
        required=False,
        empty_label=_("All petitions"),
        to_field_name="slug",
    )
    ip_hash = forms.CharField(
        label=_("Address hash"),
        required=False,
        max_length=32,
        help_text=_("The 32 characters shown in the review queue or the trending report."),
    )
    email_domain = forms.CharField(
        label=_("Email domain"),
        required=False,
        max_length=253,
        help_text=_("For example example.org"),
    )
    signed_after = forms.DateTimeField(
        label=_("Signed at or after"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[check_day],
    )
    signed_before = forms.DateTimeField(
        label=_("Signed before"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[check_day],
    )
    name_pattern = forms.CharField(
        label=_("Name pattern"),
        required=False,
        max_length=200,
        help_text=_(
            "The whole name, any case; * stands for any characters, ? for one. "
            "For example: test* or *bot*"
        ),
    )
    review_reason = forms.ChoiceField(
        label=_("Reason held"),
        required=False,
        choices=[("", _("Any reason")), *[c for c in Signature.ReviewReason.choices if c[0]]],
    )

    def clean_ip_hash(self) -> str:
        value = self.cleaned_data["ip_hash"].strip().lower()
        if value and not re.fullmatch(r"[0-9a-f]{32}", value):
            raise ValidationError(
                _("An address hash is 32 characters, 0-9 and a-f."), code="ip_hash"
            )
        return value

    def clean_name_pattern(self) -> str:
        value = self.cleaned_data["name_pattern"]
        if value.count("*") > self.MAX_STARS:
            raise ValidationError(
                _("A name pattern can have at most %(limit)d “*”; this one has %(count)d."),
                code="too_many_stars",
                params={"limit": self.MAX_STARS, "count": value.count("*")},
            )
        return value

    def clean_email_domain(self) -> str:
        value = self.cleaned_data["email_domain"].strip().lower().lstrip("@").rstrip(".")
        if value and not self.DOMAIN.match(value):
            raise ValidationError(_("Enter a domain such as example.org."), code="domain")
        return value

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("signed_after"), cleaned.get("signed_before")
        if after and before and after >= before:
            raise ValidationError(
                _(
                    "“Signed at or after” must be earlier than “Signed before”: no "
                    "signature could match."
                ),
                code="impossible_times",
            )
        criteria = (
            "petition",
            "ip_hash",
            "email_domain",
            "signed_after",
            "signed_before",
            "name_pattern",
            "review_reason",
        )
        if not self.errors and not any(cleaned.get(name) for name in criteria):
            raise ValidationError(
                _(
                    "Choose at least one criterion: a petition, an address hash, a domain, "
                    "a time window or a name pattern."
                ),
                code="no_criteria",
            )
        return cleaned

    def criteria(self):
        from .moderation import Criteria

        data = self.cleaned_data
        return Criteria(
            kind=data["action"],
            petition=data.get("petition"),
            ip_hash=data.get("ip_hash") or "",
            email_domain=data.get("email_domain") or "",
            signed_after=data.get("signed_after"),
            signed_before=data.get("signed_before"),
            name_pattern=(data.get("name_pattern") or "").strip(),
            review_reason=data.get("review_reason") or "",
        )


class TrendingForm(forms.Form):
    ip = forms.IntegerField(
        label=_("Signatures per address hash, at least"), min_value=1, required=False
    )
    domain = forms.IntegerField(
        label=_("Signatures per email domain, at least"), min_value=1, required=False
    )
