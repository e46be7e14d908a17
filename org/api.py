"""The organisation API: units, positions and employees (read), and roster import as an upload."""

from datetime import date
from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from accounts.permissions import can_import_roster
from org import selectors
from org.models import RosterImport, Unit
from org.services import ServiceError, roster_import_confirm, roster_import_start

router = Router(tags=["organisasi"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    depth: int


class PositionOut(Schema):
    id: int
    name: str
    kind: str
    grade: str
    unit_id: int
    is_head: bool


class PersonRef(Schema):
    id: int
    nip: str
    name: str


class EmployeeOut(Schema):
    id: int
    nip: str
    name: str
    gelar_depan: str
    gelar_belakang: str
    gender: str
    birth_date: date
    status: str
    golongan: str
    email: str
    is_active: bool
    unit_id: int
    position_id: int
    penilai: PersonRef | None
    atasan_penilai: PersonRef | None


class ImportIssueOut(Schema):
    row: int
    column: str
    code: str
    message: str


class RosterImportOut(Schema):
    id: UUID
    filename: str
    status: str
    rows_total: int
    rows_done: int
    summary: dict
    errors: list[ImportIssueOut]
    warnings: list[ImportIssueOut]


@router.get("/units", response=list[UnitOut])
@paginate(LimitOffsetPagination)
def list_units(request):
    return selectors.units_list()


@router.get("/units/{unit_id}", response=UnitOut)
def get_unit(request, unit_id: int):
    return get_object_or_404(Unit, pk=unit_id)


@router.get("/positions", response=list[PositionOut])
@paginate(LimitOffsetPagination)
def list_positions(request, unit_id: int | None = None):
    return selectors.positions_list(unit_id=unit_id)


@router.get("/employees", response=list[EmployeeOut])
@paginate(LimitOffsetPagination)
def list_employees(request, unit_id: int | None = None, nip: str | None = None):
    """Employees the caller may see in full (self, their line, or everyone for office-wide roles)."""
    qs = selectors.employees_visible_to(user=request.auth).order_by("id")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if nip:
        qs = qs.filter(nip="".join(nip.split()))
    return qs


@router.get("/employees/{employee_id}", response=EmployeeOut)
def get_employee(request, employee_id: int):
    return selectors.employee_get_for(user=request.auth, pk=employee_id)


@router.post("/roster/imports", response={202: RosterImportOut})
def start_import(request, file: UploadedFile = File(...)):  # noqa: B008
    """Upload a roster (.xlsx/.csv). It is checked first; nothing is saved until it is confirmed."""
    if not can_import_roster(request.auth):
        raise Http404
    try:
        job = roster_import_start(actor=request.auth, filename=file.name or "roster", chunks=file.chunks())
    except ServiceError as err:
        raise HttpError(413, str(err)) from err
    job.refresh_from_db()
    return Status(202, job)


@router.get("/roster/imports/{import_id}", response=RosterImportOut)
def get_import(request, import_id: UUID):
    return selectors.roster_import_get_for(user=request.auth, pk=import_id)


@router.post("/roster/imports/{import_id}/confirm", response={202: RosterImportOut})
def confirm_import(request, import_id: UUID):
    job = selectors.roster_import_get_for(user=request.auth, pk=import_id)
    try:
        roster_import_confirm(actor=request.auth, job=job)
    except ServiceError as err:
        raise HttpError(409, str(err)) from err
    return Status(202, RosterImport.objects.get(pk=job.pk))
