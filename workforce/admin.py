from django.contrib import admin

from .models import ForecastHour, Outage, WorkforceSettings, WorkProfile


@admin.register(WorkforceSettings)
class WorkforceSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "service_level",
        "answer_within_seconds",
        "shrinkage",
        "handle_minutes",
        "recognition_min_ratings",
    ]

    def has_add_permission(self, request):
        return not WorkforceSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ForecastHour)
class ForecastHourAdmin(admin.ModelAdmin):
    list_display = ["team", "weekday", "hour", "contacts"]
    list_filter = ["team", "weekday"]


@admin.register(WorkProfile)
class WorkProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "zone", "manual_time_disabled"]
    search_fields = ["user__username"]


@admin.register(Outage)
class OutageAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "reason", "declared_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
