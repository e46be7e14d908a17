"""Evaluation pages: rating, the employee's result, objections, periods, the HR dashboard, publication,
history and the documents. Thin: parse, ask `permissions`, call a service or selector, render.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from performance import documents, rules, services
from performance import permissions as perm
from performance import selectors_eval as sel
from performance.forms_eval import (
    DecisionForm,
    FinaliseForm,
    ObjectionForm,
    OrgResultForm,
    PeriodForm,
    PeriodStatusForm,
    RatingForm,
    value_field_name,
)
from performance.models import Evaluation, ObjectionStatus, PeriodStatus
from performance.services import ServiceError, Stale

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# Rating and the employee's result


def _valid_level(value: Any) -> str | None:
    return value if value in rules.Level.__members__ else None


def _preview(data: Mapping[str, Any], table: sel.AchievementTable, peer: dict[str, Any]) -> dict[str, Any]:
    """Predikat and the reasons that must be written, for the levels chosen so far (nothing is saved)."""
    work = _valid_level(data.get("work_level"))
    behaviour = _valid_level(data.get("behaviour_level"))
    levels = {code: _valid_level(data.get(value_field_name(code))) for code, _n, _l in rules.BERAKHLAK}
    suggested = table.suggestion.level if table.suggestion else None
    suggested_behaviour = (
        rules.suggest_behaviour_rating({k: v for k, v in levels.items() if v}) if all(levels.values()) else None
    )
    peer_level = peer.get("overall") if peer.get("shown") else None
    need_work = rules.justification_required(work, suggested) if work else ()
    need_behaviour = rules.justification_required(behaviour, suggested_behaviour, peer_level) if behaviour else ()
    return {
        "work": work,
        "behaviour": behaviour,
        "predikat": sel.predikat_label(rules.predikat(work, behaviour).value) if work and behaviour else "",
        "sentence": sel.predikat_sentence(work, behaviour),
        "matrix": sel.predikat_matrix(work, behaviour),
        "need_work": bool(need_work),
        "suggested": sel.level_label(suggested.value if suggested else None),
        "suggested_behaviour": sel.level_label(suggested_behaviour.value if suggested_behaviour else None),
        "peer_level": sel.level_label(peer_level.value if peer_level else None),
        "need_behaviour_suggestion": "differs_from_suggestion" in need_behaviour,
        "need_behaviour_360": "differs_from_360" in need_behaviour,
    }


def _rating_initial(evaluation: Evaluation | None) -> dict[str, Any]:
    if evaluation is None:
        return {}
    initial = {
        "work_level": evaluation.work_level,
        "behaviour_level": evaluation.behaviour_level,
        "work_justification": evaluation.work_justification,
        "behaviour_justification": evaluation.behaviour_justification,
        "note": evaluation.note,
        "version": evaluation.version,
    }
    for code, _n, _l in rules.BERAKHLAK:
        initial[value_field_name(code)] = (evaluation.behaviour_levels or {}).get(code, "")
    return initial


def _evaluation_page(
    request,
    skp,
    *,
    form: RatingForm | None = None,
    objection_form: ObjectionForm | None = None,
    stale: bool = False,
) -> TemplateResponse:
    user = request.user
    evaluation = sel.evaluation_of(skp)
    objection = sel.objection_of(evaluation)
    table = sel.achievement_table(skp)
    peer = services.peer_summary(skp)
    rating = perm.can_rate(user, skp)
    context: dict[str, Any] = {
        "skp": skp,
        "period": skp.period,
        "evaluation": evaluation,
        "objection": objection,
        "table": table,
        "peer": peer,
        "rating": rating,
        "stale": stale,
    }
    if rating:
        form = form or RatingForm(initial=_rating_initial(evaluation))
        data = form.data if form.is_bound else form.initial
        context["form"] = form
        context["live_suggestion"] = sel.suggestion_sentence(table.suggestion.to_data() if table.suggestion else None)
        context["preview"] = _preview(data, table, peer)
        rows = sel.behaviour_rows(skp, peer=peer)
        for row in rows:
            row["field"] = form[value_field_name(row["code"])]
        context["behaviour"] = rows
    else:
        levels = evaluation.behaviour_levels if evaluation else {}
        context["behaviour"] = sel.behaviour_rows(skp, levels, peer)
        if evaluation is not None and evaluation.predikat:
            context["suggestion"] = sel.suggestion_sentence(evaluation.suggestion)
            context["predikat_sentence"] = sel.predikat_sentence(evaluation.work_level, evaluation.behaviour_level)
            context["matrix"] = sel.predikat_matrix(evaluation.work_level, evaluation.behaviour_level)
            context["credit"] = getattr(evaluation, "credit", None)
            context["follow_up"] = getattr(evaluation, "follow_up", None)
        window = sel.objection_window(evaluation, skp.period, timezone.localdate())
        context["window"] = window
        if objection is None and window and window["open"] and perm.can_object(user, skp):
            context["objection_form"] = objection_form or ObjectionForm()
        if objection is not None and objection.status == ObjectionStatus.DECIDED:
            context["compare"] = sel.objection_compare(objection, evaluation)
        if evaluation is not None:
            # A calibration never silently replaces a rating: the original and the reason are shown.
            from fairness.selectors import calibration_for_evaluation

            context["calibration"] = calibration_for_evaluation([evaluation.pk]).get(evaluation.pk, [])
    return TemplateResponse(request, "performance/eval/evaluation.html", context)


def _justification_field(skp, form: RatingForm) -> str | None:
    """The reason field a refused rating is missing, so the message stands next to it."""
    data = form.cleaned_data
    preview = _preview(form.data, sel.achievement_table(skp), services.peer_summary(skp))
    if preview["need_work"] and not data["work_justification"].strip():
        return "work_justification"
    needs_behaviour = preview["need_behaviour_suggestion"] or preview["need_behaviour_360"]
    if needs_behaviour and not data["behaviour_justification"].strip():
        return "behaviour_justification"
    return None


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request, pk: int):
    skp = sel.skp_for_evaluation(user=request.user, pk=pk)
    if request.method != "POST":
        return _evaluation_page(request, skp)
    if not perm.can_rate(request.user, skp):
        raise Http404
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _evaluation_page(request, skp, form=form)
    data = form.cleaned_data
    try:
        saved = services.evaluation_rate(
            actor=request.user,
            skp=skp,
            work_level=data["work_level"],
            behaviour_levels=form.behaviour_levels(),
            behaviour_level=data["behaviour_level"],
            work_justification=data["work_justification"],
            behaviour_justification=data["behaviour_justification"],
            note=data["note"],
            expected_version=data["version"],
        )
    except Stale as err:
        # Keep what was typed; show what is saved now, and let a deliberate second save go through.
        current = sel.evaluation_of(skp)
        fresh = request.POST.copy()
        fresh["version"] = str(current.version) if current else ""
        form = RatingForm(fresh)
        form.is_valid()
        form.add_error(None, str(err))
        return _evaluation_page(request, skp, form=form, stale=True)
    except ServiceError as err:
        form.add_error(_justification_field(skp, form), str(err))
        return _evaluation_page(request, skp, form=form)
    messages.success(
        request,
        _("Penilaian disimpan. Predikat: %(predikat)s.") % {"predikat": saved.get_predikat_display()},
    )
    return redirect("performance:evaluation", pk=skp.pk)


@login_required
@require_GET
def evaluation_preview(request, pk: int):
    """The live predikat preview of the rating form (htmx); saves nothing."""
    skp = sel.skp_for_evaluation(user=request.user, pk=pk)
    if not perm.can_rate(request.user, skp):
        raise Http404
    table = sel.achievement_table(skp)
    context = {"preview": _preview(request.GET, table, services.peer_summary(skp)), "skp": skp}
    return TemplateResponse(request, "performance/eval/evaluation.html#preview", context)


@login_required
@require_POST
def objection_file(request, pk: int):
    skp = sel.skp_for_evaluation(user=request.user, pk=pk)
    evaluation = sel.evaluation_of(skp)
    if evaluation is None or request.user.employee_id != skp.employee_id:
        raise Http404
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            objection = services.objection_file(
                actor=request.user, evaluation=evaluation, reason=form.cleaned_data["reason"]
            )
        except ServiceError as err:
            form.add_error("reason", str(err))
        else:
            messages.success(
                request,
                _("Keberatan Anda diajukan kepada atasan pejabat penilai. Anda akan diberi tahu keputusannya."),
            )
            return redirect("performance:objection", pk=objection.pk)
    response = _evaluation_page(request, skp, objection_form=form)
    if "objection_form" not in response.context_data:
        # The window closed or an objection already exists: say why, next to where the form was.
        response.context_data["objection_error"] = form.errors.get("reason") or [
            _("Keberatan tidak dapat diajukan lagi untuk hasil ini.")
        ]
    return response


@login_required
@require_http_methods(["GET", "POST"])
def objection(request, pk: int):
    item = sel.objection_get_for(user=request.user, pk=pk)
    evaluation = item.evaluation
    skp = evaluation.skp
    is_reviewer = perm.is_objection_reviewer(request.user, item)
    form = None
    if perm.can_decide_objection(request.user, item):
        form = DecisionForm(
            request.POST or None,
            initial={
                "work_level": evaluation.work_level,
                "behaviour_level": evaluation.behaviour_level,
            },
        )
    if request.method == "POST":
        if not is_reviewer:
            raise Http404
        if form is None:
            messages.warning(request, _("Keberatan ini sudah diputus; keputusan bersifat final."))
            return redirect("performance:objection", pk=item.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.objection_decide(
                    actor=request.user,
                    objection=item,
                    change=data["decision"] == DecisionForm.CHANGE,
                    reason=data["reason"],
                    work_level=data["work_level"] or None,
                    behaviour_level=data["behaviour_level"] or None,
                )
            except ServiceError as err:
                form.add_error(None, str(err))
            else:
                messages.success(request, _("Keputusan atas keberatan disimpan. Keputusan ini final."))
                return redirect("performance:objection", pk=item.pk)
    decided = item.status == ObjectionStatus.DECIDED
    original = item.original or {}
    context = {
        "objection": item,
        "evaluation": evaluation,
        "skp": skp,
        "form": form,
        "decided": decided,
        "compare": sel.objection_compare(item, evaluation) if decided else [],
        "original": {
            "work": sel.level_label(original.get("work_level")),
            "behaviour": sel.level_label(original.get("behaviour_level")),
            "predikat": sel.predikat_label(original.get("predikat")),
            "sentence": sel.predikat_sentence(original.get("work_level"), original.get("behaviour_level")),
        },
        "deadline": rules.objection_deadline(evaluation.published_on, skp.period.objection_days)
        if evaluation.published_on
        else None,
    }
    return TemplateResponse(request, "performance/eval/objection.html", context)


# ---------------------------------------------------------------------------------------------
# Periods and publication


@login_required
@require_http_methods(["GET", "POST"])
def periods(request):
    user = request.user
    manage = perm.can_manage_periods(user)
    if not (manage or perm.can_view_dashboard(user)):
        raise Http404
    if request.method == "POST" and not manage:
        raise Http404
    form = PeriodForm(request.POST or None) if manage else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.period_create(actor=user, **data)
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("Periode %(name)s dibuat.") % {"name": period.name})
            return redirect("performance:period", pk=period.pk)
    return TemplateResponse(request, "performance/eval/periods.html", {"periods": sel.periods_list(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def period_detail(request, pk: int):
    user = request.user
    manage = perm.can_manage_periods(user)
    if not (manage or perm.can_view_dashboard(user)):
        raise Http404
    period = sel.period_get(pk=pk)
    form = None
    if manage:
        # A published period has one step left: closing it.
        current = PeriodStatus.CLOSED if period.status == PeriodStatus.PUBLISHED else period.status
        form = PeriodStatusForm(request.POST or None, initial={"status": current, "version": period.version})
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.period_set_status(
                    actor=user,
                    period=period,
                    status=form.cleaned_data["status"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as err:
                form.add_error(None, str(err))
            else:
                messages.success(request, _("Tahap periode diubah."))
                return redirect("performance:period", pk=period.pk)
    context = {
        "period": period,
        "slices": list(period.slices.all()),
        "form": form,
        "rules_text": sel.distribution_rules_text(period),
        "can_publish": perm.can_publish(user) and period.status == PeriodStatus.EVALUATION,
        "deadline": rules.objection_deadline(period.published_on, period.objection_days)
        if period.published_on
        else None,
    }
    return TemplateResponse(request, "performance/eval/period.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def period_publish(request, pk: int):
    if not perm.can_publish(request.user):
        raise Http404
    period = sel.period_get(pk=pk)
    error = ""
    if request.method == "POST":
        try:
            count = services.period_publish(actor=request.user, period=period)
        except ServiceError as err:
            error = str(err)
        else:
            period.refresh_from_db()
            deadline = rules.objection_deadline(period.published_on, period.objection_days)
            messages.success(
                request,
                _("%(n)s hasil evaluasi diumumkan. Keberatan dapat diajukan sampai %(date)s.")
                % {"n": count, "date": deadline.strftime("%d/%m/%Y")},
            )
            return redirect("performance:period", pk=period.pk)
    today = timezone.localdate()
    context = {
        "period": period,
        "summary": sel.publish_summary(period=period),
        "deadline": rules.objection_deadline(today, period.objection_days),
        "error": error,
        "ready": period.status == PeriodStatus.EVALUATION,
    }
    return TemplateResponse(request, "performance/eval/publish.html", context)


# ---------------------------------------------------------------------------------------------
# Dashboard and one perangkat daerah


@login_required
@require_GET
def dashboard(request):
    if not perm.can_view_dashboard(request.user):
        raise Http404
    periods = sel.periods_list()
    period = sel.period_pick(periods, request.GET.get("periode"))
    rows, total = sel.dashboard(period=period) if period else ([], None)
    context = {"periods": periods, "period": period, "rows": rows, "total": total}
    return TemplateResponse(request, "performance/eval/dashboard.html", context)


def _unit_page(
    request,
    unit,
    period,
    periods,
    *,
    org_form: OrgResultForm | None = None,
    finalise_form: FinaliseForm | None = None,
) -> TemplateResponse:
    user = request.user
    state = services.unit_distribution(period, unit)
    view = sel.distribution_view(state)
    finalisation = sel.finalisation_for(period=period, unit=unit)
    org = state["org_predikat"]
    org_result = sel.org_result_get(period=period, unit=unit)
    can_set = perm.can_set_org_result(user) and finalisation is None
    if not can_set:
        org_form = None
    elif org_form is None:
        org_form = OrgResultForm(initial={"predikat": org, "note": org_result.note if org_result else ""})
    can_finalise = perm.can_finalise(user) and finalisation is None and period.status == PeriodStatus.EVALUATION
    if not can_finalise:
        finalise_form = None
    elif finalise_form is None:
        finalise_form = FinaliseForm()
    page = Paginator(sel.unit_skps(period=period, unit=unit), 100).get_page(request.GET.get("hal"))
    context = {
        "unit": unit,
        "period": period,
        "periods": periods,
        "dist": view,
        "org_result": org_result,
        "org_form": org_form,
        "finalise_form": finalise_form,
        "finalisation": finalisation,
        "page": page,
        "rules_text": next((r for r in sel.distribution_rules_text(period) if r["org"] == org), None),
    }
    return TemplateResponse(request, "performance/eval/unit.html", context)


def _unit_and_period(request, unit_pk: int):
    if not perm.can_view_dashboard(request.user):
        raise Http404
    unit = sel.perangkat_daerah_get(pk=unit_pk)
    periods = sel.periods_list()
    period = sel.period_pick(periods, request.GET.get("periode"))
    if period is None:
        raise Http404
    return unit, period, periods


def _unit_url(unit, period) -> str:
    return f"{reverse('performance:unit', args=[unit.pk])}?periode={period.pk}"


@login_required
@require_GET
def unit(request, unit_pk: int):
    unit, period, periods = _unit_and_period(request, unit_pk)
    return _unit_page(request, unit, period, periods)


@login_required
@require_POST
def unit_org_result(request, unit_pk: int):
    unit, period, periods = _unit_and_period(request, unit_pk)
    if not perm.can_set_org_result(request.user):
        raise Http404
    form = OrgResultForm(request.POST)
    if form.is_valid():
        try:
            services.org_result_set(
                actor=request.user,
                period=period,
                unit=unit,
                predikat=form.cleaned_data["predikat"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("Capaian kinerja organisasi disimpan."))
            return redirect(_unit_url(unit, period))
    return _unit_page(request, unit, period, periods, org_form=form)


@login_required
@require_POST
def unit_finalise(request, unit_pk: int):
    unit, period, periods = _unit_and_period(request, unit_pk)
    if not perm.can_finalise(request.user):
        raise Http404
    form = FinaliseForm(request.POST)
    if form.is_valid():
        try:
            services.unit_finalise(actor=request.user, period=period, unit=unit, reason=form.cleaned_data["reason"])
        except ServiceError as err:
            form.add_error("reason", str(err))
        else:
            messages.success(request, _("Evaluasi di %(unit)s sudah final.") % {"unit": unit.name})
            return redirect(_unit_url(unit, period))
    return _unit_page(request, unit, period, periods, finalise_form=form)


@login_required
@require_GET
def unit_xlsx(request, unit_pk: int):
    unit, period, _periods = _unit_and_period(request, unit_pk)
    data = documents.unit_results_xlsx(period=period, unit=unit)
    response = HttpResponse(data, content_type=XLSX)
    name = slugify(unit.name) or unit.pk
    response["Content-Disposition"] = f'attachment; filename="hasil-evaluasi-{period.year}-{name}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# History and documents


@login_required
@require_GET
def history(request, employee_pk: int):
    employee = sel.employee_get_for(user=request.user, pk=employee_pk)
    rows = sel.employee_history(user=request.user, employee=employee)
    return TemplateResponse(request, "performance/eval/history.html", {"employee": employee, "rows": rows})


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def skp_pdf(request, pk: int):
    skp = sel.skp_for_document(user=request.user, pk=pk)
    return _pdf(documents.skp_pdf(skp), f"skp-{skp.employee.nip}-{skp.period.year}.pdf")


@login_required
@require_GET
def evaluation_pdf(request, pk: int):
    skp = sel.skp_for_evaluation_document(user=request.user, pk=pk)
    return _pdf(documents.evaluation_pdf(skp), f"evaluasi-{skp.employee.nip}-{skp.period.year}.pdf")
