"""Planning and doing pages under /kinerja/: my SKP, its RHK and indicators, realisation, evidence,
dialog kinerja, 360 and the appraiser's team.

Thin views: parse the request, call a service (every write) or a selector (every read), render.
A refused write never answers 500: the service's message is shown next to the form that was sent,
with what was typed kept. A form sent from an older version of the SKP (services.Stale) is shown
again with the message and re-armed with the current version, so "check, then save again" works.
htmx requests get the part of the page that changed; without JavaScript every form posts and the
page is redirected (after a success) or rendered again (after a refusal).
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from core.files import private_response
from core.uploads import SizeLimitUploadHandler
from criteria.selectors import library_versions_for
from performance import permissions as perm
from performance import rules, selectors, services
from performance.forms_plan import (
    STALE_FORM,
    AnnexForm,
    ExpectationsForm,
    IndicatorForm,
    MessageForm,
    PeerAnswerForm,
    PeerRequestForm,
    ReviewForm,
    RhkForm,
    StartForm,
    SubmitForm,
    ThreadStartForm,
)
from performance.models import Direction, EvidenceKind, IndicatorKind, RhkKind
from performance.services import ServiceError, Stale

VALUE_NAMES = {code: name for code, name, _lines in rules.BERAKHLAK}
VALUE_LINES = {code: lines for code, _name, lines in rules.BERAKHLAK}


def _token() -> str:
    return str(uuid.uuid4())


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value) -> str:
    """A stored decimal as a person types it: 12, not 12.00."""
    return "" if value is None else f"{value.normalize():f}"


def _not_employee(request):
    """Pages about one's own work need a login linked to an employee record."""
    return TemplateResponse(request, "performance/plan/not_employee.html", {}, status=403)


def _skp_url(pk: int, anchor: str = "") -> str:
    url = reverse("performance:skp", args=[pk])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------------------------------------
# Kinerja saya


@login_required
def mine(request):
    if not request.user.employee_id:
        return _not_employee(request)
    page = selectors.my_page(user=request.user, today=timezone.localdate())
    start_form = StartForm(initial={"period": page.period.pk}) if page.can_start else None
    return TemplateResponse(
        request,
        "performance/plan/mine.html",
        {
            "page": page,
            "start_form": start_form,
            "notifications": page.notifications,
            "unread": page.unread,
        },
    )


@require_POST
@login_required
def skp_start(request):
    if not request.user.employee_id:
        return _not_employee(request)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(STALE_FORM))
        return redirect("performance:mine")
    period = selectors.period_get(pk=form.cleaned_data["period"])
    try:
        skp = services.skp_start(
            actor=request.user,
            period=period,
            employee=request.user.employee,
            copy_previous=form.cleaned_data["copy_previous"],
        )
    except ServiceError as err:
        messages.error(request, str(err))
        return redirect("performance:mine")
    return redirect("performance:skp", pk=skp.pk)


@require_POST
@login_required
def notifications_read(request):
    if request.POST.get("all"):
        ids = None
    else:
        ids = [str(u) for u in (_uuid(x) for x in request.POST.getlist("id")) if u is not None]
    services.notifications_mark_read(user=request.user, ids=ids)
    if request.htmx:
        notifications, unread = selectors.notifications_for(user=request.user)
        return TemplateResponse(
            request,
            "performance/plan/_notifications.html",
            {"notifications": notifications, "unread": unread},
        )
    return redirect(reverse("performance:mine") + "#notifikasi")


# ---------------------------------------------------------------------------------------------
# The SKP page


