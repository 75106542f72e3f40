"""The case page (ESC-1 to ESC-7, NCO-3) and its actions.

Every action calls one service. A refused action (``DomainError``) shows its message where
the action was taken and changes nothing; a 500 is never the answer to bad input.

htmx requests get fragments: actions that change the case's state (claim, transition,
assign) swap the whole case body; the others swap their own panel and refresh the
timeline and the clocks out of band. Without JavaScript every form posts, then redirects
back to the page (or shows it again with the error).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, Forbidden, InvalidInput
from core.formatting import display_name
from sourcing.selectors import shortlists_for_case

from .. import services
from ..access import (
    can_assign_case,
    can_claim_case,
    can_decide_contact_request,
    can_note_case,
    can_read_contact_info,
    can_work_case,
    contact_requests_visible_to,
    require_can_assign,
    require_can_note,
    require_can_work,
)
from ..forms import (
    AssignForm,
    CallForm,
    ContactDecisionForm,
    ContactRequestForm,
    MacroForm,
    NoteForm,
    TransitionForm,
)
from ..models import (
    PROBING_QUESTIONS,
    ChecklistItem,
    ContactInfoRequest,
    ContactRequestStatus,
    NcoAssessment,
    Status,
)
from ..selectors import (
    case_clocks_for,
    case_timeline,
    contact_requests_for,
    macros_for_case,
    macros_suggested_for,
)
from ..services import macro_values
from ..services.macros import SERVER_PLACEHOLDERS
from ..state_machine import NEEDS_REASON, allowed_from
from ._common import CalendarCache, amber_at, case_or_404, is_partial
from .queue import decorate_queue_rows, queue_counts
from .ufl import ufl_context

FORM_CLASSES = {
    "note": NoteForm,
    "call": CallForm,
    "transition": TransitionForm,
    "assign": AssignForm,
    "contact": ContactRequestForm,
}
# The panel (template and element id) each action answers with.
PANELS = {
    "header": "escalations/partials/case_body.html",
    "note": "escalations/partials/note_form.html",
    "call": "escalations/partials/call_form.html",
    "checklist": "escalations/partials/case_checklist.html",
    "macro": "escalations/partials/macro_panel.html",
    "contact": "escalations/partials/contact_panel.html",
    "ufl": "escalations/partials/ufl_panel.html",  # issue 11: the UFL panel
}


def _first_form_error(form) -> str:
    for field, errors in form.errors.items():
        if field not in form.fields:
            return errors[0]
        label = form.fields[field].label or field.replace("_", " ")
        return f"{label[:1].upper()}{label[1:]}: {errors[0]}"
    return "Check the form."


def case_context(
    request, case, *, forms=None, errors=None, preview=None, panel_error=None, ufl_forms=None
):
    """Everything the case page shows, for the viewer."""
    user = request.user
    can_work = can_work_case(user, case)
    calendars = CalendarCache()
    now = timezone.now()
    clocks = list(case_clocks_for(case=case))
    for clock in clocks:
        clock.amber = amber_at(clock, calendars, now)
        link = getattr(clock, "case_link", None)
        clock.policy = link.policy if link is not None else None
    transitions = []
    if can_work:
        for target in allowed_from(case.status):
            if target == Status.CLAIMED:
                continue  # claiming is its own button
            needs_reason = target == Status.NEW or (
                target == Status.CLOSED and case.status != Status.RESOLVED
            )
            transitions.append({"to": target, "needs_reason": needs_reason})
    macros = macros_for_case(case=case)
    suggested = {m.pk for m in macros_suggested_for(case=case)}
    macros.sort(key=lambda m: (m.pk not in suggested, m.name))
    requests = list(contact_requests_for(case=case))
    for req in requests:
        req.can_decide = req.status == ContactRequestStatus.PENDING and can_decide_contact_request(
            user, req
        )
        if req.status == ContactRequestStatus.APPROVED and can_read_contact_info(user, req):
            req.shareable = services.contact_info_shareable(request=req, user=user)
    checklist = list(case.checklist.select_related("done_by").order_by("position", "id"))
    # UFL-4's research items show in the UFL panel, not in the outreach checklist.
    checklist = [item for item in checklist if not item.key.startswith("ufl_")]
    forms = {name: cls() for name, cls in FORM_CLASSES.items()} | (forms or {})
    if not forms["assign"].is_bound and case.assignee_id:
        forms["assign"] = AssignForm(initial={"assignee": case.assignee.username})
    if case.team_id:
        forms["assign"].fields["assignee"].queryset = (
            forms["assign"].fields["assignee"].queryset.filter(team=case.team_id)
        )
    return {
        "case": case,
        "can_work": can_work,
        "can_note": can_note_case(user, case),
        "can_claim": case.status == Status.NEW
        and case.assignee_id is None
        and can_claim_case(user, case),
        "can_assign": can_assign_case(user, case) and case.is_open,
        "is_lead": user.is_lead,
        "transitions": transitions,
        "needs_reason_statuses": NEEDS_REASON,
        "clocks": clocks,
        "timeline": list(case_timeline(case=case))[::-1],  # newest first
        "questions": PROBING_QUESTIONS,
        "checklist": checklist,
        "checklist_done": sum(item.done for item in checklist),
        "nco": _nco(case),
        "macros": macros,
        "suggested_macro_ids": suggested,
        "no_phone": not (case.client_phone or "").strip(),
        "contact_requests": requests,
        "forms": forms,
        "errors": errors or {},
        "preview": preview,
        "panel_error": panel_error,
        # Sourcing shortlists made for this case, as the viewer may see them.
        "shortlists": list(shortlists_for_case(case.reference, user)[:10]),
        # UFL-1 to UFL-7 (issue 11): the freelancer contact plan, None outside the process.
        "ufl": ufl_context(case, user, forms=ufl_forms),
    }


def _nco(case):
    try:
        return case.nco_assessment
    except NcoAssessment.DoesNotExist:
        return None


def _fresh(case):
    from ..selectors import case_get

    return case_get(reference=case.reference)


def _require(request, case, panel: str, check, *args):
    """Refuse (403, on the page) before reading the form when the viewer may not act."""
    try:
        check(request.user, case, *args)
    except DomainError as exc:
        return _refused(request, case, panel, exc)
    return None


def _respond(request, case, panel: str, *, status=200, success: str = "", **extra):
    """Answer an action: a fragment for htmx, else a redirect (success) or the page (error)."""
    case = _fresh(case)
    context = case_context(request, case, **extra)
    context["panel"] = panel
    if success and status < 400:
        # One banner region for every page (core.middleware.HtmxMessagesMiddleware shows
        # it in fragment answers too): it shows once, then the next action replaces it.
        messages.success(request, success)
    if is_partial(request):
        html = render_to_string(PANELS[panel], context, request=request)
        if status < 400 and panel != "header":
            context["oob"] = True
            for oob in ("case_timeline", "case_clocks"):
                html += render_to_string(
                    f"escalations/partials/{oob}.html", context, request=request
                )
        return HttpResponse(html, status=status)
    if status < 400:
        return redirect(case.get_absolute_url() + (f"#{panel}" if panel != "header" else ""))
    return render(request, "escalations/case_detail.html", context, status=status)


def _refused(request, case, panel: str, exc: DomainError, *, form_name=None, form=None, **extra):
    forms = {form_name: form} if form_name and form is not None else {}
    return _respond(
        request,
        case,
        panel,
        status=exc.status,
        forms=forms,
        errors={panel: exc.message},
        **extra,
    )


def _invalid(request, case, panel: str, form, form_name: str, **extra):
    return _refused(
        request,
        case,
        panel,
        InvalidInput(_first_form_error(form)),
        form_name=form_name,
        form=form,
        **extra,
    )


# The page ---------------------------------------------------------------------------------
@login_required
@require_GET
def case_detail(request, reference):
    case = case_or_404(reference, request.user)
    return render(request, "escalations/case_detail.html", case_context(request, case))


# State changes: the whole case body answers -----------------------------------------------
@login_required
@require_POST
def case_claim(request, reference):
    """ESC-4 from the case page, or inline from the queue (``context=queue``)."""
    case = case_or_404(reference, request.user)
    from_queue = request.POST.get("context") == "queue"
    try:
        case = services.case_claim(case=case, agent=request.user)
    except DomainError as exc:
        if from_queue:
            return _queue_row(request, case, error=exc.message, status=exc.status)
        return _refused(request, case, "header", exc)
    if from_queue:
        return _queue_row(request, case, claimed=True)
    return _respond(request, case, "header", success=f"You are taking {case.reference}.")


def _queue_row(request, case, *, error="", claimed=False, status=200):
    case = _fresh(case)
    decorate_queue_rows([case], request.user)
    context = {"case": case, "row_error": error, "just_claimed": claimed}
    # A lead's queue has the bulk checkbox column (a lead may assign what they may claim).
    context["bulk_column"] = request.user.is_lead
    if is_partial(request):
        # The page head's counts change with the row (an out-of-band swap).
        context.update(summary_oob=True, counts=queue_counts(request.user))
        return render(request, "escalations/partials/queue_row.html", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"You are taking {case.reference}.")
    return redirect("escalations:queue")


@login_required
@require_POST
def case_transition(request, reference):
    case = case_or_404(reference, request.user)
    if refused := _require(request, case, "header", require_can_work, "change the status"):
        return refused
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "header", form, "transition")
    to = form.cleaned_data["to"]
    try:
        case = services.case_transition(
            case=case, to_status=to, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return _refused(request, case, "header", exc, form_name="transition", form=form)
    return _respond(request, case, "header", success=f"{case.reference} is now {Status(to).label}.")


@login_required
@require_POST
def case_assign(request, reference):
    case = case_or_404(reference, request.user)
    if refused := _require(request, case, "header", require_can_assign):
        return refused
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "header", form, "assign")
    assignee = form.cleaned_data["assignee"]
    try:
        case = services.case_assign(
            case=case, assignee=assignee, lead=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return _refused(request, case, "header", exc, form_name="assign", form=form)
    who = display_name(assignee) if assignee else "nobody"
    return _respond(request, case, "header", success=f"{case.reference} assigned to {who}.")


# Panels ------------------------------------------------------------------------------------
@login_required
@require_POST
def case_note(request, reference):
    case = case_or_404(reference, request.user)
    if refused := _require(request, case, "note", require_can_note):
        return refused
    replying = request.POST.get("visibility") == "client_visible"  # a reply: the assignee's
    if replying and (refused := _require(request, case, "note", require_can_work, "reply")):
        return refused
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "note", form, "note")
    try:
        services.note_add(
            case=case,
            author=request.user,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
        )
    except DomainError as exc:
        return _refused(request, case, "note", exc, form_name="note", form=form)
    return _respond(request, case, "note", success="Note added.")


@login_required
@require_POST
def case_call(request, reference):
    case = case_or_404(reference, request.user)
    if refused := _require(request, case, "call", require_can_work, "log a call"):
        return refused
    form = CallForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "call", form, "call")
    try:
        services.call_log_create(case=case, agent=request.user, **form.service_kwargs())
    except DomainError as exc:
        return _refused(request, case, "call", exc, form_name="call", form=form)
    return _respond(request, case, "call", success="Call logged.")


@login_required
@require_POST
def case_checklist_tick(request, reference, item_id):
    """NCO-3: tick (done=1) or untick (done=0) one item."""
    case = case_or_404(reference, request.user)
    if refused := _require(request, case, "checklist", require_can_work, "tick the checklist"):
        return refused
    item = get_object_or_404(ChecklistItem, pk=item_id, case=case)
    done = request.POST.get("done") in ("1", "true", "on")
    try:
        services.checklist_tick(item=item, actor=request.user, done=done)
    except DomainError as exc:
        return _refused(request, case, "checklist", exc)
    label = "Ticked" if done else "Unticked"
    return _respond(request, case, "checklist", success=f"{label}: {item.label}")


def _macro_extra_fields(macro, case, user):
    """Placeholders the macro uses that the case cannot fill: the agent types them."""
    values = macro_values(case=case, agent=user)
    return [
        name
        for name in macro.placeholders
        # ESC-11 (issue 15): the resource picker fills {{ resources }}, not a text box.
        if name != "resources"
        and name not in SERVER_PLACEHOLDERS  # CRD-3/CRD-6: filled server-side only
        and not str(values.get(name, "")).strip()
    ]


def _typed_extra(form, data) -> dict:
    """Typed placeholder values, without the ones only the server fills (CRD-3, CRD-6)."""
    return {k: v for k, v in form.extra(data).items() if k not in SERVER_PLACEHOLDERS}


def _with_resources(case, macro, data, extra: dict) -> dict:
    """ESC-11 (issue 15): the chosen help-center links (``resource`` fields) as a value."""
    from integrations.resources import resources_extra

    ids = data.getlist("resource")
    return {**extra, **resources_extra(case=case, raw_ids=ids, placeholders=macro.placeholders)}


@login_required
@require_GET
def case_macro_preview(request, reference):
    """ESC-6: render a macro for the case (nothing is recorded)."""
    case = case_or_404(reference, request.user)
    form = MacroForm(request.GET)
    if not form.is_valid():
        return _invalid(request, case, "macro", form, "macro")
    macro = form.cleaned_data["macro"]
    extra = _typed_extra(form, request.GET)
    missing = [n for n in _macro_extra_fields(macro, case, request.user) if n not in extra]
    preview = {"macro": macro, "extra": extra, "missing": missing}
    preview["resource_ids"] = request.GET.getlist("resource")  # ESC-11 (issue 15)
    try:
        preview["rendered"] = services.macro_render(
            macro=macro,
            case=case,
            agent=request.user,
            extra=_with_resources(case, macro, request.GET, extra),
        )
    except DomainError as exc:
        return _refused(request, case, "macro", exc, preview=preview)
    if is_partial(request):
        return _respond(request, case, "macro", preview=preview)
    context = case_context(request, case, preview=preview)
    return render(request, "escalations/case_detail.html", context)


@login_required
@require_POST
def case_macro_send(request, reference):
    """ESC-6: send the rendered reply; it is recorded client-visible on the timeline."""
    case = case_or_404(reference, request.user)
    if refused := _require(request, case, "macro", require_can_work, "reply to the client"):
        return refused
    form = MacroForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "macro", form, "macro")
    macro = form.cleaned_data["macro"]
    extra = _typed_extra(form, request.POST)
    try:
        services.macro_send(
            macro=macro,
            case=case,
            agent=request.user,
            extra=_with_resources(case, macro, request.POST, extra),  # ESC-11 (issue 15)
        )
    except DomainError as exc:
        preview = {"macro": macro, "extra": extra, "missing": list(extra)}
        preview["resource_ids"] = request.POST.getlist("resource")
        return _refused(request, case, "macro", exc, preview=preview)
    return _respond(request, case, "macro", success=f"Reply sent: {macro.name}.")


@login_required
@require_POST
def case_contact_request(request, reference):
    """ESC-7: record that a party asks for the other's contact information."""
    case = case_or_404(reference, request.user)
    if refused := _require(
        request, case, "contact", require_can_work, "ask for contact information"
    ):
        return refused
    form = ContactRequestForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "contact", form, "contact")
    try:
        services.contact_request_create(
            case=case,
            requester=request.user,
            requested_for=form.cleaned_data["requested_for"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return _refused(request, case, "contact", exc, form_name="contact", form=form)
    return _respond(request, case, "contact", success="Request recorded; a lead must approve it.")


@login_required
@require_POST
def contact_request_decide(request, pk):
    """ESC-7: a lead (never the requester) approves or denies before anything is shared."""
    req = get_object_or_404(
        contact_requests_visible_to(
            request.user, ContactInfoRequest.objects.select_related("case")
        ),
        pk=pk,
    )
    case = req.case
    if not can_decide_contact_request(request.user, req):
        return _refused(
            request,
            case,
            "contact",
            Forbidden("Only a lead of the case's team (not the requester) may decide this."),
        )
    form = ContactDecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "contact", form, "decision")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.contact_request_decide(
            request=req, lead=request.user, approve=approve, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return _refused(request, case, "contact", exc)
    return _respond(
        request, case, "contact", success=f"Request {'approved' if approve else 'denied'}."
    )
