"""The performance API under /api/kinerja/: periods, SKP planning and review, realisation, evaluation, results.

Same rules as the pages: every access decision is asked of `performance.permissions`, every write
goes through `performance.services`. Errors are `{"detail": "..."}` in Indonesian:

- 404 when the caller may not even see the SKP (indistinguishable from a missing one);
- 403 when they see it but are not the person who may do this (an auditor never writes);
- 409 when the record changed since the caller read it (`version` is the version they read);
- 400 for any other refusal of the service (wrong stage, missing target, …), with its reason.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BeforeValidator, PlainSerializer

from org.models import Unit
from performance import permissions as perm
from performance import selectors, services
from performance.models import (
    Aspect,
    Direction,
    EvaluationStatus,
    Evidence,
    EvidenceKind,
    Indicator,
    IndicatorKind,
    Level,
    OrgPredikat,
    Period,
    PeriodStatus,
    Predikat,
    Realisation,
    Rhk,
    RhkKind,
    Scheme,
    Skp,
    SkpStatus,
    Slice,
)

router = Router(tags=["kinerja"])


# ---------------------------------------------------------------------------------------------
# Field types: decimals travel as strings, blank choices as null.


def _blank_to_none(value: Any) -> Any:
    return None if value in ("", None) else value


def _number_to_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value


DecimalStr = Annotated[Decimal, PlainSerializer(lambda v: str(v), return_type=str)]
DecimalText = Annotated[
    str | None,
    BeforeValidator(_number_to_text),
    Field(None, description='Angka desimal sebagai teks, mis. "12.5" (koma juga diterima: "12,5").'),
]
OptLevel = Annotated[Level | None, BeforeValidator(_blank_to_none)]
OptPredikat = Annotated[Predikat | None, BeforeValidator(_blank_to_none)]

VERSION_HELP = "Versi yang Anda baca (optimistic locking); berbeda dengan versi sekarang → 409."


# ---------------------------------------------------------------------------------------------
# Output schemas


class ErrorOut(Schema):
    detail: str


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {404: ErrorOut}


class SliceOut(Schema):
    code: str
    label: str
    start: date
    end: date


class PeriodOut(Schema):
    id: int
    year: int
    name: str
    scheme: Scheme
    status: PeriodStatus
    planning_opens: date
    planning_closes: date
    evaluation_opens: date
    evaluation_closes: date
    published_on: date | None
    objection_days: int
    version: int
    slices: list[SliceOut]

    @staticmethod
    def resolve_slices(obj):
        return obj.slices.all()


class PegawaiRef(Schema):
    id: int
    nip: str
    name: str

    @staticmethod
    def resolve_name(obj):
        return obj.full_name


class UnitRef(Schema):
    id: int
    name: str


class SkpStateOut(Schema):
    id: int
    status: SkpStatus
    version: int


class SkpSummaryOut(Schema):
    id: int
    period_id: int
    employee: PegawaiRef
    penilai: PegawaiRef | None
    atasan_penilai: PegawaiRef | None
    unit_id: int
    position_name: str
    status: SkpStatus
    return_comment: str
    agreed_at: datetime | None
    agreed_version: int | None
    updated_at: datetime
    version: int


class EvidenceOut(Schema):
    """Bukti dukung metadata. Stored files are never exposed by path or stored name."""

    id: int
    kind: EvidenceKind
    title: str
    url: str = Field(description="Alamat tautan (hanya untuk bukti berupa tautan).")
    filename: str = Field(description="Nama asli berkas (hanya untuk bukti berupa berkas).")
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class RealisationOut(Schema):
    id: int
    slice_code: str
    value: DecimalStr | None
    text: str
    assessed_level: OptLevel
    updated_at: datetime
    version: int
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_slice_code(obj):
        return obj.slice.code

    @staticmethod
    def resolve_evidence(obj):
        return [e for e in obj.evidence.all() if e.removed_at is None]


class IndicatorOut(Schema):
    id: int
    rhk_id: int
    text: str
    aspect: Aspect
    kind: IndicatorKind
    target_value: DecimalStr | None
    target_unit: str
    target_text: str
    direction: Direction
    order: int
    realisations: list[RealisationOut]

    @staticmethod
    def resolve_realisations(obj):
        return obj.realisations.all()


class RhkOut(Schema):
    id: int
    skp_id: int
    kind: RhkKind
    text: str
    parent_id: int | None
    perspektif: str
    order: int
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj):
        return obj.indicators.all()


class SkpActionsOut(Schema):
    """What the caller may do with this SKP now (the same answers the pages use)."""

    edit: bool
    submit: bool
    review: bool
    record_realisation: bool
    rate: bool
    view_evaluation: bool


class SkpDetailOut(SkpSummaryOut):
    dukungan_sumber_daya: str
    skema_pertanggungjawaban: str
    konsekuensi: str
    expectations: dict[str, str]
    rhk: list[RhkOut]
    can: SkpActionsOut

    @staticmethod
    def resolve_expectations(obj):
        return {e.value: e.text for e in obj.expectations.all()}

    @staticmethod
    def resolve_rhk(obj):
        return obj.rhks.all()

    @staticmethod
    def resolve_can(obj, context):
        user = context["request"].auth
        return {
            "edit": perm.can_edit_skp(user, obj),
            "submit": perm.can_edit_skp(user, obj) and obj.status in (SkpStatus.DRAFT, SkpStatus.RETURNED),
            "review": perm.can_review_skp(user, obj),
            "record_realisation": perm.can_record_realisation(user, obj),
            "rate": perm.can_rate(user, obj),
            "view_evaluation": perm.can_view_evaluation(user, obj),
        }


class RhkWriteOut(Schema):
    rhk: RhkOut
    skp: SkpStateOut


class IndicatorWriteOut(Schema):
    indicator: IndicatorOut
    skp: SkpStateOut


class AchievementIndicatorOut(Schema):
    indicator_id: int
    text: str
    kind: IndicatorKind
    capaian: DecimalStr | None = Field(description="Capaian dalam persen; null bila belum ada realisasi.")
    level: Level | None


class AchievementRhkOut(Schema):
    rhk_id: int
    kind: RhkKind
    text: str
    capaian: DecimalStr | None
    level: Level | None
    indicators: list[AchievementIndicatorOut]


class SuggestionOut(Schema):
    level: Level
    reason: str
    utama_total: int
    utama_above: int
    utama_meets: int
    utama_below: int
    tambahan_above: int
    tambahan_meets: int
    tambahan_below: int


class EvaluationOut(Schema):
    skp_id: int
    status: EvaluationStatus
    version: int | None = Field(description="Versi evaluasi; null bila belum pernah dinilai.")
    suggested_work_level: OptLevel = Field(description="Saran hasil kerja saat penilaian disimpan.")
    suggestion: SuggestionOut | None = Field(description="Saran hasil kerja dari capaian RHK saat ini.")
    achievements: list[AchievementRhkOut]
    work_level: OptLevel
    work_justification: str
    behaviour_levels: dict[str, Level]
    behaviour_level: OptLevel
    behaviour_justification: str
    predikat: OptPredikat
    note: str
    rated_at: datetime | None
    finalised_at: datetime | None
    published_on: date | None
    changed_by_objection: bool


class ResultEvaluationOut(Schema):
    status: EvaluationStatus
    work_level: OptLevel
    behaviour_level: OptLevel
    predikat: OptPredikat
    published_on: date | None
    changed_by_objection: bool


class ResultOut(Schema):
    skp_id: int
    period_id: int
    employee: PegawaiRef
    unit: UnitRef
    position_name: str
    skp_status: SkpStatus
    evaluation: ResultEvaluationOut | None = Field(
        description="Null bila belum dinilai atau Anda belum boleh melihatnya (pegawai: sampai final)."
    )

    @staticmethod
    def resolve_skp_id(obj):
        return obj.pk

    @staticmethod
    def resolve_skp_status(obj):
        return obj.status

    @staticmethod
    def resolve_evaluation(obj, context):
        evaluation = getattr(obj, "evaluation", None)
        if evaluation is None or not perm.can_view_evaluation(context["request"].auth, obj):
            return None
        return evaluation


class LimitOut(Schema):
    predikat: list[Predikat]
    op: str = Field(description="max, min, some, atau none")
    share: DecimalStr | None
    allowed: int | None
    needed: int | None
    count: int
    holds: bool


class ViolationOut(Schema):
    predikat: list[Predikat]
    op: str
    share: DecimalStr | None
    count: int
    allowed: int | None
    needed: int | None
    total: int


class DistributionOut(Schema):
    unit_id: int
    period_id: int
    total: int
    org_predikat: OrgPredikat | None
    counts: dict[str, int] = Field(description="Jumlah pegawai per predikat (kunci: nilai Predikat).")
    limits: list[LimitOut]
    violations: list[ViolationOut]


# ---------------------------------------------------------------------------------------------
# Input schemas


class SkpStartIn(Schema):
    period_id: int
    copy_previous: bool = Field(False, description="Salin RHK dan indikator dari SKP tahun sebelumnya.")


class VersionIn(Schema):
    version: int = Field(description=VERSION_HELP)


class RhkIn(Schema):
    text: str
    kind: RhkKind = RhkKind.UTAMA
    parent_id: int | None = Field(None, description="RHK atasan (pejabat penilai) yang diintervensi.")
    perspektif: str = ""
    version: int = Field(description="Versi SKP yang Anda baca. " + VERSION_HELP)


class IndicatorIn(Schema):
    text: str
    aspect: Aspect = Aspect.KUANTITAS
    kind: IndicatorKind = IndicatorKind.KUANTITATIF
    target_value: DecimalText = None
    target_unit: str = ""
    target_text: str = ""
    direction: Direction = Direction.HIGHER_BETTER
    version: int = Field(description="Versi SKP yang Anda baca. " + VERSION_HELP)


class ReviewIn(Schema):
    agree: bool
    comment: str = Field("", description="Wajib bila SKP dikembalikan (agree=false).")
    version: int = Field(description=VERSION_HELP)


class RealisationIn(Schema):
    value: DecimalText = None
    text: str = ""
    version: int | None = Field(description="Versi realisasi yang Anda baca; null bila belum ada realisasi.")


class EvidenceLinkIn(Schema):
    url: str = Field(description="Alamat web lengkap (https://…).")
    title: str = ""
    client_token: UUID | None = Field(None, description="Token sekali pakai: kiriman ulang tidak membuat duplikat.")


class EvaluationIn(Schema):
    work_level: Level
    behaviour_levels: dict[str, Level] = Field(description="Ketujuh nilai BerAKHLAK: pelayanan, akuntabel, …")
    behaviour_level: Level
    work_justification: str = ""
    behaviour_justification: str = ""
    note: str = ""
    version: int | None = Field(description="Versi evaluasi yang Anda baca; null bila belum pernah dinilai.")


# ---------------------------------------------------------------------------------------------
# Doors: every object is reached through what the caller may see.


def _forbidden() -> HttpError:
    return HttpError(403, _("Anda tidak berwenang melakukan ini."))


@contextmanager
def _service() -> Iterator[None]:
    """Service refusals as HTTP: a stale version is 409, anything else the service refuses is 400."""
    try:
        yield
    except services.Stale as exc:
        raise HttpError(409, str(exc)) from exc
    except services.ServiceError as exc:
        raise HttpError(400, str(exc)) from exc


def _expected(version: int | None) -> int:
    """A null version means "I read nothing yet": it fails if the record already exists."""
    return 0 if version is None else version


def _skp_qs():
    return Skp.objects.select_related("period", "unit", "employee", "penilai", "atasan_penilai", "evaluation")


def _realisations() -> Prefetch:
    """Realisations with their slice and the evidence that still counts (withdrawn evidence is left out)."""
    evidence = Prefetch("evidence", queryset=Evidence.objects.filter(removed_at__isnull=True).order_by("created_at"))
    return Prefetch("realisations", queryset=Realisation.objects.select_related("slice").prefetch_related(evidence))


def _indicators() -> Prefetch:
    return Prefetch("indicators", queryset=Indicator.objects.prefetch_related(_realisations()))


def _detail_qs():
    rhks = Prefetch("rhks", queryset=Rhk.objects.prefetch_related(_indicators()))
    return _skp_qs().prefetch_related(rhks, "expectations")


def _visible(user, skp: Skp | None) -> Skp:
    if skp is None or not perm.can_view_skp(user, skp):
        raise Http404
    return skp


def _skp_for(request, skp_id: int, qs=None) -> Skp:
    return _visible(request.auth, (qs if qs is not None else _skp_qs()).filter(pk=skp_id).first())


def _require_owner(request, skp: Skp) -> None:
    """Planning and realisation are the employee's own: anyone else who can see the SKP gets 403."""
    eid = request.auth.employee_id
    if eid is None or eid != skp.employee_id:
        raise _forbidden()


