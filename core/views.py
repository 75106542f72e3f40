from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report
from .widgets import dashboard_widgets


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"widgets": dashboard_widgets(request)})


@never_cache
@require_GET
def healthz(request):
    report, serving = health_report()
    return JsonResponse(report, status=200 if serving else 503)
