"""Fairness pages under /keadilan/. Thin: check `permissions`, call a service or selector, render.

A page a role may not open at all answers 403; a named object outside the user's scope answers 404,
the same as one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from fairness import permissions as perm
from fairness import selectors as sel
from fairness import services
from fairness.forms import AnalysisStartForm, ConflictForm, DecisionForm, MemberForm, SessionForm, WithdrawForm
from fairness.models import SessionStatus
from fairness.services import ServiceError


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# Analyses


@login_required
def index(request):
    _require(perm.can_view_overview(request.user))
    periods = sel.periods_list()
    period = sel.period_pick(periods, request.GET.get("periode"))
    context = {"periods": periods, "period": period, "can_start": perm.can_start_analysis(request.user)}
    if period is not None:
        overview = sel.runs_overview(period=period)
        context["overview"] = overview
        if context["can_start"]:
            context["form"] = AnalysisStartForm(units=overview["units"])
    return TemplateResponse(request, "fairness/index.html", context)


@require_POST
@login_required
def analysis_start(request):
    _require(perm.can_start_analysis(request.user))
    periods = sel.periods_list()
    period = sel.period_pick(periods, request.POST.get("periode"))
    form = AnalysisStartForm(request.POST, units=sel.perangkat_daerah())
    if period is None or not form.is_valid():
        messages.warning(request, _("Pilih periode, cakupan dan jenis penilaian."))
        return redirect(reverse("fairness:index") + (f"?periode={period.pk}" if period else ""))
    try:
        run = services.analysis_start(
            actor=request.user, period=period, unit=form.cleaned_data["unit"], kind=form.cleaned_data["kind"]
        )
    except ServiceError as err:
        messages.warning(request, str(err))
        return redirect(reverse("fairness:index") + f"?periode={period.pk}")
    return redirect("fairness:analysis", pk=run.pk)


@login_required
def analysis(request, pk: int):
    _require(perm.can_view_any_run(request.user))
    run = sel.run_get_for(user=request.user, pk=pk)
    if request.htmx:
        if not run.busy:
            # The run finished while the page polled: reload it whole to show the results.
            return HttpResponseClientRefresh()
        return TemplateResponse(request, "fairness/analysis.html#status", {"page": sel.analysis_page(run=run)})
    return TemplateResponse(
        request,
        "fairness/analysis.html",
        {"page": sel.analysis_page(run=run), "is_reader": perm.is_reader(request.user)},
    )


@login_required
def my_report(request):
    _require(perm.can_view_own_report(request.user))
    return TemplateResponse(request, "fairness/my_report.html", {"reports": sel.own_reports(user=request.user)})


@login_required
def guide(request):
    return TemplateResponse(request, "fairness/guide.html", {})


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


@login_required
def conflicts(request):
    user = request.user
    _require(perm.can_declare_conflict(user))
    any_employee = perm.conflict_subject_q(user) is None
    subjects = [] if any_employee else sel.conflict_subjects(user=user)
    initial = {"employee": str(user.employee_id)} if user.employee_id else {}
    form = ConflictForm(request.POST or None, subjects=subjects, any_employee=any_employee, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(
                actor=user,
                employee=form.cleaned_data["employee"],
                other=form.cleaned_data["other"],
                relation=form.cleaned_data["relation"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("Pernyataan konflik kepentingan dicatat."))
            return redirect("fairness:conflicts")
    return TemplateResponse(
        request,
        "fairness/conflicts.html",
        {
            "form": form,
            "items": sel.conflicts_mine(user=user),
            "can_view_all": perm.can_view_all_conflicts(user),
        },
    )


@require_POST
@login_required
def conflict_withdraw(request, pk: int):
    conflict = sel.conflict_get_for(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.conflict_withdraw(actor=request.user, conflict=conflict, reason=reason)
    except ServiceError as err:
        messages.warning(request, str(err))
    else:
        messages.success(request, _("Pernyataan ditarik. Catatannya tetap tersimpan."))
    return redirect("fairness:conflicts_all" if request.POST.get("dari") == "semua" else "fairness:conflicts")


@login_required
def conflicts_all(request):
    _require(perm.can_view_all_conflicts(request.user))
    active_only = request.GET.get("aktif") == "1"
    page = Paginator(sel.conflicts_all(active_only=active_only), 50).get_page(request.GET.get("hal"))
    return TemplateResponse(
        request,
        "fairness/conflicts_all.html",
        {"page": page, "active_only": active_only, "can_withdraw": perm.can_withdraw_any_conflict(request.user)},
    )


# ---------------------------------------------------------------------------------------------
# Calibration


@login_required
def sessions(request):
    user = request.user
    _require(perm.can_view_sessions(user))
    form = None
    periods = sel.periods_list()
    if perm.can_manage_sessions(user):
        form = SessionForm(request.POST or None, units=sel.perangkat_daerah())
        if request.method == "POST":
            period = sel.period_pick(periods, request.POST.get("periode"))
            if period is None:
                form.add_error(None, _("Belum ada periode kinerja."))
            elif form.is_valid():
                try:
                    session = services.session_create(
                        actor=user, period=period, unit=form.cleaned_data["unit"], title=form.cleaned_data["title"]
                    )
                except ServiceError as err:
                    form.add_error(None, str(err))
                else:
                    return redirect("fairness:session", pk=session.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return TemplateResponse(
        request,
        "fairness/sessions.html",
        {"sessions": sel.sessions_for(user=user)[:100], "form": form, "periods": periods},
    )


def _session_response(request, session, *, forms_by_evaluation=None, member_form=None, error=""):
    page = sel.session_page(session=session, user=request.user)
    page["error"] = error
    forms_by_evaluation = forms_by_evaluation or {}
    for item in page["items"]:
        ev = item["evaluation"]
        if item["decision"] is None and (page["can_decide"] or ev.pk in forms_by_evaluation):
            item["form"] = forms_by_evaluation.get(ev.pk) or DecisionForm(
                prefix=f"e{ev.pk}",
                initial={"work_level": ev.work_level, "behaviour_level": ev.behaviour_level},
            )
    if page["can_manage"] and session.status == SessionStatus.OPEN:
        page["member_form"] = member_form or MemberForm()
    return TemplateResponse(request, "fairness/session.html", {"page": page})


@login_required
def session(request, pk: int):
    _require(perm.can_view_sessions(request.user))
    return _session_response(request, sel.session_get_for(user=request.user, pk=pk))


@require_POST
@login_required
def session_member_add(request, pk: int):
    _require(perm.can_manage_sessions(request.user))
    session = sel.session_get_for(user=request.user, pk=pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            services.session_member_add(
                actor=request.user, session=session, user=form.cleaned_data["username"], kind=form.cleaned_data["kind"]
            )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("Anggota ditambahkan."))
            return redirect("fairness:session", pk=session.pk)
    return _session_response(request, session, member_form=form)


@require_POST
@login_required
def session_member_remove(request, pk: int, member_pk: int):
    _require(perm.can_manage_sessions(request.user))
    session = sel.session_get_for(user=request.user, pk=pk)
    member = sel.session_member_get(session=session, pk=member_pk)
    try:
        services.session_member_remove(actor=request.user, session=session, member=member)
    except ServiceError as err:
        messages.warning(request, str(err))
    return redirect("fairness:session", pk=session.pk)


@require_POST
@login_required
def session_close(request, pk: int):
    _require(perm.can_manage_sessions(request.user))
    session = sel.session_get_for(user=request.user, pk=pk)
    services.session_close(actor=request.user, session=session)
    messages.success(request, _("Sesi ditutup. Keputusan yang tercatat tetap dapat dibaca."))
    return redirect("fairness:session", pk=session.pk)


@require_POST
@login_required
def session_decide(request, pk: int, evaluation_pk: int):
    _require(perm.can_view_sessions(request.user))
    session = sel.session_get_for(user=request.user, pk=pk)
    evaluation = sel.evaluation_for_decision(pk=evaluation_pk)
    form = DecisionForm(request.POST, prefix=f"e{evaluation_pk}")
    if evaluation is None:
        messages.warning(request, _("Penilaian tidak ditemukan."))
        return redirect("fairness:session", pk=session.pk)
    if form.is_valid():
        try:
            services.calibration_decide(
                actor=request.user,
                session=session,
                evaluation=evaluation,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                work_level=form.cleaned_data["work_level"],
                behaviour_level=form.cleaned_data["behaviour_level"],
            )
        except ServiceError as err:
            form.add_error(None, str(err))
            return _session_response(request, session, forms_by_evaluation={evaluation_pk: form}, error=str(err))
        messages.success(request, _("Keputusan kalibrasi dicatat."))
        return redirect(reverse("fairness:session", args=[session.pk]) + f"#e{evaluation_pk}")
    return _session_response(request, session, forms_by_evaluation={evaluation_pk: form})