def _require_penilai(request, skp: Skp) -> None:
    """Agreement and rating belong to the SKP's pejabat penilai (the pimpinan for those the Kepala Daerah appraises)."""
    if not perm.is_appraiser(request.auth, skp):
        raise _forbidden()


def _detail(skp_id: int) -> Skp:
    return _detail_qs().get(pk=skp_id)


def _state(skp_id: int) -> Skp:
    return Skp.objects.only("id", "status", "version").get(pk=skp_id)


def _indicator_fresh(indicator_id: int) -> Indicator:
    return Indicator.objects.prefetch_related(_realisations()).get(pk=indicator_id)


def _rhk_fresh(rhk_id: int) -> Rhk:
    return Rhk.objects.prefetch_related(_indicators()).get(pk=rhk_id)


# ---------------------------------------------------------------------------------------------
# Periods and SKP reads


@router.get("/periode", response=list[PeriodOut])
def list_periods(request):
    """Performance periods, newest first, each with its periodic evaluations (slices)."""
    return Period.objects.prefetch_related("slices")


@router.get("/skp", response=list[SkpSummaryOut])
@paginate(LimitOffsetPagination)
def list_skps(request, period: int | None = None, employee_nip: str | None = None):
    """SKPs the caller may read: their own, their team's, their units' (heads), or all (office roles)."""
    qs = Skp.objects.select_related("employee", "penilai", "atasan_penilai").order_by("id")
    scope = perm.skp_scope_q(request.auth)
    if scope is not None:
        qs = qs.filter(scope)
    if period:
        qs = qs.filter(period_id=period)
    if employee_nip:
        qs = qs.filter(employee__nip="".join(employee_nip.split()))
    return qs


