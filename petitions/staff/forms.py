"""Staff and manager forms: signature exports, delivery packs, moderation."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from lib.days import check_day

from ..models import Petition, Signature
from ..signing.forms import CountryChoiceField
from .exports import DEFAULT_COLUMNS, ExportSpec, columns_for
from .moderation import Criteria


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
                % {
                    "start": date_format(start, "SHORT_DATE_FORMAT"),
                    "end": date_format(end, "SHORT_DATE_FORMAT"),
                },
                code="impossible_dates",
            )
        return cleaned

    @staticmethod
    def default_data() -> QueryDict:
        data = QueryDict(mutable=True)
        data.setlist("columns", list(DEFAULT_COLUMNS))
        data.setlist("status", [Signature.Status.CONFIRMED])
        return data

    def spec(self):
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
        queryset=Petition.objects.order_by("title_en", "title_ko"),
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
