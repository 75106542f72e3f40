"""Admin: the hiring settings (staleness age, retention, speed-test shapes) and the bank."""

from django.contrib import admin

from .models import HiringSettings, Question


@admin.register(HiringSettings)
class HiringSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "staleness_days", "retention_days", "assessment_minutes"]

    def has_add_permission(self, request):
        return not HiringSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "points", "as_image", "active"]
    list_filter = ["kind", "active"]