@router.get("/skp/{skp_id}", response={200: SkpDetailOut, **READ_ERRORS})
def get_skp(request, skp_id: int):
    """One SKP with its RHK, indicators, realisations per slice and evidence metadata."""
    return _skp_for(request, skp_id, _detail_qs())


# ---------------------------------------------------------------------------------------------
# Planning


@router.post("/skp", response={200: SkpDetailOut, 201: SkpDetailOut, **ERRORS})
def start_skp(request, data: SkpStartIn):
    """Open the caller's own SKP for a period (201), or return the one already open (200)."""
    employee = getattr(request.auth, "employee", None)
    if employee is None or not perm.can_plan(request.auth, employee):
        raise _forbidden()
    period = get_object_or_404(Period, pk=data.period_id)
    existed = Skp.objects.filter(period=period, employee=employee).exists()
    with _service():
        skp = services.skp_start(actor=request.auth, period=period, employee=employee, copy_previous=data.copy_previous)
    return Status(200 if existed else 201, _detail(skp.pk))


@router.post("/skp/{skp_id}/rhk", response={201: RhkWriteOut, **ERRORS})
def create_rhk(request, skp_id: int, data: RhkIn):
    """Add an RHK. A change to an agreed SKP sends it back to draft: it needs a new agreement."""
    skp = _skp_for(request, skp_id)
    _require_owner(request, skp)
    with _service():
        rhk = services.rhk_save(
            actor=request.auth,
            skp=skp,
            text=data.text,
            kind=data.kind.value,
            parent_id=data.parent_id,
            perspektif=data.perspektif,
            expected_version=data.version,
        )
    return Status(201, {"rhk": _rhk_fresh(rhk.pk), "skp": _state(skp.pk)})


