from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import AuditEventViewSet, MeView, TeamViewSet, UserViewSet

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("teams", TeamViewSet, basename="team")
router.register("audit", AuditEventViewSet, basename="audit")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
