from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api.errors import api_not_found

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("escalations.api_urls")),
    path("sourcing/", include("sourcing.api_urls")),
    # Courtesy credits (issue 12, CRD-1..CRD-6)
    path("", include("credits.api_urls")),
    # Integrations (issue 15): webhooks, inbound email, resources, client messages
    path("", include("integrations.api_urls")),
    # Hiring (issue 13: HIR-1..4, 6, 7, 9)
    path("hiring/", include("hiring.api_urls")),
    # Workforce (issue 14: HIR-5, HIR-8, TEAM-2..TEAM-4)
    path("", include("workforce.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", template_name="core/api_docs.html"),
        name="api-docs",
    ),
    re_path(r"^api/", api_not_found),
    path("sourcing/", include("sourcing.urls")),
    path("credits/", include("credits.urls")),  # courtesy credits (issue 12)
    # Hiring (issue 13): the lead's pages under /hiring/, the applicant's under /apply/
    path("", include("hiring.urls")),
    # Integrations (issue 15): send a failed client email again
    path("", include("integrations.urls")),
    # Workforce (issue 14): coverage, time, reports, ratings, recognition, /rate/<link>/
    path("", include("workforce.urls")),
    path("", include("escalations.urls")),
    path("", include("core.urls")),
]

handler400 = "core.api.middleware.bad_request"
handler403 = "core.api.middleware.permission_denied"
handler404 = "core.api.middleware.page_not_found"
handler500 = "core.api.middleware.server_error"
