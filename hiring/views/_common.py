"""Helpers of hiring's pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import Forbidden, NotFound

from ..access import may_hire


def lead_page(view):
    """Leads and admins (403 for anyone else before any lookup); a NotFound is a 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_hire(request.user):
            raise PermissionDenied("Hiring is for team leads and admins.")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return wrapped