def _arm_plan_forms(page: selectors.SkpPage) -> None:
    """Give every form on the page its current state: the SKP version, initial values, fresh tokens."""
    skp = page.skp
    v = skp.version
    if page.can_edit or page.can_set_expectations:
        page.forms["annex"] = AnnexForm(
            initial={"version": v, **{f: getattr(skp, f) for f in services.ANNEX_FIELDS}}, auto_id="annex-%s"
        )
    if page.can_edit:
        page.forms["rhk_new"] = RhkForm(
            initial={"version": v, "kind": RhkKind.UTAMA}, parent_choices=page.parent_choices, auto_id="rhk-new-%s"
        )
        page.forms["submit"] = SubmitForm(initial={"version": v}, auto_id="submit-%s")
        library = library_versions_for(employee=skp.employee) if page.rhks else []
        for card in page.rhks:
            r = card.rhk
            card.edit_form = RhkForm(
                initial={
                    "version": v,
                    "kind": r.kind,
                    "text": r.text,
                    "parent": r.parent_id,
                    "perspektif": r.perspektif,
                },
                parent_choices=page.parent_choices,
                auto_id=f"rhk{r.pk}-%s",
            )
            card.indicator_form = IndicatorForm(
                initial={"version": v, "kind": IndicatorKind.KUANTITATIF, "direction": Direction.HIGHER_BETTER},
                library=library,
                auto_id=f"rhk{r.pk}-ind-%s",
            )
            for row in card.indicators:
                i = row.indicator
                row.edit_form = IndicatorForm(
                    initial={
                        "version": v,
                        "text": i.text,
                        "aspect": i.aspect,
                        "kind": i.kind,
                        "target_value": _number(i.target_value),
                        "target_unit": i.target_unit,
                        "target_text": i.target_text,
                        "direction": i.direction,
                    },
                    auto_id=f"ind{i.pk}-%s",
                )
    if page.can_review:
        page.forms["review"] = ReviewForm(initial={"version": v}, auto_id="review-%s")
    if page.can_set_expectations:
        page.forms["expectations"] = ExpectationsForm(
            initial={"version": v, **{f"exp_{x.code}": x.expectation for x in page.values}}, auto_id="exp-%s"
        )
    if page.can_talk:
        for card in page.rhks:
            card.thread_form = ThreadStartForm(
                initial={"rhk": card.rhk.pk, "client_token": _token()}, auto_id=f"thread{card.rhk.pk}-%s"
            )
        page.forms["thread_value"] = ThreadStartForm(
            initial={"client_token": _token()}, on_value=True, auto_id="thread-value-%s"
        )
    if page.can_request_peer:
        page.forms["peer"] = PeerRequestForm(
            initial={"relation": "peer"}, candidates=page.peer_candidates, auto_id="peer-%s"
        )
    _arm_cells(page)


def _arm_cells(page: selectors.SkpPage) -> None:
    if not page.can_record:
        return
    for card in page.rhks:
        for row in card.indicators:
            for cell in row.cells:
                cell.link_token, cell.file_token = _token(), _token()


def _apply_failed(page: selectors.SkpPage, failed: dict) -> None:
    """Put the refused form (typed values and messages) where it was sent from, opened."""
    key, form = failed["key"], failed.get("form")
    kind, ref = key[0], (key[1] if len(key) > 1 else None)
    card = next((c for c in page.rhks if c.rhk.pk == ref), None)
    row = next((r for c in page.rhks for r in c.indicators if r.indicator.pk == ref), None)
    cell = page.cell(key[1], key[2]) if kind == "cell" else None
    # Where the page shows each form; a form the viewer is not offered has its message at the top.
    shown = {
        "rhk_new": page.can_edit,
        "submit": page.can_edit,
        "review": page.can_review,
        "expectations": page.can_set_expectations,
        "annex": page.can_edit or page.can_set_expectations,
        "thread_value": page.can_talk,
        "peer": page.can_request_peer,
        "rhk": page.can_edit and card,
        "indicator_new": page.can_edit and card,
        "thread": page.can_talk and card,
        "indicator": page.can_edit and row,
        "rhk_delete": card,
        "indicator_delete": row,
        "cell": cell,
    }
    if not shown.get(kind):
        if form is not None:
            errors = [*form.non_field_errors(), *(e for f in form for e in f.errors)]
        else:
            errors = [failed.get("error", "")]
        page.forms["page_error"] = " ".join(str(e) for e in errors)
    elif kind in ("rhk_new", "submit", "review", "expectations", "annex", "thread_value", "peer"):
        page.forms[kind] = form
        page.forms[f"{kind}_open"] = True
    elif kind == "rhk":
        card.edit_form, card.open = form, "edit"
    elif kind == "indicator_new":
        card.indicator_form, card.open = form, "indicator"
    elif kind == "thread":
        card.thread_form, card.open = form, "thread"
    elif kind == "indicator":
        row.edit_form, row.open = form, True
    elif kind == "rhk_delete":
        card.error = failed["error"]
    elif kind == "indicator_delete":
        row.error = failed["error"]
    elif kind == "cell":
        cell.failed_form, cell.error, cell.values = failed["which"], failed["error"], failed["values"]


