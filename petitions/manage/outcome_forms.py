"""Manager forms for officials' responses and thresholds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Milestone, Response


class ResponseForm(forms.ModelForm):
    """One official's response: who, when, the text in each language, maybe a PDF."""

    class Meta:
        model = Response
        fields = ["target", "responded_on", "body_en", "body_ko", "pdf"]
        widgets = {"responded_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.petition = petition
        taken = petition.responses.exclude(pk=self.instance.pk).values("target")
        self.fields["target"].queryset = petition.targets.exclude(pk__in=taken)
        self.fields["target"].label = _("Official")

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if pdf and hasattr(pdf, "read") and not pdf.name.lower().endswith(".pdf"):
            raise forms.ValidationError(_("Upload a PDF file."), code="not_pdf")
        if pdf and hasattr(pdf, "read") and pdf.read(5) != b"%PDF-":
            raise forms.ValidationError(_("Upload a PDF file."), code="not_pdf")
        if pdf and hasattr(pdf, "seek"):
            pdf.seek(0)
        return pdf


ThresholdFormSet = forms.inlineformset_factory(
    parent_model=Milestone.petition.field.related_model,
    model=Milestone,
    fields=["threshold", "within_days", "label_en", "label_ko"],
    extra=1,
    can_delete=True,
)