@router.put("/rhk/{rhk_id}", response={200: RhkWriteOut, **ERRORS})
def update_rhk(request, rhk_id: int, data: RhkIn):
    rhk = selectors.rhk_get_for(user=request.auth, pk=rhk_id)
    _require_owner(request, rhk.skp)
    with _service():
        services.rhk_save(
            actor=request.auth,
            skp=rhk.skp,
            rhk=rhk,
            text=data.text,
            kind=data.kind.value,
            parent_id=data.parent_id,
            perspektif=data.perspektif,
            expected_version=data.version,
        )
    return {"rhk": _rhk_fresh(rhk.pk), "skp": _state(rhk.skp_id)}


@router.delete("/rhk/{rhk_id}", response={200: SkpStateOut, **ERRORS})
def delete_rhk(request, rhk_id: int, version: int):
    """Delete an RHK (and its indicators) that has no realisation yet. `version` is the SKP version read."""
    rhk = selectors.rhk_get_for(user=request.auth, pk=rhk_id)
    _require_owner(request, rhk.skp)
    with _service():
        services.rhk_delete(actor=request.auth, rhk=rhk, expected_version=version)
    return _state(rhk.skp_id)


def _indicator_kwargs(data: IndicatorIn) -> dict[str, Any]:
    return {
        "text": data.text,
        "aspect": data.aspect.value,
        "kind": data.kind.value,
        "target_value": data.target_value,
        "target_unit": data.target_unit,
        "target_text": data.target_text,
        "direction": data.direction.value,
        "expected_version": data.version,
    }


