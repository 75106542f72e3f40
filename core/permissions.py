"""DRF permission classes on top of the named predicates in core.access (CORE-8).

Each class also applies the service-token scope check, so a view that sets its own
``permission_classes`` cannot forget it.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import access
from .access import ServiceScopePermission


def is_lead(user) -> bool:
    return access.is_staff_member(user) and bool(user.is_lead)


def is_admin(user) -> bool:
    return access.is_admin(user)


class _Scoped(BasePermission):
    def has_permission(self, request, view) -> bool:
        scope = ServiceScopePermission()
        if not scope.has_permission(request, view):
            self.message = scope.message
            return False
        if not (request.user and request.user.is_authenticated):
            return False
        if access.is_service(request.user):
            return True  # the scope decided
        allowed = self.allows(request)
        if not allowed:
            access.deny(request.user, f"{request.method} {request.path}")
        return allowed

    def allows(self, request) -> bool:
        return True


class IsTeamLead(_Scoped):
    message = "Only team leads and admins may do this."

    def allows(self, request) -> bool:
        return is_lead(request.user)


class IsAdmin(_Scoped):
    message = "Only admins may do this."

    def allows(self, request) -> bool:
        return is_admin(request.user)


class IsAdminOrReadOnly(_Scoped):
    message = "Only admins may change this."

    def allows(self, request) -> bool:
        return request.method in SAFE_METHODS or is_admin(request.user)


class IsStaff(_Scoped):
    """Any signed-in member of staff (and service tokens holding the view's scope)."""