def _render_skp(request, pk: int, *, failed: dict | None = None, notice: str = ""):
    page = selectors.skp_page(user=request.user, pk=pk, today=timezone.localdate())
    _arm_plan_forms(page)
    if failed:
        _apply_failed(page, failed)
    if (form := page.forms.get("expectations")) is not None:
        for value in page.values:
            value.field = form[f"exp_{value.code}"]
    template = "performance/plan/skp.html#body" if request.htmx else "performance/plan/skp.html"
    return TemplateResponse(
        request,
        template,
        {
            "page": page,
            "skp": page.skp,
            "notice": notice,
            "evaluation_url": f"/kinerja/skp/{page.skp.pk}/evaluasi/" if page.evaluation_visible else "",
        },
    )


@login_required
def skp(request, pk):
    return _render_skp(request, pk)


def _refuse(form, err: ServiceError, skp_pk: int) -> None:
    if isinstance(err, Stale) and "version" in form.fields:
        form.data = form.data.copy()
        form.data["version"] = selectors.skp_version_now(pk=skp_pk)
    form.add_error(None, str(err))


def _plan_change(request, skp_pk: int, key: tuple, form, run, done: str):
    """Run a change of the plan. `run(cleaned_data)` calls the service and returns the anchor to show."""
    if form.is_valid():
        try:
            anchor = run(form.cleaned_data)
        except ServiceError as err:
            _refuse(form, err, skp_pk)
        else:
            if request.htmx:
                return _render_skp(request, skp_pk, notice=done)
            messages.success(request, done)
            return redirect(_skp_url(skp_pk, anchor or ""))
    return _render_skp(request, skp_pk, failed={"key": key, "form": form})


@require_POST
@login_required
def rhk_add(request, pk):
    skp = selectors.skp_get_for(user=request.user, pk=pk)
    form = RhkForm(request.POST, parent_choices=selectors.parent_rhk_choices(skp=skp), auto_id="rhk-new-%s")

    def run(cd):
        rhk = services.rhk_save(
            actor=request.user,
            skp=skp,
            text=cd["text"],
            kind=cd["kind"],
            parent_id=cd["parent"],
            perspektif=cd["perspektif"],
            expected_version=cd["version"],
        )
        return f"rhk-{rhk.pk}"

    return _plan_change(request, skp.pk, ("rhk_new",), form, run, _("RHK ditambahkan."))


@require_POST
@login_required
def rhk_edit(request, pk):
    rhk = selectors.rhk_get_for(user=request.user, pk=pk)
    skp = rhk.skp
    form = RhkForm(request.POST, parent_choices=selectors.parent_rhk_choices(skp=skp), auto_id=f"rhk{rhk.pk}-%s")

    def run(cd):
        services.rhk_save(
            actor=request.user,
            skp=skp,
            rhk=rhk,
            text=cd["text"],
            kind=cd["kind"],
            parent_id=cd["parent"],
            perspektif=cd["perspektif"],
            expected_version=cd["version"],
        )
        return f"rhk-{rhk.pk}"

    return _plan_change(request, skp.pk, ("rhk", rhk.pk), form, run, _("RHK disimpan."))


def _plan_delete(request, skp_pk: int, key: tuple, run, done: str, anchor: str):
    """Run a deletion from the plan. `run(version)` calls the service; a refusal is shown beside the item."""
    form = SubmitForm(request.POST)
    error = ""
    if not form.is_valid():
        error = str(STALE_FORM)
    else:
        try:
            run(form.cleaned_data["version"])
        except ServiceError as err:
            error = str(err)
    if error:
        return _render_skp(request, skp_pk, failed={"key": key, "error": error})
    if request.htmx:
        return _render_skp(request, skp_pk, notice=done)
    messages.success(request, done)
    return redirect(_skp_url(skp_pk, anchor))


@require_POST
@login_required
def rhk_delete(request, pk):
    rhk = selectors.rhk_get_for(user=request.user, pk=pk)

    def run(version):
        services.rhk_delete(actor=request.user, rhk=rhk, expected_version=version)

    return _plan_delete(request, rhk.skp_id, ("rhk_delete", rhk.pk), run, _("RHK dihapus."), "rencana")


