"""DRF side of ``core.validation`` (API-4): parsers, serializer fields and filters.

- The default parsers refuse control characters in every string of a JSON, form or
  multipart body (keys included) with a 400 naming the field path (``rows[3].name``).
- ``SingleLineCharField`` (titles, names, subjects, ids) also refuses CR and LF;
  ``FreeTextField`` (notes, summaries) keeps tab and line breaks. Both carry a
  ``max_length`` so the limit is in the schema.
- ``IsoDateTimeFilter``, ``DateFilter`` and ``NumberFilter`` are the django-filter bases
  every FilterSet uses: impossible dates, years outside 2000..2100, offsets beyond
  +/-14:00 and integers beyond the column are 400s naming the parameter.
"""

from __future__ import annotations

import django_filters
from django import forms
from django_filters import rest_framework as drf_filters
from rest_framework import exceptions, parsers, serializers

from core import validation


def _refuse_json_text(data):
    found = validation.json_text_problem(data)
    if found:
        field, problem = found
        raise exceptions.ValidationError({field: [problem]})
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_json_text(super().parse(stream, media_type, parser_context))


def _refuse_querydict(data):
    for key, values in data.lists():
        _refuse_json_text({key: [v for v in values if isinstance(v, str)]})
    return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_querydict(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _refuse_querydict(result.data)
        return result


# Serializer fields -----------------------------------------------------------------------
class _TextValidator:
    def __init__(self, multiline: bool):
        self.multiline = multiline

    def __call__(self, value):
        problem = validation.text_problem(value, multiline=self.multiline)
        if problem:
            raise serializers.ValidationError(problem)


SINGLE_LINE_NOTE = "One line: control characters and line breaks are refused."
FREE_TEXT_NOTE = "Free text: line breaks and tabs are kept; other control characters refused."


def _with_note(kwargs, note):
    help_text = kwargs.get("help_text")
    kwargs["help_text"] = f"{help_text} {note}" if help_text else note
    return kwargs


class SingleLineCharField(serializers.CharField):
    """One line of text (titles, names, subjects, ids): CR/LF and control chars refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**_with_note(kwargs, SINGLE_LINE_NOTE))
        self.validators.append(_TextValidator(multiline=False))


class FreeTextField(serializers.CharField):
    """Free text (notes, summaries, reasons): keeps \\t \\n \\r, refuses other controls."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10_000)
        super().__init__(**_with_note(kwargs, FREE_TEXT_NOTE))
        self.validators.append(_TextValidator(multiline=True))


class BoundedDateTimeField(serializers.DateTimeField):
    """``DateTimeField`` limited to years 2000..2100 and offsets within +/-14:00."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            problem = validation.text_problem(value, multiline=False)
            if problem:
                raise serializers.ValidationError(problem)
        parsed = super().to_internal_value(value)
        problem = validation.instant_problem(parsed)
        if problem:
            raise serializers.ValidationError(problem)
        return parsed


def model_int_kwargs(model, name: str) -> dict:
    """``min_value``/``max_value`` of an integer model field (its column range)."""
    low, high = validation.int_field_range(model._meta.get_field(name))
    return {"min_value": low, "max_value": high}


# django-filter bases ---------------------------------------------------------------------
class _BoundedDateTimeFormField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        if isinstance(value, str):
            problem = validation.text_problem(value.strip(), multiline=False)
            if problem:
                raise forms.ValidationError(problem)
        parsed = super().to_python(value)
        problem = validation.instant_problem(parsed)
        if problem:
            raise forms.ValidationError(problem)
        return parsed


class _BoundedDateFormField(forms.DateField):
    def to_python(self, value):
        parsed = super().to_python(value)
        problem = validation.instant_problem(parsed)
        if problem:
            raise forms.ValidationError(problem)
        return parsed


class _BoundedDecimalFormField(forms.DecimalField):
    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None and (
            not parsed.is_finite() or abs(parsed) > 9_223_372_036_854_775_807
        ):
            raise forms.ValidationError("The number is out of range.")
        return parsed


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _BoundedDateTimeFormField


class DateFilter(django_filters.DateFilter):
    field_class = _BoundedDateFormField


class NumberFilter(django_filters.NumberFilter):
    field_class = _BoundedDecimalFormField


def _bounded_defaults() -> dict:
    from django.db import models

    defaults = dict(drf_filters.FilterSet.FILTER_DEFAULTS)
    defaults[models.DateTimeField] = {"filter_class": IsoDateTimeFilter}
    defaults[models.DateField] = {"filter_class": DateFilter}
    for cls in (
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.AutoField,
        models.BigAutoField,
        models.DecimalField,
        models.FloatField,
    ):
        defaults[cls] = {"filter_class": NumberFilter}
    return defaults


class FilterSet(drf_filters.FilterSet):
    """Base FilterSet: generated date, date-time and number filters are bounded too."""

    FILTER_DEFAULTS = _bounded_defaults()


class DjangoFilterBackend(drf_filters.DjangoFilterBackend):
    """The default filter backend; ``filterset_fields`` get the bounded filters."""

    filterset_base = FilterSet
