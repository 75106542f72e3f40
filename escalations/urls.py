"""Page URLs of the escalations app (the pages themselves live in views.py)."""

from django.urls import path

from . import views
from .exports import outreach_export

app_name = "escalations"

urlpatterns = [
    path("cases/<str:reference>/", views.case_detail, name="case-detail"),
    path("outreach/export.csv", outreach_export, name="outreach-export"),
]
