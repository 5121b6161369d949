from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Update


class UpdateForm(forms.ModelForm):
    class Meta:
        model = Update
        fields = ["subject_en", "body_en", "subject_ko", "body_ko", "send_at_threshold"]
        widgets = {
            "body_en": forms.Textarea(attrs={"rows": 10}),
            "body_ko": forms.Textarea(attrs={"rows": 10, "lang": "ko"}),
            "subject_ko": forms.TextInput(attrs={"lang": "ko"}),
        }

    def __init__(self, *args, petition=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a petition's update may wait for one of its thresholds not yet reached.
        waiting = petition.milestones.filter(reached_at__isnull=True) if petition else None
        if waiting is None or not waiting.exists():
            del self.fields["send_at_threshold"]
        else:
            field = self.fields["send_at_threshold"]
            field.queryset = waiting
            field.help_text = _(
                "Leave empty to send it yourself. Chosen, the update is sent by itself to "
                "the signers who asked for news as soon as the threshold is reached."
            )
