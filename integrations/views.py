"""Pages of the integrations app: sending a failed client email again (ESC-10)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.api.middleware import forbidden_page
from core.errors import DomainError, Forbidden, NotFound
from escalations.views._common import case_or_404

from .messages import client_message_resend


@login_required
@require_POST
def message_resend(request, reference: str, message_id: int):
    case = case_or_404(reference, request.user)
    try:
        client_message_resend(message_id=message_id, case=case, actor=request.user)
    except Forbidden as exc:
        return forbidden_page(request, exc.message)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The reply is queued to be emailed again.")
    return redirect(case.get_absolute_url())
