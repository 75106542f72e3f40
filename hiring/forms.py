"""Page forms (GuardedForm: the API's input rules)."""

from __future__ import annotations

from django import forms

from core.forms import GuardedForm, file_size_validator
from core.models import Channel

from .models import Note, QuestionKind, Stage
from .submission_rules import Contract


class RoundForm(GuardedForm):
    team = forms.ModelChoiceField(queryset=None, empty_label=None)
    name = forms.CharField(max_length=120)
    assessment_title = forms.CharField(
        max_length=200, initial="Bilingual Customer Support, Test Fixed Price"
    )
    assessment_text = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    hourly_title = forms.CharField(max_length=200, initial="Bilingual Customer Support, Hourly")
    hourly_text = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class ApplicantForm(GuardedForm):
    name = forms.CharField(max_length=120)
    email = forms.EmailField(required=False, max_length=254)
    profile_id = forms.CharField(required=False, max_length=80, label="Marketplace profile id")
    country = forms.CharField(max_length=2, min_length=2, help_text="Two letters, e.g. PH")
    region = forms.CharField(required=False, max_length=40, label="State or region")
    languages = forms.CharField(required=False, max_length=300, help_text="Comma-separated")


class ImportForm(GuardedForm):
    file = forms.FileField(
        validators=[file_size_validator()],
        help_text="CSV with the columns name, email, profile id, country, region, languages",
    )


MANUAL_CHOICES = [
    (s.value, s.label)
    for s in (
        Stage.ASSESSMENT_OFFERED,
        Stage.INVITED,
        Stage.INTERVIEWED,
        Stage.REJECTED,
        Stage.WITHDRAWN,
    )
]


class MoveForm(GuardedForm):
    to_stage = forms.ChoiceField(choices=MANUAL_CHOICES, label="Move to")
    reason = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:  # the page offers only the moves the table allows from here
            moves = [c for c in MANUAL_CHOICES if c[0] in allowed]
            # No stage preselected: rejecting someone is never the default.
            self.fields["to_stage"].choices = [("", "Choose a stage")] + moves if moves else []


class NoteForm(GuardedForm):
    kind = forms.ChoiceField(choices=Note.Kind.choices, initial=Note.Kind.INTERVIEW)
    body = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class HireForm(GuardedForm):
    username = forms.CharField(max_length=150)
    password = forms.CharField(
        max_length=128,
        widget=forms.PasswordInput(render_value=False),
        help_text="The new agent signs in with it; share it privately.",
        strip=False,
    )
    time_zone = forms.CharField(max_length=64, initial="America/Los_Angeles")
    channels = forms.MultipleChoiceField(
        choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    contract = forms.ChoiceField(choices=list(Contract.LABELS.items()))
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Override reason (US long-term only)",
    )


class QuestionForm(GuardedForm):
    kind = forms.ChoiceField(choices=QuestionKind.choices)
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        required=False,
        max_length=2400,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Multiple choice: one option a line; put the correct one first.",
    )
    rubric = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Free text: what a good answer does.",
    )
    points = forms.IntegerField(min_value=1, max_value=20, initial=2)
    as_image = forms.BooleanField(
        required=False, initial=True, label="Show the question as a picture"
    )


class SpeedTestForm(GuardedForm):
    speedtest_url = forms.CharField(max_length=300, label="Speed-test result link")


class SystemForm(GuardedForm):
    operating_system = forms.CharField(max_length=80)
    browser = forms.CharField(max_length=80)
