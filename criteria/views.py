"""Criteria pages under /kriteria/: the library, drafting rounds, proposals, votes, decisions and the
participation summary.

Thin views: parse the request, call a service (every write) or a selector (every read), render.
A refused write shows the service's message beside the form that was sent, with what was typed
kept. Votes and comments answer htmx with the proposal's block; without JavaScript every form
posts and the page is redirected (after a success) or rendered again (after a refusal).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from criteria import permissions as perm
from criteria import selectors, services
from criteria.forms import CommentForm, DecisionForm, ProposalForm, RoundForm
from criteria.rules import RoundState
from criteria.services import ServiceError


def _page(request, template: str, context: dict, status: int = 200) -> TemplateResponse:
    """A criteria page, with what its tabs offer this user."""
    context["nav"] = {"participation": perm.can_view_participation(request.user)}
    return TemplateResponse(request, template, context, status=status)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# The library


@login_required
def library(request):
    g = request.GET
    page = selectors.library_page(
        user=request.user,
        q=g.get("q", "")[:200],
        unit_id=_int(g.get("unit")),
        family=g.get("rumpun", "")[:200],
        kind=g.get("jenis", ""),
        value=g.get("nilai", ""),
        mine=g.get("saya") == "1",
        page_number=g.get("hal", 1),
    )
    query = g.copy()
    query.pop("hal", None)
    return _page(request, "criteria/library.html", {"lib": page, "query": query.urlencode()})


@login_required
def criterion(request, pk: int):
    page = selectors.criterion_page(user=request.user, pk=pk)
    return _page(request, "criteria/criterion.html", {"page": page})


# ---------------------------------------------------------------------------------------------
# Rounds


@login_required
def rounds(request):
    return _page(request, "criteria/rounds.html", {"page": selectors.rounds_page(user=request.user)})


@login_required
def round_new(request):
    if not perm.can_open_any_round(request.user):
        raise PermissionDenied
    units = selectors.units_for_new_round(user=request.user)
    periods = selectors.open_periods()
    form = RoundForm(request.POST or None, units=units, periods=periods, auto_id="round-%s")
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        unit = next(u for u in units if u.pk == cd["unit"])
        period = next((p for p in periods if p.pk == cd["period"]), None)
        try:
            round_ = services.round_open(
                actor=request.user,
                unit=unit,
                period=period,
                title=cd["title"],
                description=cd["description"],
                opens_at=cd["opens_at"],
                closes_at=cd["closes_at"],
            )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("Putaran dibuka. Seluruh ASN %(unit)s diberi tahu.") % {"unit": unit.name})
            return redirect("criteria:round", pk=round_.pk)
    return _page(request, "criteria/round_new.html", {"form": form})


def _proposal_form(page: selectors.RoundPage, data=None) -> ProposalForm:
    if page.base is not None:
        initial = {**page.base.version_data(), "base_version": page.base.pk}
        return ProposalForm(data, initial=initial, base=page.base, auto_id="usul-%s")
    return ProposalForm(
        data,
        initial={"scope_unit": page.round.unit_id, "criterion_kind": "hasil_kerja"},
        units=page.units,
        families=page.families,
        auto_id="usul-%s",
    )


def _render_round(request, round_, *, base_id=None, page=None, propose_form=None, failed=None, status=200):
    page = page or selectors.round_page(user=request.user, round_=round_, base_version_id=base_id)
    if page.can_take_part and page.is_open:
        page.forms["propose"] = propose_form or _proposal_form(page)
        page.forms["propose_open"] = propose_form is not None or page.base is not None
    if failed:
        for row in page.rows:
            if row.proposal.pk == failed["pk"]:
                row.error, row.comment_body = failed["error"], failed.get("body", "")
    context = {"page": page, "round": page.round, "state_label": selectors.round_status_label(page.state)}
    return _page(request, "criteria/round.html", context, status=status)


@login_required
def round_detail(request, pk: int):
    round_ = selectors.round_get_for(user=request.user, pk=pk)
    return _render_round(request, round_, base_id=request.GET.get("dasar"))


@require_POST
@login_required
def propose(request, pk: int):
    round_ = selectors.round_get_for(user=request.user, pk=pk)
    base_id = _int(request.POST.get("base_version"))
    page = selectors.round_page(user=request.user, round_=round_, base_version_id=base_id)
    if not page.can_take_part:
        messages.error(request, _("Hanya ASN aktif di unit ini yang dapat mengusulkan."))
        return redirect("criteria:round", pk=round_.pk)
    if not page.is_open:
        if page.state == RoundState.SCHEDULED:
            messages.error(request, _("Putaran ini belum dibuka; usulan dapat diajukan setelah dibuka."))
        else:
            messages.error(request, _("Putaran ini sudah ditutup; usulan baru tidak dapat diajukan lagi."))
        return redirect("criteria:round", pk=round_.pk)
    if base_id is not None and page.base is None:
        messages.error(request, _("Versi kriteria yang akan diubah tidak lagi berlaku. Pilih dari daftar terbaru."))
        return redirect("criteria:round", pk=round_.pk)
    form = _proposal_form(page, request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            if page.base is not None:
                proposal = services.proposal_create(
                    actor=request.user,
                    round_=round_,
                    base_version=page.base,
                    fields=form.version_fields(),
                    rationale=cd["rationale"],
                )
            else:
                proposal = services.proposal_create(
                    actor=request.user,
                    round_=round_,
                    title=cd["title"],
                    criterion_kind=cd["criterion_kind"],
                    value=cd["value"],
                    scope_unit=next((u for u in page.units if u.pk == cd["scope_unit"]), None),
                    position_family=cd["position_family"],
                    position_kind=cd["position_kind"],
                    fields=form.version_fields(),
                    rationale=cd["rationale"],
                )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("Usulan diajukan. ASN unit dapat mengomentari dan memberi suara."))
            return redirect(reverse("criteria:round", args=[round_.pk]) + f"#usulan-{proposal.pk}")
    return _render_round(request, round_, page=page, propose_form=form)


@require_POST
@login_required
def round_close(request, pk: int):
    round_ = selectors.round_get_for(user=request.user, pk=pk)
    try:
        services.round_close(actor=request.user, round_=round_)
    except ServiceError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Putaran ditutup. ASN unit diberi tahu; usulan kini dapat diputus."))
    return redirect("criteria:round", pk=round_.pk)


# ---------------------------------------------------------------------------------------------
# Proposals: votes, comments, decisions


def _render_proposal(request, proposal, *, decision_form=None, failed=None, notice=""):
    page = selectors.proposal_page(user=request.user, proposal=proposal)
    if page.can_decide and page.proposal.status == "open" and page.state == "closed":
        page.forms["decision"] = decision_form or DecisionForm(auto_id="putusan-%s")
    if failed:
        page.row.error, page.row.comment_body = failed["error"], failed.get("body", "")
    page.row.notice = notice
    context = {
        "page": page,
        "proposal": page.proposal,
        "round": page.proposal.round,
        "state_label": selectors.round_status_label(page.state),
    }
    return _page(request, "criteria/proposal.html", context)


@login_required
def proposal(request, pk: int):
    return _render_proposal(request, selectors.proposal_get_for(user=request.user, pk=pk))


def _render_block(request, proposal, *, error="", body="", notice=""):
    """The proposal's block (votes and comments) as the htmx answer, on the page it was sent from."""
    page = selectors.proposal_page(user=request.user, proposal=proposal)
    row = page.row
    row.error, row.comment_body, row.notice = error, body, notice
    context = {
        "row": row,
        "is_open": page.is_open,
        "can_take_part": page.can_take_part,
        "on_detail": request.POST.get("dari") == "usulan",
    }
    return TemplateResponse(request, "criteria/_proposal.html", context)


