"""Named role checks used by both the API and the pages."""

from rest_framework.permissions import BasePermission


def is_lead(user) -> bool:
    return bool(user and user.is_authenticated and user.is_lead)


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_admin)


class IsTeamLead(BasePermission):
    message = "Only team leads and admins may do this."

    def has_permission(self, request, view) -> bool:
        return is_lead(request.user)


class IsAdmin(BasePermission):
    message = "Only admins may do this."

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user)


class IsAdminOrReadOnly(BasePermission):
    message = "Only admins may change this."

    def has_permission(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return bool(request.user and request.user.is_authenticated)
        return is_admin(request.user)