@router.post("/rhk/{rhk_id}/indikator", response={201: IndicatorWriteOut, **ERRORS})
def create_indicator(request, rhk_id: int, data: IndicatorIn):
    """Add an indicator: kuantitatif with a target number and unit, or kualitatif with a described target."""
    rhk = selectors.rhk_get_for(user=request.auth, pk=rhk_id)
    _require_owner(request, rhk.skp)
    with _service():
        indicator = services.indicator_save(actor=request.auth, rhk=rhk, **_indicator_kwargs(data))
    return Status(201, {"indicator": _indicator_fresh(indicator.pk), "skp": _state(rhk.skp_id)})


@router.put("/indikator/{indicator_id}", response={200: IndicatorWriteOut, **ERRORS})
def update_indicator(request, indicator_id: int, data: IndicatorIn):
    indicator = selectors.indicator_get_for(user=request.auth, pk=indicator_id)
    _require_owner(request, indicator.rhk.skp)
    with _service():
        services.indicator_save(actor=request.auth, rhk=indicator.rhk, indicator=indicator, **_indicator_kwargs(data))
    return {"indicator": _indicator_fresh(indicator.pk), "skp": _state(indicator.rhk.skp_id)}


@router.delete("/indikator/{indicator_id}", response={200: SkpStateOut, **ERRORS})
def delete_indicator(request, indicator_id: int, version: int):
    """Delete an indicator that has no realisation yet. `version` is the SKP version read."""
    indicator = selectors.indicator_get_for(user=request.auth, pk=indicator_id)
    _require_owner(request, indicator.rhk.skp)
    with _service():
        services.indicator_delete(actor=request.auth, indicator=indicator, expected_version=version)
    return _state(indicator.rhk.skp_id)


@router.post("/skp/{skp_id}/ajukan", response={200: SkpDetailOut, **ERRORS})
def submit_skp(request, skp_id: int, data: VersionIn):
    """Submit the SKP to the pejabat penilai for agreement (a repeated submit is harmless)."""
    skp = _skp_for(request, skp_id)
    _require_owner(request, skp)
    with _service():
        services.skp_submit(actor=request.auth, skp=skp, expected_version=data.version)
    return _detail(skp.pk)


