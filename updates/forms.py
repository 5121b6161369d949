from django import forms

from .models import Update


class UpdateForm(forms.ModelForm):
    class Meta:
        model = Update
        fields = ["subject_en", "body_en", "subject_ko", "body_ko"]
        widgets = {
            "body_en": forms.Textarea(attrs={"rows": 10}),
            "body_ko": forms.Textarea(attrs={"rows": 10, "lang": "ko"}),
            "subject_ko": forms.TextInput(attrs={"lang": "ko"}),
        }
