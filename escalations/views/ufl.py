"""The unresponsive-freelancer panel of the case page (UFL-1 to UFL-7) and its pages.

Every action calls one service and answers like the case page's other panels (an htmx
fragment of the panel with the timeline and clocks swapped out of band, else a redirect
back to the panel); a refused action shows its message in the panel and changes nothing.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, InvalidInput
from core.formatting import format_instant
from sourcing.forms import CriteriaForm
from sourcing.models import Category, Subcategory

from .. import services
from ..access import require_can_work
from ..models import UFL_KINDS, UFL_RESEARCH_KEYS, ChecklistItem, PlanStatus, UflClaim, UflPlan
from ..services.ndf import ndf_mark
from ..templatetags.escalations_pages import humanize_delta, utc_iso
from ..ufl_forms import (
    AttemptForm,
    ClaimForm,
    ClaimUpdateForm,
    NdfForm,
    OutcomeForm,
    PlanForm,
    ReplyForm,
    ResearchForm,
)
from ..ufl_reads import ufl_evidence, ufl_evidence_csv, ufl_evidence_page_data, ufl_plan_view
from ._common import case_or_404

PANEL = "ufl"
FORMS = {
    "attempt": AttemptForm,
    "reply": ReplyForm,
    "outcome": OutcomeForm,
    "claim": ClaimForm,
    "ndf": NdfForm,
}


def _countdown(due, now) -> dict:
    left = (due - now).total_seconds()
    if left <= 0:
        return {"css": "breached", "text": f"due {humanize_delta(left)} ago", "iso": utc_iso(due)}
    return {"css": "ok", "text": f"due in {humanize_delta(left)}", "iso": utc_iso(due)}


def ufl_context(case, user, *, forms=None) -> dict | None:
    """What the UFL panel shows (None for cases outside the process)."""
    if case.kind not in UFL_KINDS:
        return None
    view = ufl_plan_view(case)
    if view is None:
        return None
    now = timezone.now()
    plan = view.plan
    for row in view.schedule:
        made = row.attempt
        row.freelancer_time = (
            format_instant(made.at, ZoneInfo(made.freelancer_time_zone), short=True)
            if made is not None and made.freelancer_time_zone
            else ""
        )
        active = row.due_at is not None and row.state in ("due", "upcoming")
        row.countdown = _countdown(row.due_at, now) if active else None
    mark = None
    if view.mark_at is not None:
        mark = {"at": view.mark_at, "passed": view.mark_at <= now}
        if plan.status == PlanStatus.CONTACTING:
            mark["countdown"] = _countdown(view.mark_at, now)
    research = list(
        case.checklist.filter(key__in=UFL_RESEARCH_KEYS)
        .select_related("done_by")
        .order_by("position", "id")
    )
    built = {name: cls() for name, cls in FORMS.items()} | (forms or {})
    if "plan" not in built:
        built["plan"] = PlanForm(
            initial={
                name: getattr(plan, name)
                for name in (
                    "freelancer_time_zone",
                    "client_time_zone",
                    "client_wishes",
                    "job_category",
                    "job_subcategory",
                    "job_skills",
                    "job_budget",
                    "client_countries",
                )
            }
        )
    return {
        "view": view,
        "plan": plan,
        "mark": mark,
        "research": research,
        "forms": built,
        "claim_forms": {c.pk: ClaimUpdateForm(initial={"status": c.status}) for c in view.claims},
        "can_attempt": plan.status in (PlanStatus.PLANNED, PlanStatus.CONTACTING),
        "can_reply": plan.status
        in (PlanStatus.PLANNED, PlanStatus.CONTACTING, PlanStatus.EXHAUSTED),
        "first_attempt": plan.first_attempt_at is None,
        "can_move_forward": plan.status in (PlanStatus.EXHAUSTED, PlanStatus.NOT_RESOLVABLE),
    }


def _answer(request, case, *, status=200, success="", form_name=None, form=None, error=""):
    from .case import _respond

    forms = {form_name: form} if form_name and form is not None else {}
    return _respond(
        request,
        case,
        PANEL,
        status=status,
        success=success,
        ufl_forms=forms,
        errors={PANEL: error} if error else None,
    )


def _refused(request, case, exc: DomainError, **kw):
    message = exc.message
    if exc.field == "at" and message.startswith("at: "):  # the form calls it "When"
        message = "When: " + message.removeprefix("at: ")
    return _answer(request, case, status=exc.status, error=message, **kw)


def _first_error(form) -> str:
    from .case import _first_form_error

    return _first_form_error(form)


def _workable(request, reference, doing):
    """The case (404 if foreign) and, if the viewer may not act, the 403 answer."""
    case = case_or_404(reference, request.user)
    try:
        require_can_work(request.user, case, doing)
    except DomainError as exc:
        return case, _refused(request, case, exc)
    return case, None


def _form_action(request, reference, *, name, doing, call, success):
    case, refused = _workable(request, reference, doing)
    if refused:
        return refused
    form = FORMS[name](request.POST)
    if not form.is_valid():
        err = InvalidInput(_first_error(form))
        return _refused(request, case, err, form_name=name, form=form)
    try:
        call(case, form.cleaned_data)
    except DomainError as exc:
        return _refused(request, case, exc, form_name=name, form=form)
    return _answer(request, case, success=success)


# Actions -----------------------------------------------------------------------------------
@login_required
@require_POST
def ufl_attempt(request, reference):
    def call(case, data):
        services.ufl_attempt_record(
            case=case,
            agent=request.user,
            channel=data["channel"],
            delivery_status=data["delivery_status"],
            outcome=data["outcome"],
            at=data["at"],
            note=data["note"],
            research_incomplete_ok=data["research_incomplete_ok"],
        )

    return _form_action(
        request,
        reference,
        name="attempt",
        doing="record a contact attempt",
        call=call,
        success="Contact attempt recorded.",
    )


@login_required
@require_POST
def ufl_reply(request, reference):
    def call(case, data):
        services.ufl_reply_record(
            case=case, actor=request.user, summary=data["summary"], at=data["at"]
        )

    return _form_action(
        request,
        reference,
        name="reply",
        doing="record the freelancer's reply",
        call=call,
        success="Reply recorded: the case is in mediation.",
    )


@login_required
@require_POST
def ufl_outcome(request, reference):
    def call(case, data):
        services.ufl_outcome_record(case=case, actor=request.user, **data)

    return _form_action(
        request,
        reference,
        name="outcome",
        doing="record the outcome",
        call=call,
        success="Outcome recorded; every reminder of the plan is stopped.",
    )


@login_required
@require_POST
def ufl_claim(request, reference):
    def call(case, data):
        services.ufl_claim_record(case=case, actor=request.user, **data)

    return _form_action(
        request,
        reference,
        name="claim",
        doing="record a claim",
        call=call,
        success="Claim recorded.",
    )


@login_required
@require_POST
def ufl_ndf(request, reference):
    def call(case, data):
        ndf_mark(case=case, actor=request.user, reason=data["reason"])

    return _form_action(
        request,
        reference,
        name="ndf",
        doing="mark the freelancer as non-delivery fraud",
        call=call,
        success="Marked as non-delivery fraud: the NDF escalation is open.",
    )


@login_required
@require_POST
def ufl_claim_update(request, reference, claim_id):
    case, refused = _workable(request, reference, "verify a claim")
    if refused:
        return refused
    claim = get_object_or_404(UflClaim, pk=claim_id, case=case)
    form = ClaimUpdateForm(request.POST)
    if not form.is_valid():
        return _refused(request, case, InvalidInput(_first_error(form)))
    try:
        services.ufl_claim_update(claim=claim, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return _refused(request, case, exc)
    return _answer(request, case, success="Claim updated.")


@login_required
@require_POST
def ufl_research(request, reference, item_id):
    case, refused = _workable(request, reference, "record research")
    if refused:
        return refused
    item = get_object_or_404(ChecklistItem, pk=item_id, case=case)
    form = ResearchForm(request.POST)
    if not form.is_valid():
        return _refused(request, case, InvalidInput(_first_error(form)))
    try:
        services.checklist_tick(
            item=item,
            actor=request.user,
            done=form.cleaned_data["done"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return _refused(request, case, exc)
    return _answer(request, case, success=f"Research: {item.label}.")


@login_required
@require_POST
def ufl_plan(request, reference):
    case, refused = _workable(request, reference, "edit the freelancer contact plan")
    if refused:
        return refused
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, case, InvalidInput(_first_error(form)), form_name="plan", form=form
        )
    try:
        services.ufl_plan_update(case=case, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return _refused(request, case, exc, form_name="plan", form=form)
    return _answer(request, case, success="Plan details saved.")


@login_required
@require_POST
def ufl_stringent(request, reference):
    case, refused = _workable(request, reference, "add the stringent reminders")
    if refused:
        return refused
    try:
        services.ufl_stringent_add(case=case, agent=request.user)
    except DomainError as exc:
        return _refused(request, case, exc)
    return _answer(request, case, success="Stringent reminders shared with the client.")


# Pages -------------------------------------------------------------------------------------
@login_required
@require_GET
def ufl_evidence_page(request, reference):
    """UFL-2: the printable evidence packet (never internal notes)."""
    case = case_or_404(reference, request.user)
    packet = ufl_evidence_page_data(case)
    return render(request, "escalations/ufl_evidence.html", {"case": case, "packet": packet})


@login_required
@require_GET
def ufl_evidence_csv_page(request, reference):
    case = case_or_404(reference, request.user)
    response = HttpResponse(ufl_evidence_csv(ufl_evidence(case)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-evidence.csv"'
    return response


def _prefill(case) -> dict:
    """The shortlist builder's criteria from the case's contract (UFL-7 "move forward")."""
    view = ufl_plan_view(case)
    plan = view.plan if view is not None else UflPlan(case=case)
    initial = {
        "title": f"New hire for {case.client_company or case.client_name}",
        "case_reference": case.reference,
        "skills": plan.job_skills,
        "countries": plan.client_countries,
        "budget": plan.job_budget if plan.job_budget is not None else case.contract_spend,
    }
    category = Category.objects.filter(name__iexact=plan.job_category).first()
    if category is not None:
        initial["category"] = category.name
        sub = Subcategory.objects.filter(
            category=category, name__iexact=plan.job_subcategory
        ).first()
        if sub is not None:
            initial["subcategory"] = sub.name
    return initial


@login_required
@require_GET
def ufl_move_forward(request, reference):
    """Open the shortlist builder prefilled from the case's contract; the shortlist it
    builds carries the case reference, so it shows on the case page."""
    case = case_or_404(reference, request.user)
    form = CriteriaForm(initial=_prefill(case))
    context = {"form": form, "recent": [], "from_case": case}
    return render(request, "sourcing/builder.html", context)