def _indicator_fields(cd) -> dict:
    return {
        "text": cd["text"],
        "aspect": cd["aspect"],
        "kind": cd["kind"],
        "target_value": cd["target_value"],
        "target_unit": cd["target_unit"],
        "target_text": cd["target_text"],
        "direction": cd["direction"],
        "expected_version": cd["version"],
    }


def _with_library_wording(data, library):
    """Without JavaScript the picked library indicator has not filled the form: take its wording."""
    picked = next((v for v in library if str(v.pk) == data.get("criterion_version")), None)
    if picked is None or data.get("text", "").strip():
        return data
    data = data.copy()
    data["text"], data["aspect"], data["kind"] = picked.text, picked.aspect, picked.indicator_kind
    if not data.get("target_unit", "").strip():
        data["target_unit"] = picked.measure_unit
    return data


@require_POST
@login_required
def indicator_add(request, pk):
    rhk = selectors.rhk_get_for(user=request.user, pk=pk)
    library = library_versions_for(employee=rhk.skp.employee)
    form = IndicatorForm(_with_library_wording(request.POST, library), library=library, auto_id=f"rhk{rhk.pk}-ind-%s")

    def run(cd):
        indicator = services.indicator_save(
            actor=request.user, rhk=rhk, criterion_version=cd.get("criterion_version"), **_indicator_fields(cd)
        )
        return f"ind-{indicator.pk}"

    return _plan_change(request, rhk.skp_id, ("indicator_new", rhk.pk), form, run, _("Indikator ditambahkan."))


@require_POST
@login_required
def indicator_edit(request, pk):
    indicator = selectors.indicator_get_for(user=request.user, pk=pk)
    form = IndicatorForm(request.POST, auto_id=f"ind{indicator.pk}-%s")

    def run(cd):
        services.indicator_save(actor=request.user, rhk=indicator.rhk, indicator=indicator, **_indicator_fields(cd))
        return f"ind-{indicator.pk}"

    skp_pk = indicator.rhk.skp_id
    return _plan_change(request, skp_pk, ("indicator", indicator.pk), form, run, _("Indikator disimpan."))


@require_POST
@login_required
def indicator_delete(request, pk):
    indicator = selectors.indicator_get_for(user=request.user, pk=pk)

    def run(version):
        services.indicator_delete(actor=request.user, indicator=indicator, expected_version=version)

    key = ("indicator_delete", indicator.pk)
    done = _("Indikator dihapus.")
    return _plan_delete(request, indicator.rhk.skp_id, key, run, done, f"rhk-{indicator.rhk_id}")


@require_POST
@login_required
def skp_submit(request, pk):
    skp = selectors.skp_get_for(user=request.user, pk=pk)
    form = SubmitForm(request.POST, auto_id="submit-%s")

    def run(cd):
        services.skp_submit(actor=request.user, skp=skp, expected_version=cd["version"])
        return "status"

    return _plan_change(request, skp.pk, ("submit",), form, run, _("SKP diajukan ke pejabat penilai."))


@require_POST
@login_required
def skp_review(request, pk):
    skp = selectors.skp_get_for(user=request.user, pk=pk)
    form = ReviewForm(request.POST, auto_id="review-%s")
    agree = request.POST.get("decision") == "agree"

    def run(cd):
        services.skp_review(
            actor=request.user, skp=skp, agree=agree, comment=cd["comment"], expected_version=cd["version"]
        )
        return "status"

    done = _("SKP disetujui.") if agree else _("SKP dikembalikan kepada pegawai dengan catatan Anda.")
    return _plan_change(request, skp.pk, ("review",), form, run, done)


@require_POST
@login_required
def expectations(request, pk):
    skp = selectors.skp_get_for(user=request.user, pk=pk)
    form = ExpectationsForm(request.POST, auto_id="exp-%s")

    def run(cd):
        services.expectations_set(actor=request.user, skp=skp, texts=form.texts(), expected_version=cd["version"])
        return "perilaku"

    return _plan_change(request, skp.pk, ("expectations",), form, run, _("Ekspektasi khusus pimpinan disimpan."))


