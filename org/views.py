from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts.permissions import can_export_roster, can_import_roster, can_manage_reporting
from audit.selectors import events_visible_to
from core.uploads import SizeLimitUploadHandler
from org import selectors
from org.forms import EmployeeActiveForm, ReportingOverrideForm, RosterUploadForm
from org.models import ImportStatus
from org.roster_file import roster_template
from org.services import (
    ServiceError,
    employee_set_active,
    employee_set_reporting_override,
    roster_export,
    roster_import_confirm,
    roster_import_start,
    upload_too_large_message,
)


@login_required
def tree(request):
    return TemplateResponse(request, "org/tree.html", {"roots": selectors.unit_tree()})


@login_required
def unit_detail(request, pk: int):
    page = selectors.unit_page(user=request.user, unit_id=pk)
    return TemplateResponse(request, "org/unit.html", {"page": page})


@login_required
def employee_list(request):
    q = request.GET.get("q", "")
    without_penilai = request.GET.get("tanpa_penilai") == "1"
    page = Paginator(selectors.employees_search(user=request.user, q=q, without_penilai=without_penilai), 50)
    return TemplateResponse(
        request,
        "org/employee_list.html",
        {"page": page.get_page(request.GET.get("hal")), "q": q, "without_penilai": without_penilai},
    )


@login_required
def employee_detail(request, pk: int):
    employee = selectors.employee_get_for(user=request.user, pk=pk)
    form = None
    if can_manage_reporting(request.user):
        form = ReportingOverrideForm(
            request.POST or None,
            initial={
                "penilai": employee.penilai_override.nip if employee.penilai_override else "",
                "atasan_penilai": employee.atasan_penilai_override.nip if employee.atasan_penilai_override else "",
                "version": employee.version,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                employee_set_reporting_override(
                    actor=request.user,
                    employee=employee,
                    penilai=form.cleaned_data["penilai"],
                    atasan_penilai=form.cleaned_data["atasan_penilai"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as err:
                form.add_error(None, str(err))
            else:
                messages.success(request, _("Garis pelaporan disimpan."))
                return redirect("org:employee", pk=employee.pk)
    elif request.method == "POST":
        raise Http404
    history = events_visible_to(user=request.user).filter(subject_employee_id=employee.pk)[:20]
    team = selectors.employee_team(employee=employee)
    return TemplateResponse(
        request,
        "org/employee.html",
        {"employee": employee, "form": form, "history": history, "team": team},
    )


@csrf_exempt
@login_required
def import_upload(request):
    # The size guard must be in place before the body is read, so CSRF is checked after it.
    guard = SizeLimitUploadHandler(request, limit=settings.ROSTER_UPLOAD_MAX_BYTES)
    request.upload_handlers.insert(0, guard)
    return _import_upload(request, guard)


@csrf_protect
def _import_upload(request, guard):
    if not can_import_roster(request.user):
        raise Http404
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if guard.exceeded:
        form = RosterUploadForm(data={})
        form.full_clean()
        form.errors["file"] = form.error_class([upload_too_large_message()])
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = roster_import_start(actor=request.user, filename=upload.name, chunks=upload.chunks())
        except ServiceError as err:
            form.add_error("file", str(err))
        else:
            return redirect("org:import_detail", pk=job.pk)
    recent = selectors.RosterImport.objects.select_related("created_by")[:10]
    return TemplateResponse(request, "org/import_upload.html", {"form": form, "recent": recent})


@login_required
def import_detail(request, pk):
    job = selectors.roster_import_get_for(user=request.user, pk=pk)
    context = {
        "job": job,
        "busy": job.status in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.SAVING),
    }
    if request.htmx:
        return TemplateResponse(request, "org/import_detail.html#status", context)
    return TemplateResponse(request, "org/import_detail.html", context)


@require_POST
@login_required
def import_confirm(request, pk):
    job = selectors.roster_import_get_for(user=request.user, pk=pk)
    try:
        roster_import_confirm(actor=request.user, job=job)
    except ServiceError as err:
        messages.warning(request, str(err))
    return redirect("org:import_detail", pk=job.pk)


@login_required
def import_template(request):
    response = HttpResponse(
        roster_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="templat-daftar-pegawai.xlsx"'
    return response


@login_required
def export(request):
    if not can_export_roster(request.user):
        raise Http404
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    data = roster_export(actor=request.user, fmt=fmt)
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = HttpResponse(data, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="daftar-pegawai-{stamp}.{fmt}"'
    return response


@login_required
@require_POST
def employee_active(request, pk: int):
    """Deactivate (or reactivate) an employee: admin BKPSDM only, with a reason, against the version seen."""
    if not can_manage_reporting(request.user):
        raise Http404
    employee = selectors.employee_get_for(user=request.user, pk=pk)
    form = EmployeeActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan alasannya, misalnya pensiun atau pindah instansi."))
    else:
        try:
            employee_set_active(
                actor=request.user,
                employee=employee,
                active=form.cleaned_data["active"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ServiceError as err:
            messages.error(request, str(err))
        else:
            messages.success(
                request,
                _("Pegawai diaktifkan kembali.") if form.cleaned_data["active"] else _("Pegawai dinonaktifkan."),
            )
    return redirect("org:employee", pk=pk)
