"""Page forms: they parse and shape input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from core.forms import GuardedForm
from core.models import User

from .models import (
    PROBING_QUESTIONS,
    CallDirection,
    CallOutcome,
    ContractType,
    Kind,
    Macro,
    Party,
    Priority,
    Segment,
    SlaPolicy,
    SourceChannel,
    Status,
    Visibility,
)


def _blank(choices, label="Any"):
    return [("", label), *choices]


def _team_members(team):
    qs = User.objects.filter(is_active=True).order_by("first_name", "username")
    return qs.filter(team=team) if team is not None else qs


def _people_choices(users):
    return [(u.username, u.get_full_name() or u.username) for u in users]


def day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the viewer's time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


# Filters ----------------------------------------------------------------------------------
OPEN_STATUSES = [(s.value, s.label) for s in Status if s not in (Status.RESOLVED, Status.CLOSED)]
FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED)


class QueueFilterForm(GuardedForm):
    # ESC-3: every status can be chosen; blank is the open work (resolved/closed left out).
    status = forms.ChoiceField(
        choices=[
            ("", "Open work"),
            ("Open", OPEN_STATUSES),
            ("Finished", [(s.value, s.label) for s in FINISHED_STATUSES]),
        ],
        required=False,
    )
    kind = forms.ChoiceField(choices=_blank(Kind.choices), required=False)
    priority = forms.ChoiceField(choices=_blank(Priority.choices), required=False)
    agent = forms.ChoiceField(required=False, label="Assignee")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_lead:
            members = _people_choices(_team_members(user.team))
            self.fields["agent"].choices = [
                ("", "Everyone"),
                ("none", "Unassigned"),
                *members,
            ]
        else:
            self.fields["agent"].choices = [
                ("", "Mine and unassigned"),
                ("me", "Mine"),
                ("none", "Unassigned"),
            ]


class ReferenceListField(forms.Field):
    """Case references sent as repeated ``case`` values (the queue's row checkboxes)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        refs = []
        for raw in value or []:
            ref = str(raw).strip().upper()[:40]
            if ref and ref not in refs:
                refs.append(ref)
        return refs


def bulk_assignees(user):
    """People a lead may hand cases to: the active members of the teams they lead."""
    from core import access

    qs = User.objects.filter(is_active=True).order_by("first_name", "username")
    if access.is_admin(user):
        return qs.exclude(team__isnull=True)
    return qs.filter(team_id__in=access.team_ids_led_by(user))


class QueueBulkForm(GuardedForm):
    """TEAM-1: one action for many queue rows; the services decide row by row."""

    MAX_ROWS = 100
    ACTIONS = [("assign", "Assign"), ("release", "Release"), ("close", "Close")]

    case = ReferenceListField(required=False)
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ChoiceField(required=False, label="Assign to")
    reason = forms.CharField(max_length=500, required=False)
    # The queue's filters, to come back to the same view (a query string, never a URL).
    query = forms.CharField(max_length=1000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "Choose an agent"),
            *_people_choices(bulk_assignees(user)),
        ]

    def clean(self):
        data = super().clean()
        refs = data.get("case") or []
        if not refs:
            self.add_error("case", "Select at least one case.")
        elif len(refs) > self.MAX_ROWS:
            self.add_error("case", f"Select at most {self.MAX_ROWS} cases at a time.")
        action = data.get("action")
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", "Choose the agent to assign the cases to.")
        if action in ("release", "close") and not (data.get("reason") or "").strip():
            verb = "Releasing" if action == "release" else "Closing"
            self.add_error("reason", f"{verb} cases needs a reason.")
        return data


class BreachFilterForm(GuardedForm):
    agent = forms.ChoiceField(required=False)
    policy = forms.ModelChoiceField(
        queryset=SlaPolicy.objects.order_by("name"), required=False, empty_label="Any policy"
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    acknowledged = forms.ChoiceField(
        choices=[("", "All breaches"), ("no", "To acknowledge"), ("yes", "Acknowledged")],
        required=False,
    )

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [
            ("", "Any agent"),
            *_people_choices(_team_members(team)),
        ]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return data


class OutreachFilterForm(GuardedForm):
    search = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(choices=_blank(Status.choices), required=False)
    segment = forms.ChoiceField(choices=_blank(Segment.choices), required=False)
    assignee = forms.ChoiceField(required=False)
    criteria_min = forms.ChoiceField(
        choices=[("", "Any"), *[(str(n), f"{n}+ of 4") for n in range(0, 5)]],
        required=False,
        label="Criteria met",
    )
    routed_general = forms.ChoiceField(
        choices=[("", "Any route"), ("false", "Outreach cases"), ("true", "Routed as general")],
        required=False,
        label="Route",
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            *_people_choices(_team_members(None)),
        ]


# Case page ---------------------------------------------------------------------------------
class NoteForm(GuardedForm):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.INTERNAL, widget=forms.RadioSelect
    )


