from django.urls import path
from rest_framework.routers import DefaultRouter

from .calendars import BusinessCalendarViewSet
from .sla import NotificationViewSet, SlaClockViewSet
from .views import AuditEventViewSet, MeView, TeamViewSet, UserViewSet

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("teams", TeamViewSet, basename="team")
router.register("audit", AuditEventViewSet, basename="audit")
router.register("calendars", BusinessCalendarViewSet, basename="calendar")
router.register("sla-clocks", SlaClockViewSet, basename="sla-clock")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
