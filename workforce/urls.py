from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("workforce/coverage/", views.coverage_page, name="coverage"),
    path("workforce/coverage.csv", views.coverage_csv, name="coverage-csv"),
    path("workforce/time/", views.time_page, name="time"),
    path("workforce/availability/", views.availability_page, name="availability"),
    path("workforce/time/import/", views.time_import, name="time-import"),
    path("workforce/outages/new/", views.outage_new, name="outage-new"),
    path("workforce/agents/<int:pk>/manual-time/", views.manual_time, name="manual-time"),
    path("workforce/report/", views.report_page, name="report"),
    path("workforce/report.csv", views.report_csv, name="report-csv"),
    path("workforce/csat/", views.csat_page, name="csat"),
    path("workforce/csat.csv", views.csat_csv, name="csat-csv"),
    path("workforce/recognition/", views.recognition_page, name="recognition"),
    path("workforce/team/", views.team_page, name="team"),
    path("rate/<str:signed>/", views.rate, name="rate"),
]
