"""Page forms share the API's input rules (API-4, ``core.validation``).

``GuardedForm``/``GuardedModelForm`` check every text field after the field's own
cleaning: a ``Textarea`` is free text (tab and line breaks kept, other control
characters refused), any other text input is one line (CR/LF refused too). Date and
date-time fields must fall in 2000..2100 (offsets within +/-14:00). The error is shown
on the field, like any other form error.
"""

from __future__ import annotations

from django import forms

from core import validation


class InputRulesMixin:
    def _post_clean_fields(self):
        for name, field in self.fields.items():
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            problem = None
            if isinstance(field, forms.CharField) and isinstance(value, str):
                multiline = isinstance(field.widget, forms.Textarea)
                problem = validation.text_problem(value, multiline=multiline)
            elif isinstance(field, forms.DateField | forms.DateTimeField):
                problem = validation.instant_problem(value)
            if problem:
                self.add_error(name, problem)

    def _clean_fields(self):
        super()._clean_fields()
        self._post_clean_fields()


class GuardedForm(InputRulesMixin, forms.Form):
    pass


class GuardedModelForm(InputRulesMixin, forms.ModelForm):
    pass


def file_size_validator(limit_setting: str = "CSV_IMPORT_MAX_BYTES"):
    """A form-field validator refusing uploads larger than ``settings.<limit_setting>``."""

    def validate(upload):
        from django.conf import settings

        limit = getattr(settings, limit_setting)
        if getattr(upload, "size", 0) > limit:
            raise forms.ValidationError(
                f"The file is larger than {limit / 1024 / 1024:.0f} MB; split it into "
                "smaller files."
            )

    return validate