@router.post("/skp/{skp_id}/tinjau", response={200: SkpDetailOut, **ERRORS})
def review_skp(request, skp_id: int, data: ReviewIn):
    """The pejabat penilai agrees to a submitted SKP, or returns it with a comment."""
    skp = _skp_for(request, skp_id)
    _require_penilai(request, skp)
    with _service():
        services.skp_review(
            actor=request.auth, skp=skp, agree=data.agree, comment=data.comment, expected_version=data.version
        )
    return _detail(skp.pk)


# ---------------------------------------------------------------------------------------------
# Doing: realisation and evidence links


def _slice_of(indicator: Indicator, slice_code: str) -> Slice:
    return get_object_or_404(Slice, period_id=indicator.rhk.skp.period_id, code=slice_code)


@router.put("/indikator/{indicator_id}/realisasi/{slice_code}", response={200: RealisationOut, **ERRORS})
def save_realisation(request, indicator_id: int, slice_code: str, data: RealisationIn):
    """Record what was achieved on an indicator in one periodic evaluation (e.g. TW1, S2).

    `version` is the realisation's version you read, or null when there is none yet.
    """
    indicator = selectors.indicator_get_for(user=request.auth, pk=indicator_id)
    _require_owner(request, indicator.rhk.skp)
    slice_ = _slice_of(indicator, slice_code)
    with _service():
        realisation = services.realisation_save(
            actor=request.auth,
            indicator=indicator,
            slice=slice_,
            value=data.value,
            text=data.text,
            expected_version=_expected(data.version),
        )
    return Realisation.objects.select_related("slice").prefetch_related("evidence").get(pk=realisation.pk)


@router.post("/indikator/{indicator_id}/realisasi/{slice_code}/bukti", response={201: EvidenceOut, **ERRORS})
def add_evidence_link(request, indicator_id: int, slice_code: str, data: EvidenceLinkIn):
    """Add a link as bukti dukung to a saved realisation.

    Files are not uploaded over the API: upload evidence files on the realisation page, where each
    file is checked by its content. The API lists their metadata only.
    """
    indicator = selectors.indicator_get_for(user=request.auth, pk=indicator_id)
    skp = indicator.rhk.skp
    _require_owner(request, skp)
    slice_ = _slice_of(indicator, slice_code)
    realisation = Realisation.objects.filter(indicator=indicator, slice=slice_).first()
    if realisation is None:
        raise HttpError(400, _("Simpan realisasi periode ini dulu, lalu tambahkan bukti dukung."))
    if not perm.can_record_realisation(request.auth, skp):
        raise HttpError(400, _("Realisasi hanya dapat dicatat pada SKP yang sudah disetujui, selama periode berjalan."))
    realisation.indicator = indicator
    with _service():
        evidence = services.evidence_add_link(
            actor=request.auth, realisation=realisation, url=data.url, title=data.title, client_token=data.client_token
        )
    return Status(201, evidence)


# ---------------------------------------------------------------------------------------------
# Evaluation


def _level(value) -> str | None:
    return value.value if value is not None else None


def _evaluation_data(skp: Skp) -> dict[str, Any]:
    computed = services.achievements(skp)
    achievements = [
        {
            "rhk_id": row["rhk"].pk,
            "kind": row["rhk"].kind,
            "text": row["rhk"].text,
            "capaian": row["result"].capaian,
            "level": _level(row["result"].level),
            "indicators": [
                {
                    "indicator_id": item["indicator"].pk,
                    "text": item["indicator"].text,
                    "kind": item["indicator"].kind,
                    "capaian": item["result"].capaian,
                    "level": _level(item["result"].level),
                }
                for item in row["indicators"]
            ],
        }
        for row in computed["rhk"]
    ]
    suggestion = services.work_suggestion(skp, computed)
    evaluation = getattr(skp, "evaluation", None)
    data: dict[str, Any] = {
        "skp_id": skp.pk,
        "status": EvaluationStatus.OPEN,
        "version": None,
        "suggested_work_level": None,
        "suggestion": suggestion.to_data() if suggestion else None,
        "achievements": achievements,
        "work_level": None,
        "work_justification": "",
        "behaviour_levels": {},
        "behaviour_level": None,
        "behaviour_justification": "",
        "predikat": None,
        "note": "",
        "rated_at": None,
        "finalised_at": None,
        "published_on": None,
        "changed_by_objection": False,
    }
    if evaluation is not None:
        for key in data:
            if key not in ("skp_id", "suggestion", "achievements"):
                data[key] = getattr(evaluation, key)
    return data


