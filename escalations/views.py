"""Placeholder page views; the case page proper is built by the pages issue."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.html import escape

from .selectors import case_get


@login_required
def case_detail(request, reference):
    case = case_get(reference=reference)
    return HttpResponse(f"<h1>{escape(case.reference)}</h1><p>{escape(case.title)}</p>")