@login_required
@require_POST
def annex(request, pk):
    skp = selectors.skp_get_for(user=request.user, pk=pk)
    form = AnnexForm(request.POST, auto_id="annex-%s")

    def run(cd):
        services.skp_annex_set(
            actor=request.user,
            skp=skp,
            texts={f: cd[f] for f in services.ANNEX_FIELDS},
            expected_version=cd["version"],
        )
        return "lampiran"

    return _plan_change(request, skp.pk, ("annex",), form, run, _("Lampiran SKP disimpan."))


# ---------------------------------------------------------------------------------------------
# Realisation and evidence: one cell (indicator × periodic evaluation) at a time


def _render_cell(request, skp_pk: int, indicator_id: int, slice_id: int, *, failed=None, notice=""):
    page = selectors.skp_page(user=request.user, pk=skp_pk, today=timezone.localdate())
    _arm_cells(page)
    cell = page.cell(indicator_id, slice_id)
    if cell is None:
        raise Http404
    if failed:
        cell.failed_form, cell.error, cell.values = failed["which"], failed["error"], failed["values"]
    return TemplateResponse(
        request, "performance/plan/_cell.html", {"page": page, "skp": page.skp, "cell": cell, "cell_notice": notice}
    )


def _cell_change(request, *, skp_pk: int, indicator_id: int, slice_id: int, which: str, run, done: str):
    """Run a change of one cell; the cell (htmx) or the page shows the result, or the refusal beside the form."""
    try:
        run()
    except ServiceError as err:
        failed = {"which": which, "error": str(err), "values": request.POST.dict()}
        if request.htmx:
            return _render_cell(request, skp_pk, indicator_id, slice_id, failed=failed)
        return _render_skp(request, skp_pk, failed={"key": ("cell", indicator_id, slice_id), **failed})
    if request.htmx:
        return _render_cell(request, skp_pk, indicator_id, slice_id, notice=done)
    messages.success(request, done)
    return redirect(_skp_url(skp_pk, f"cell-{indicator_id}-{slice_id}"))


def _realisation_change(request, real, *, which: str, run, done: str):
    """`_cell_change` for the cell of an existing realisation (its assessment or its evidence)."""
    return _cell_change(
        request,
        skp_pk=real.indicator.rhk.skp_id,
        indicator_id=real.indicator_id,
        slice_id=real.slice_id,
        which=which,
        run=run,
        done=done,
    )


@require_POST
@login_required
def realisation(request, pk, slice_pk):
    indicator = selectors.indicator_get_for(user=request.user, pk=pk)
    skp = indicator.rhk.skp
    slice_ = selectors.slice_get(period_id=skp.period_id, pk=slice_pk)

    def run():
        services.realisation_save(
            actor=request.user,
            indicator=indicator,
            slice=slice_,
            value=request.POST.get("value", ""),
            text=request.POST.get("text", ""),
            expected_version=_int(request.POST.get("version")),
        )

    return _cell_change(
        request,
        skp_pk=skp.pk,
        indicator_id=indicator.pk,
        slice_id=slice_.pk,
        which="real",
        run=run,
        done=_("Realisasi disimpan."),
    )


@require_POST
@login_required
def realisation_assess(request, pk):
    real = selectors.realisation_get_for(user=request.user, pk=pk)

    def run():
        services.realisation_assess(actor=request.user, realisation=real, level=request.POST.get("level", ""))

    return _realisation_change(request, real, which="assess", run=run, done=_("Penilaian realisasi disimpan."))


@require_POST
@login_required
def evidence_link(request, pk):
    real = selectors.realisation_get_for(user=request.user, pk=pk)

    def run():
        services.evidence_add_link(
            actor=request.user,
            realisation=real,
            url=request.POST.get("url", ""),
            title=request.POST.get("title", ""),
            client_token=_uuid(request.POST.get("client_token")),
        )

    return _realisation_change(request, real, which="link", run=run, done=_("Tautan bukti dukung ditambahkan."))


def evidence_too_large_message() -> str:
    mb = settings.EVIDENCE_UPLOAD_MAX_BYTES / (1024 * 1024)
    return _("Berkas terlalu besar. Batasnya %(mb)s MB.") % {
        "mb": number_format(mb, decimal_pos=0 if mb.is_integer() else 1)
    }


@csrf_exempt
@require_POST
@login_required
def evidence_file(request, pk):
    # The size guard must be in place before the body is read, so CSRF is checked after it.
    guard = SizeLimitUploadHandler(request, limit=settings.EVIDENCE_UPLOAD_MAX_BYTES)
    request.upload_handlers.insert(0, guard)
    return _evidence_file(request, pk, guard)


