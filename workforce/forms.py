from __future__ import annotations

from django import forms

from core.forms import GuardedForm, file_size_validator


class CsvImportForm(GuardedForm):
    file = forms.FileField(
        label="CSV file",
        validators=[file_size_validator()],
        help_text="Columns: freelancer (username), kind (tracked or manual), start, end "
        "(ISO 8601 with offset, e.g. 2026-11-23T09:00:00-08:00).",
    )


class OutageForm(GuardedForm):
    starts_at = forms.DateTimeField(
        label="Started (your time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Ended (your time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(max_length=200, required=False, label="What happened")

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "An outage ends after it starts.")
        return data


class ManualTimeForm(GuardedForm):
    disabled = forms.BooleanField(required=False)


class RatingForm(GuardedForm):
    rating = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a rating from 1 to 5.",
            "invalid_choice": "Choose a rating from 1 to 5.",
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "Anything you'd like to tell us (optional)"}
        ),
    )


class AvailabilityForm(GuardedForm):
    zone = forms.CharField(max_length=64, label="Your time zone")