class CallForm(GuardedForm):
    party = forms.ChoiceField(choices=Party.choices, initial=Party.CLIENT)
    direction = forms.ChoiceField(choices=CallDirection.choices, initial=CallDirection.OUTBOUND)
    outcome = forms.ChoiceField(choices=CallOutcome.choices)
    duration_minutes = forms.IntegerField(
        min_value=0, max_value=600, initial=0, label="Duration (minutes)"
    )
    phone_number = forms.CharField(max_length=40, required=False)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in PROBING_QUESTIONS.items():
            self.fields[f"q_{key}"] = forms.CharField(
                label=question, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    @property
    def question_fields(self):
        return [self[f"q_{key}"] for key in PROBING_QUESTIONS]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        answers = {
            key: data[f"q_{key}"].strip()
            for key in PROBING_QUESTIONS
            if data.get(f"q_{key}", "").strip()
        }
        return {
            "party": data["party"],
            "direction": data["direction"],
            "outcome": data["outcome"],
            "duration_seconds": data["duration_minutes"] * 60,
            "phone_number": data["phone_number"],
            "summary": data["summary"],
            "answers": answers,
        }


class TransitionForm(GuardedForm):
    to = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(max_length=500, required=False)


class AssignForm(GuardedForm):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        to_field_name="username",
        empty_label="Nobody (back to the queue)",
    )
    reason = forms.CharField(max_length=500, required=False)


class MacroForm(GuardedForm):
    macro = forms.ModelChoiceField(queryset=Macro.objects.filter(active=True))

    def extra(self, data) -> dict:
        """Values typed for placeholders the case cannot fill (``extra_<name>`` fields)."""
        return {
            key[len("extra_") :]: value.strip()
            for key, value in data.items()
            if key.startswith("extra_") and value.strip()
        }


class ContactRequestForm(GuardedForm):
    requested_for = forms.ChoiceField(
        choices=Party.choices, label="Who is asking", initial=Party.CLIENT
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ContactDecisionForm(GuardedForm):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")])
    reason = forms.CharField(max_length=1000)


class BreachAcknowledgeForm(GuardedForm):
    reason = forms.CharField(max_length=1000, error_messages={"required": "Give a reason."})


# New cases ---------------------------------------------------------------------------------
class CaseCreateForm(GuardedForm):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.GENERAL)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    source_channel = forms.ChoiceField(
        choices=SourceChannel.choices, initial=SourceChannel.SUPPORT_TICKET
    )
    issue_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Client-facing paraphrase; macros quote it.",
    )
    client_name = forms.CharField(max_length=200)
    client_email = forms.EmailField(required=False)
    client_phone = forms.CharField(max_length=40, required=False)
    client_company = forms.CharField(max_length=200, required=False)
    client_account_id = forms.CharField(max_length=64, required=False)
    client_segment = forms.ChoiceField(choices=Segment.choices, initial=Segment.INDIVIDUAL)
    freelancer_name = forms.CharField(max_length=200, required=False)
    freelancer_email = forms.EmailField(required=False)
    contract_type = forms.ChoiceField(choices=_blank(ContractType.choices, "—"), required=False)
    contract_spend = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, label="Contract spend (USD)"
    )
    external_ticket_id = forms.CharField(max_length=100, required=False)
    tags = forms.CharField(required=False, help_text="Comma-separated.")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = [t.strip() for t in data.pop("tags", "").split(",") if t.strip()]
        if data.get("contract_spend") is None:
            data.pop("contract_spend", None)
        return data


class NcoIntakeForm(GuardedForm):
    client_name = forms.CharField(max_length=200)
    client_company = forms.CharField(max_length=200, required=False)
    client_email = forms.EmailField(required=False)
    client_phone = forms.CharField(max_length=40, required=False)
    client_account_id = forms.CharField(max_length=64, required=False)
    segment = forms.ChoiceField(choices=Segment.choices, initial=Segment.SMALL_BUSINESS)
    job_post_value = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, label="Job post value (USD)"
    )
    job_post_url = forms.URLField(required=False)
    web_presence = forms.BooleanField(
        required=False, label="Established web presence or company information found"
    )
    long_term_or_multiple = forms.BooleanField(
        required=False, label="Likely long-term or hiring several freelancers"
    )
    source_channel = forms.ChoiceField(
        choices=[
            (SourceChannel.SOCIAL_MEDIA.value, SourceChannel.SOCIAL_MEDIA.label),
            (SourceChannel.COMMUNITY.value, SourceChannel.COMMUNITY.label),
        ],
        initial=SourceChannel.SOCIAL_MEDIA,
    )
    reporting_team = forms.CharField(max_length=120, required=False)
    report_url = forms.URLField(required=False, label="Post or thread URL")
    issue_summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)