@csrf_protect
def _evidence_file(request, pk, guard):
    real = selectors.realisation_get_for(user=request.user, pk=pk)
    upload = request.FILES.get("file")

    def run():
        if guard.exceeded:
            raise ServiceError(evidence_too_large_message())
        if upload is None:
            raise ServiceError(_("Pilih berkas yang akan diunggah."))
        services.evidence_add_file(
            actor=request.user,
            realisation=real,
            upload=upload,
            client_token=_uuid(request.POST.get("client_token")),
            title=request.POST.get("title", "").strip(),
        )

    return _realisation_change(request, real, which="file", run=run, done=_("Berkas bukti dukung diunggah."))


@require_POST
@login_required
def evidence_remove(request, pk):
    evidence = selectors.evidence_get_for(user=request.user, pk=pk)

    def run():
        services.evidence_remove(actor=request.user, evidence=evidence)

    done = _("Bukti dukung ditarik. Catatannya tetap tersimpan.")
    return _realisation_change(request, evidence.realisation, which="remove", run=run, done=done)


@login_required
def evidence_download(request, pk):
    evidence = selectors.evidence_get_for(user=request.user, pk=pk)
    if evidence.kind != EvidenceKind.FILE or not evidence.stored_name:
        raise Http404
    return private_response(
        "evidence", evidence.stored_name, filename=evidence.filename, content_type=evidence.content_type
    )


# ---------------------------------------------------------------------------------------------
# Dialog kinerja


@require_POST
@login_required
def thread_start(request, pk):
    skp = selectors.skp_get_for(user=request.user, pk=pk)
    rhk_id = _int(request.POST.get("rhk"))
    on_value = rhk_id is None
    auto_id = "thread-value-%s" if on_value else f"thread{rhk_id}-%s"
    form = ThreadStartForm(request.POST, on_value=on_value, auto_id=auto_id)
    if form.is_valid():
        rhk = selectors.rhk_in_skp(skp=skp, pk=rhk_id) if rhk_id else None
        try:
            thread = services.thread_start(
                actor=request.user,
                skp=skp,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                rhk=rhk,
                value="" if rhk else form.cleaned_data["value"],
                client_token=form.cleaned_data["client_token"],
            )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            return redirect("performance:thread", pk=thread.pk)
    key = ("thread_value",) if on_value else ("thread", rhk_id)
    return _render_skp(request, skp.pk, failed={"key": key, "form": form})


@login_required
def thread(request, pk):
    thread = selectors.thread_get_for(user=request.user, pk=pk)
    can_talk = perm.can_talk(request.user, thread.skp)
    form = MessageForm(initial={"client_token": _token()}, auto_id="reply-%s")
    notice = ""
    if request.method == "POST":
        form = MessageForm(request.POST, auto_id="reply-%s")
        if form.is_valid():
            try:
                services.message_post(
                    actor=request.user,
                    thread=thread,
                    body=form.cleaned_data["body"],
                    client_token=form.cleaned_data["client_token"],
                )
            except ServiceError as err:
                form.add_error(None, str(err))
            else:
                notice = _("Pesan terkirim.")
                if not request.htmx:
                    messages.success(request, notice)
                    return redirect("performance:thread", pk=thread.pk)
                form = MessageForm(initial={"client_token": _token()}, auto_id="reply-%s")
    context = {
        "thread": thread,
        "skp": thread.skp,
        "thread_messages": selectors.thread_messages(thread=thread),
        "form": form,
        "can_talk": can_talk,
        "notice": notice,
        "value_name": VALUE_NAMES.get(thread.value, ""),
        "value_lines": VALUE_LINES.get(thread.value, ()),
    }
    template = "performance/plan/thread.html#body" if request.htmx else "performance/plan/thread.html"
    return TemplateResponse(request, template, context)


# ---------------------------------------------------------------------------------------------
# 360