def _evaluation_skp(request, skp_id: int) -> Skp:
    skp = _skp_for(request, skp_id, _skp_qs().prefetch_related("rhks__indicators__realisations"))
    if not perm.can_view_evaluation(request.auth, skp):
        raise HttpError(404, _("Evaluasi belum dapat dilihat."))
    return skp


@router.get("/skp/{skp_id}/evaluasi", response={200: EvaluationOut, **READ_ERRORS})
def get_evaluation(request, skp_id: int):
    """The annual evaluation with the capaian per RHK and indicator and the suggested work rating.

    The employee sees it once it is final; their appraisers and the office as soon as it exists
    (before the first rating its status is `open`, with the suggestion computed from the capaian).
    """
    return _evaluation_data(_evaluation_skp(request, skp_id))


@router.post("/skp/{skp_id}/evaluasi", response={200: EvaluationOut, **ERRORS})
def rate_evaluation(request, skp_id: int, data: EvaluationIn):
    """The pejabat penilai rates work and behaviour; departing from the suggestion needs a justification."""
    skp = _skp_for(request, skp_id)
    _require_penilai(request, skp)
    with _service():
        services.evaluation_rate(
            actor=request.auth,
            skp=skp,
            work_level=data.work_level.value,
            behaviour_levels={k: v.value for k, v in data.behaviour_levels.items()},
            behaviour_level=data.behaviour_level.value,
            work_justification=data.work_justification,
            behaviour_justification=data.behaviour_justification,
            note=data.note,
            expected_version=_expected(data.version),
        )
    return _evaluation_data(_evaluation_skp(request, skp_id))


# ---------------------------------------------------------------------------------------------
# Results and distribution


@router.get("/hasil", response=list[ResultOut])
@paginate(LimitOffsetPagination)
def list_results(request, period: int | None = None, unit: int | None = None):
    """Results (predikat and ratings) the caller may read; `unit` includes its sub-units.

    Office roles may read a whole unit; an employee sees their own result once it is final.
    """
    qs = Skp.objects.select_related("employee", "unit", "evaluation").order_by("unit__path", "employee__name", "id")
    scope = perm.skp_scope_q(request.auth)
    if scope is not None:
        qs = qs.filter(scope)
    if period:
        qs = qs.filter(period_id=period)
    if unit:
        qs = qs.filter(unit__path__startswith=get_object_or_404(Unit, pk=unit).path)
    return qs


@router.get("/unit/{unit_id}/distribusi", response={200: DistributionOut, **ERRORS})
def unit_distribution(request, unit_id: int, period: int):
    """Predikat counts of a perangkat daerah against the quota of its organisation predikat (office roles)."""
    if not perm.can_view_dashboard(request.auth):
        raise _forbidden()
    unit = get_object_or_404(Unit, pk=unit_id)
    period_obj = get_object_or_404(Period, pk=period)
    state = services.unit_distribution(period_obj, unit)
    counts = state["counts"]
    return {
        "unit_id": unit.pk,
        "period_id": period_obj.pk,
        "total": state["total"],
        "org_predikat": state["org_predikat"],
        "counts": counts,
        "limits": [
            {
                "predikat": [p.value for p in limit.predikat],
                "op": limit.op.value,
                "share": limit.share,
                "allowed": limit.allowed,
                "needed": limit.needed,
                "count": (n := sum(counts.get(p.value, 0) for p in limit.predikat)),
                "holds": limit.holds(n),
            }
            for limit in state["limits"]
        ],
        "violations": [
            {
                "predikat": [p.value for p in v.predikat],
                "op": v.op.value,
                "share": v.share,
                "count": v.count,
                "allowed": v.allowed,
                "needed": v.needed,
                "total": v.total,
            }
            for v in state["violations"]
        ],
    }
