"""Pages: the shortlist builder, saved shortlists, thresholds and CSV import (htmx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import scoped
from core.errors import DomainError
from core.models import AuditEvent
from core.permissions import is_admin, is_lead

from . import selectors, services
from .access import can_act_on_shortlist, shortlists_visible_to
from .eligibility import RULE_LABELS
from .forms import CriteriaForm, ImportForm, ThresholdsForm
from .models import Freelancer, ImportJob, Shortlist, SourcingRules
from .models.rules import RULE_FIELDS

THRESHOLD_GROUPS = [
    (
        "Eligibility",
        [
            "min_jss",
            "rising_talent_bypasses_jss",
            "premium_bypasses_jss",
            "recent_job_days",
            "min_english_level",
            "writing_min_english_level",
            "min_skill_matches",
            "min_completed_jobs",
            "min_total_hours",
            "volume_exempt_rising_talent",
            "volume_exempt_premium",
            "min_keyword_matches",
            "invite_cooldown_days",
            "writing_categories",
        ],
    ),
    ("Agencies", ["agency_min_jss", "agency_max_disputes", "premium_agency_categories"]),
    (
        "Larger-than-average budgets",
        [
            "large_budget_threshold",
            "mix_window",
            "max_per_region_in_window",
            "min_top_rated_in_window",
            "min_rising_talent_in_window",
        ],
    ),
    ("Ranking", ["no_jss_score", "default_shortlist_size"]),
]


def _shown(value):
    return ", ".join(map(str, value)) if isinstance(value, list) else value


def _shortlist_context(shortlist: Shortlist, *, user, **extra) -> dict:
    entries = list(shortlist.entries.select_related("freelancer__agency").order_by("rank"))
    invited = selectors.invited_freelancer_ids(
        shortlist.job_reference, [e.freelancer_id for e in entries]
    )
    for entry in entries:
        entry.invited = entry.freelancer_id in invited
    # Invite controls only where they can do something: a job to invite to, a viewer who
    # may act on the shortlist (CORE-8) and someone not invited yet.
    can_invite = bool(shortlist.job_reference) and can_act_on_shortlist(user, shortlist)
    funnel = [
        {**step, "label": RULE_LABELS.get(step["rule"], step["rule"])} for step in shortlist.funnel
    ]
    top = max([shortlist.pool_count, 1])
    for step in funnel:
        step["percent"] = round(step["remaining"] * 100 / top, 1)
    near_misses = selectors.shortlist_nearest_misses(shortlist)
    # A real id to show as the example: the nearest miss's, else anyone's in the pool.
    example_id = (
        near_misses[0]["freelancer"]["external_id"]
        if near_misses
        else (entries[0].snapshot.get("external_id") if entries else None)
        or Freelancer.objects.order_by("pk").values_list("external_id", flat=True).first()
    )
    # The case reference links to the case only for a viewer who may see that case.
    case_url = None
    if shortlist.case_reference and (
        scoped("case_references", user).filter(reference=shortlist.case_reference).exists()
    ):
        try:  # by URL name: sourcing does not import the escalations app
            case_url = reverse("escalations:case-detail", args=[shortlist.case_reference])
        except NoReverseMatch:
            case_url = None
    return {
        "shortlist": shortlist,
        "entries": entries,
        "invited_ids": invited,
        "can_invite": can_invite,
        "invitable": sum(not entry.invited for entry in entries) if can_invite else 0,
        "funnel": funnel,
        "near_misses": near_misses,
        "example_id": example_id or "",
        "case_url": case_url,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def builder(request):
    form = CriteriaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criteria = services.job_criteria_build(**form.criteria_kwargs())
            shortlist = services.shortlist_create(actor=request.user, criteria=criteria)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if request.htmx:
                response = render(
                    request,
                    "sourcing/partials/shortlist.html",
                    _shortlist_context(shortlist, user=request.user, fresh=True),
                )
                response["HX-Push-Url"] = shortlist.get_absolute_url()
                return response
            return redirect(shortlist)
    if request.htmx and request.method == "POST":
        response = render(request, "sourcing/partials/criteria_form.html", {"form": form})
        response["HX-Retarget"] = "#criteria"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(
        request,
        "sourcing/builder.html",
        {
            "form": form,
            "recent": shortlists_visible_to(request.user, selectors.shortlist_list())[:8],
        },
    )


@login_required
@require_GET
def shortlist_page(request, pk: int):
    shortlist = get_object_or_404(
        shortlists_visible_to(request.user, selectors.shortlist_list()), pk=pk
    )
    criteria = shortlist.criteria
    form = CriteriaForm(
        initial={
            **criteria,
            "skills": ", ".join(criteria.get("skills", [])),
            "keywords": ", ".join(criteria.get("keywords", [])),
            "countries": ", ".join(criteria.get("countries", [])),
            "writing": {True: "yes", False: "no"}.get(criteria.get("writing"), ""),
        }
    )
    return render(
        request,
        "sourcing/shortlist.html",
        {
            **_shortlist_context(shortlist, user=request.user),
            "form": form,
            "recent": shortlists_visible_to(request.user, selectors.shortlist_list())[:8],
        },
    )


@login_required
@require_POST
def shortlist_invite(request, pk: int):
    shortlist = get_object_or_404(shortlists_visible_to(request.user), pk=pk)
    if not can_act_on_shortlist(request.user, shortlist):
        raise PermissionDenied("Only members of the case's team may invite from this shortlist.")
    ids = request.POST.getlist("one") or request.POST.getlist("freelancer_ids")
    notice, error = None, None
    try:
        invitations = services.shortlist_invite(
            shortlist=shortlist, freelancer_ids=ids, actor=request.user
        )
        count = len(invitations)
        notice = (
            f"Invited {count} freelancer{'' if count == 1 else 's'} "
            f"to job {shortlist.job_reference}."
        )
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        return render(
            request,
            "sourcing/partials/shortlist.html",
            _shortlist_context(shortlist, user=request.user, notice=notice, error=error),
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(shortlist)


@login_required
@require_GET
def shortlist_explain(request, pk: int):
    shortlist = get_object_or_404(shortlists_visible_to(request.user), pk=pk)
    try:
        explanation = services.shortlist_explain(
            shortlist=shortlist, freelancer_ref=request.GET.get("freelancer")
        )
        error = None
    except DomainError as exc:
        explanation, error = None, exc.message
    return render(
        request,
        "sourcing/partials/explain.html",
        {"shortlist": shortlist, "explanation": explanation, "error": error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def thresholds(request):
    if not is_lead(request.user):
        raise PermissionDenied("The sourcing thresholds are for team leads and admins.")
    current = selectors.current_rules()
    can_edit = is_admin(request.user)
    form = ThresholdsForm(request.POST or None, instance=current)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only admins can change the sourcing thresholds.")
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in RULE_FIELDS}
            try:
                new = services.sourcing_rules_update(
                    actor=request.user, values=values, note=form.cleaned_data.get("note", "")
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if new.pk == current.pk:
                    messages.info(
                        request, f"Nothing changed; the rules stay at version {current.version}."
                    )
                else:
                    messages.success(request, f"Saved as version {new.version}.")
                return redirect("sourcing:thresholds")
    history = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(SourcingRules)
    ).order_by("-at", "-id")[:30]
    labels = {f.name: f.verbose_name for f in SourcingRules._meta.fields}
    changes = [
        {
            "event": event,
            "version": (event.after or {}).get("version"),
            "rows": [
                {"field": labels.get(name, name), "before": _shown(before), "after": _shown(after)}
                for name, (before, after) in event.changes.items()
                if name != "version"
            ],
        }
        for event in history
    ]
    groups = [(legend, [form[name] for name in names]) for legend, names in THRESHOLD_GROUPS]
    return render(
        request,
        "sourcing/thresholds.html",
        {
            "form": form,
            "groups": groups,
            "wide_fields": ["writing_categories", "premium_agency_categories"],
            "current": current,
            "can_edit": can_edit,
            "changes": changes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if not is_lead(request.user):
        raise PermissionDenied("Importing talent-pool data is for team leads and admins.")
    form = ImportForm(request.POST or None, request.FILES or None)
    job = None
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect(f"{reverse('sourcing:import')}?job={job.pk}")
    job_id = request.GET.get("job")
    if job_id and job_id.isascii() and job_id.isdigit() and len(job_id) < 19:
        job = ImportJob.objects.filter(pk=int(job_id)).first()
    return render(
        request,
        "sourcing/import.html",
        {"form": form, "job": job, **_recent_imports(job)},
    )


def _recent_imports(job=None) -> dict:
    """The latest imports, newest first; the list polls itself while any is unfinished."""
    recent = list(selectors.import_jobs_recent())
    return {
        "recent": recent,
        "recent_running": any(not r.is_finished for r in recent),
        "current_job_id": job.pk if job is not None else None,
    }


@login_required
@require_GET
def import_recent(request):
    """The recent-imports card alone (htmx polls it while a job is queued or running)."""
    if not is_lead(request.user):
        raise PermissionDenied("Importing talent-pool data is for team leads and admins.")
    job_id = request.GET.get("job", "")
    job = None
    if job_id.isascii() and job_id.isdigit() and len(job_id) < 19:
        job = ImportJob.objects.filter(pk=int(job_id)).first()
    return render(request, "sourcing/partials/import_recent.html", _recent_imports(job))


@login_required
@require_GET
def import_job_status(request, pk: int):
    if not is_lead(request.user):
        raise PermissionDenied("Importing talent-pool data is for team leads and admins.")
    job = get_object_or_404(ImportJob, pk=pk)
    return render(request, "sourcing/partials/import_job.html", {"job": job})


@login_required
@require_GET
def csv_template(request, kind: str):
    if kind not in ImportJob.Kind.values:
        raise Http404
    response = HttpResponse(services.csv_template(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response