def _render_peer(request, *, failed_pk=None, failed_form=None):
    items = []
    for r in selectors.peer_requests_to_answer(user=request.user):
        failed = failed_form if r.pk == failed_pk else None
        if r.answered_at:
            # A second send of an answer already given: say so beside the answer.
            error = " ".join(failed.non_field_errors()) if failed is not None else ""
            items.append({"request": r, "form": None, "error": error})
        else:
            form = failed if failed is not None else PeerAnswerForm(auto_id=f"p{r.pk}-%s")
            items.append({"request": r, "form": form})
    return TemplateResponse(request, "performance/plan/peer.html", {"items": items})


@login_required
def peer(request):
    if not request.user.employee_id:
        return _not_employee(request)
    return _render_peer(request)


@require_POST
@login_required
def peer_answer(request, pk):
    req = selectors.peer_request_get_for_respondent(user=request.user, pk=pk)
    form = PeerAnswerForm(request.POST, auto_id=f"p{req.pk}-%s")
    if form.is_valid():
        try:
            services.peer_answer(
                actor=request.user, request=req, levels=form.levels(), comment=form.cleaned_data["comment"]
            )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, _("Terima kasih. Masukan Anda terkirim dan tidak dapat diubah lagi."))
            return redirect("performance:peer")
    return _render_peer(request, failed_pk=req.pk, failed_form=form)


@require_POST
@login_required
def peer_request(request, pk):
    skp = selectors.skp_get_for(user=request.user, pk=pk)
    candidates = list(selectors.peer_candidates(skp=skp))
    form = PeerRequestForm(request.POST, candidates=candidates, auto_id="peer-%s")
    if form.is_valid():
        chosen = set(form.cleaned_data["respondents"])
        try:
            created = services.peer_request(
                actor=request.user,
                skp=skp,
                respondents=[e for e in candidates if e.pk in chosen],
                relation=form.cleaned_data["relation"],
            )
        except ServiceError as err:
            form.add_error(None, str(err))
        else:
            if created:
                messages.success(
                    request,
                    _("Permintaan masukan 360 dikirim kepada %(n)s orang.") % {"n": len(created)},
                )
            else:
                messages.info(request, _("Semua yang dipilih sudah pernah diminta masukan untuk SKP ini."))
            return redirect(_skp_url(skp.pk, "masukan-360"))
    return _render_skp(request, skp.pk, failed={"key": ("peer",), "form": form})


# ---------------------------------------------------------------------------------------------
# Tim saya


@login_required
def team(request):
    if not request.user.employee_id:
        return _not_employee(request)
    status = request.GET.get("status", "")
    if status not in selectors.TEAM_FILTERS:
        status = ""
    page = selectors.team_page(user=request.user, status=status, today=timezone.localdate())
    return TemplateResponse(request, "performance/plan/team.html", {"page": page})


@require_POST
@login_required
def team_approve(request):
    if not request.user.employee_id:
        return _not_employee(request)
    status = request.POST.get("status", "")
    back = reverse("performance:team") + (f"?status={status}" if status in selectors.TEAM_FILTERS else "")
    ids = [i for i in (_int(x) for x in request.POST.getlist("skp")) if i is not None]
    if not ids:
        messages.warning(request, _("Pilih dulu SKP yang akan disetujui."))
        return redirect(back)
    skps = selectors.team_skps_for_review(user=request.user, ids=ids)
    agreed, failed = [], []
    for skp in skps:
        try:
            services.skp_review(
                actor=request.user,
                skp=skp,
                agree=True,
                expected_version=_int(request.POST.get(f"version_{skp.pk}")),
            )
        except ServiceError as err:
            failed.append((skp.employee.full_name, str(err)))
        else:
            agreed.append(skp.employee.full_name)
    missing = len(set(ids) - {s.pk for s in skps})
    if agreed:
        messages.success(
            request,
            _("%(n)s SKP disetujui: %(names)s.") % {"n": len(agreed), "names": ", ".join(agreed)},
        )
    for name, error in failed:
        messages.error(request, _("%(name)s: %(error)s") % {"name": name, "error": error})
    if missing:
        messages.error(request, _("%(n)s SKP yang dipilih tidak ditemukan atau bukan tim Anda.") % {"n": missing})
    return redirect(back)


@login_required
def decisions(request):
    """Objections waiting for my decision (atasan pejabat penilai, or pimpinan for the heads), and for
    the pimpinan the SKPs of heads appraised by the Kepala Daerah."""
    return TemplateResponse(request, "performance/plan/decisions.html", selectors.decisions_page(user=request.user))
