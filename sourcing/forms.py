from django import forms

from core.forms import GuardedForm, GuardedModelForm, file_size_validator

from .models import Category, ImportJob, Region, SourcingRules, Subcategory
from .models.rules import RULE_FIELDS


def _category_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in Category.objects.values_list("name", flat=True)]


def _subcategory_choices() -> list:
    grouped: dict[str, list] = {}
    for sub in Subcategory.objects.select_related("category").order_by("category__name", "name"):
        grouped.setdefault(sub.category.name, []).append((sub.name, sub.name))
    return [("", "Any subcategory"), *grouped.items()]


class CriteriaForm(GuardedForm):
    title = forms.CharField(max_length=200, required=False, label="Job title")
    job_reference = forms.CharField(
        max_length=100, required=False, help_text="The marketplace job to invite to."
    )
    case_reference = forms.CharField(max_length=100, required=False, help_text="E.g. ESC-1042.")
    category = forms.ChoiceField()
    subcategory = forms.ChoiceField(required=False)
    skills = forms.CharField(
        max_length=500, help_text="Comma-separated, e.g. figma, ux design", label="Skills"
    )
    keywords = forms.CharField(max_length=500, required=False, help_text="Comma-separated.")
    countries = forms.CharField(
        max_length=200, required=False, help_text="Client's countries, e.g. US, CA."
    )
    regions = forms.MultipleChoiceField(
        choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    budget = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    writing = forms.ChoiceField(
        choices=[("", "From the category"), ("yes", "Writing job"), ("no", "Not writing")],
        required=False,
        label="Writing job?",
    )
    size = forms.IntegerField(min_value=1, max_value=200, required=False, initial=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()
        self.fields["subcategory"].choices = _subcategory_choices()

    def criteria_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["writing"] = {"yes": True, "no": False}.get(data.get("writing") or "")
        return data


class ThresholdsForm(GuardedModelForm):
    writing_categories = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )
    premium_agency_categories = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        max_length=255, required=False, label="Why the change", help_text="Kept in the audit trail."
    )

    class Meta:
        model = SourcingRules
        fields = [*RULE_FIELDS, "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _category_choices()
        self.fields["writing_categories"].choices = choices
        self.fields["premium_agency_categories"].choices = choices
        if self.instance and self.instance.pk:
            self.initial["note"] = ""


class ImportForm(GuardedForm):
    kind = forms.ChoiceField(choices=ImportJob.Kind.choices, initial=ImportJob.Kind.FREELANCERS)
    file = forms.FileField(
        help_text="CSV in the template's columns, UTF-8, at most 5 MB.",
        validators=[file_size_validator("CSV_IMPORT_MAX_BYTES")],
    )
