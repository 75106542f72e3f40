from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "sourcing"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="sourcing:builder"), name="home"),
    path("shortlists/", views.builder, name="builder"),
    path("shortlists/<int:pk>/", views.shortlist_page, name="shortlist"),
    path("shortlists/<int:pk>/invite/", views.shortlist_invite, name="invite"),
    path("shortlists/<int:pk>/explain/", views.shortlist_explain, name="explain"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("import/", views.import_page, name="import"),
    path("import/recent/", views.import_recent, name="import-recent"),
    path("import/<int:pk>/status/", views.import_job_status, name="import-status"),
    path("import/template/<str:kind>.csv", views.csv_template, name="csv-template"),
]