def _after_change(request, proposal, *, error: str = "", body: str = "", done: str = ""):
    if request.htmx:
        return _render_block(request, proposal, error=error, body=body, notice=done)
    on_detail = request.POST.get("dari") == "usulan"
    if error:
        failed = {"pk": proposal.pk, "error": error, "body": body}
        if on_detail:
            return _render_proposal(request, proposal, failed=failed)
        return _render_round(request, proposal.round, failed=failed)
    messages.success(request, done)
    if on_detail:
        return redirect("criteria:proposal", pk=proposal.pk)
    return redirect(reverse("criteria:round", args=[proposal.round_id]) + f"#usulan-{proposal.pk}")


@require_POST
@login_required
def vote(request, pk: int):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    choice = request.POST.get("value", "")
    error, done = "", ""
    try:
        if choice == "0":
            services.vote_withdraw(actor=request.user, proposal=proposal)
            done = _("Suara Anda ditarik.")
        elif choice in ("1", "-1"):
            services.vote_cast(actor=request.user, proposal=proposal, value=int(choice))
            done = _("Suara Anda tercatat: setuju.") if choice == "1" else _("Suara Anda tercatat: tidak setuju.")
        else:
            raise ServiceError(_("Pilih setuju atau tidak setuju."))
    except ServiceError as err:
        error = str(err)
    return _after_change(request, proposal, error=error, done=done)


@require_POST
@login_required
def comment(request, pk: int):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    body = request.POST.get("body", "")
    error = ""
    if not form.is_valid():
        error = _("Tuliskan komentar Anda (paling banyak 4000 huruf).")
    else:
        try:
            services.comment_add(actor=request.user, proposal=proposal, body=form.cleaned_data["body"])
        except ServiceError as err:
            error = str(err)
    return _after_change(request, proposal, error=error, body=body if error else "", done=_("Komentar terkirim."))


@require_POST
@login_required
def decide(request, pk: int):
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    if not perm.can_decide(request.user, proposal.round):
        raise Http404
    form = DecisionForm(request.POST, auto_id="putusan-%s")
    if form.is_valid():
        adopt = form.cleaned_data["decision"] == "adopt"
        try:
            decided = services.proposal_decide(
                actor=request.user, proposal=proposal, adopt=adopt, reason=form.cleaned_data["reason"]
            )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            if adopt:
                messages.success(
                    request,
                    _("Usulan diterima. Kriteria terbit di pustaka sebagai versi %(n)s.")
                    % {"n": decided.adopted_version.number},
                )
            else:
                messages.success(request, _("Usulan ditolak. Alasannya kini terbaca oleh ASN unit."))
            return redirect("criteria:proposal", pk=proposal.pk)
    return _render_proposal(request, proposal, decision_form=form)


# ---------------------------------------------------------------------------------------------
# Participation


@login_required
def participation(request):
    if not perm.can_view_participation(request.user):
        raise PermissionDenied
    periods = selectors.periods_all()
    period = next((p for p in periods if str(p.pk) == request.GET.get("periode")), None)
    scope = perm.participation_scope_path(request.user)
    rows = selectors.participation_by_unit(period=period, scope_path=scope)
    head_unit = request.user.employee.unit if scope is not None else None
    return _page(
        request,
        "criteria/participation.html",
        {"rows": rows, "periods": periods, "period": period, "head_unit": head_unit},
    )
