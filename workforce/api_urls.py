from django.urls import path

from . import api

urlpatterns = [
    path("workforce/coverage/", api.CoverageView.as_view(), name="workforce-coverage"),
    path("workforce/time-entries/", api.TimeEntryListView.as_view(), name="workforce-entries"),
    path("workforce/outages/", api.OutageListView.as_view(), name="workforce-outages"),
    path(
        "workforce/agents/<int:pk>/manual-time/",
        api.ManualTimeView.as_view(),
        name="workforce-manual-time",
    ),
    path("workforce/weekly-report/", api.WeeklyReportView.as_view(), name="workforce-report"),
    path("csat/summary/", api.CsatSummaryView.as_view(), name="csat-summary"),
    path("recognition/", api.RecognitionView.as_view(), name="recognition"),
    path("dashboard/team/", api.TeamDashboardView.as_view(), name="dashboard-team"),
]
