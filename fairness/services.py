"""Every write in fairness: declarations, analyses, calibration. Each one transaction, each one audited.

A calibration changes a rating only through `performance.services.evaluation_calibrate`, which
keeps the performance audit trail and returns the rating as it stood; the decision row keeps that
original beside the new levels, so both stay visible.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role
from audit.services import event_record
from fairness import permissions as perm
from fairness.engine.adverse import GroupCounts, adverse_impact
from fairness.engine.data import InputError, Ratings
from fairness.engine.report import analyse
from fairness.models import (
    AnalysisKind,
    AnalysisRun,
    CalibrationDecision,
    CalibrationMember,
    CalibrationSession,
    ConflictOfInterest,
    ConflictRelation,
    DecisionKind,
    MemberKind,
    RaterResult,
    RunStatus,
    SessionStatus,
)
from org.models import Employee, Unit
from performance import rules
from performance.models import Evaluation, EvaluationStatus, PeerRequest, Period, Skp
from performance.services import ServiceError as PerformanceServiceError
from performance.services import achievements, evaluation_calibrate, rules_for

logger = logging.getLogger(__name__)

# The behaviour and work levels as scores: an ordered three-point scale (higher = better).
SCORES: dict[str, float] = {"DI_BAWAH": 1.0, "SESUAI": 2.0, "DI_ATAS": 3.0}
WORK_CRITERION = "hasil_kerja"
RATED_STATUSES = (EvaluationStatus.RATED, EvaluationStatus.FINAL, EvaluationStatus.PUBLISHED)
# A predikat of Sangat Baik or Baik is the favourable outcome for adverse impact.
FAVOURABLE = frozenset({"SANGAT_BAIK", "BAIK"})
# The rater flags a calibration committee reviews ("muted" and "unlinked" describe the data, not a bias).
REVIEW_FLAGS = (
    "lenient",
    "severe",
    "lenient_vs_achievement",
    "severe_vs_achievement",
    "halo",
    "central_tendency",
    "misfit",
)
# Groups smaller than this are reported as suppressed (architecture.md: groups of 5 or more only).
MIN_GROUP_SIZE = 5


class ServiceError(Exception):
    """A refusal the user can act on; the message is already translated."""


def _denied() -> ServiceError:
    return ServiceError(_("Anda tidak berwenang melakukan ini."))


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


def conflict_declare(
    *, actor, employee: Employee, other: Employee, relation: str, note: str = ""
) -> ConflictOfInterest:
    """Declare a relation between `employee` (the actor, or one of their team) and `other`.

    Declaring the same pair again (either way round) returns the active declaration unchanged.
    """
    if not perm.can_declare_conflict(actor):
        raise _denied()
    scope = perm.conflict_subject_q(actor)
    if scope is not None and not Employee.objects.filter(scope, pk=employee.pk).exists():
        raise ServiceError(_("Anda hanya dapat menyatakan konflik kepentingan Anda sendiri atau anggota tim Anda."))
    if employee.pk == other.pk:
        raise ServiceError(_("Pilih pegawai lain: konflik kepentingan selalu antara dua orang."))
    if relation not in ConflictRelation.values:
        raise ServiceError(_("Pilih jenis hubungan."))
    with transaction.atomic():
        pair = Q(employee=employee, other=other) | Q(employee=other, other=employee)
        existing = ConflictOfInterest.objects.filter(pair, withdrawn_at__isnull=True).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                conflict = ConflictOfInterest.objects.create(
                    declared_by=actor, employee=employee, other=other, relation=relation, note=note.strip()
                )
        except IntegrityError:
            return ConflictOfInterest.objects.get(pair, withdrawn_at__isnull=True)
        event_record(
            actor=actor,
            action="fairness.conflict.declare",
            obj=conflict,
            changes={"pegawai": employee.nip, "pegawai_lain": other.nip, "hubungan": relation},
            reason=conflict.note,
            subject_employee_id=employee.pk,
        )
    return conflict


def conflict_withdraw(*, actor, conflict: ConflictOfInterest, reason: str = "") -> ConflictOfInterest:
    """Withdraw a declaration; the row stays, marked with when and by whom."""
    with transaction.atomic():
        locked = ConflictOfInterest.objects.select_for_update().get(pk=conflict.pk)
        if locked.withdrawn_at is not None:
            return locked
        if not perm.can_withdraw_conflict(actor, locked):
            raise _denied()
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        event_record(
            actor=actor,
            action="fairness.conflict.withdraw",
            obj=locked,
            changes={"withdrawn_at": {"old": None, "new": locked.withdrawn_at.isoformat()}},
            reason=reason.strip(),
            subject_employee_id=locked.employee_id,
        )
    return locked


# ---------------------------------------------------------------------------------------------
# Analyses: the long-form input, the run, the stored results


def rater_key_employee(employee_id: int) -> str:
    return f"e:{employee_id}"


def rater_key_user(user_id: int) -> str:
    return f"u:{user_id}"


def parse_key(key: str) -> tuple[str, int | None]:
    """("e", employee id) or ("u", user id) from a rater or ratee key."""
    kind, _sep, raw = key.partition(":")
    try:
        return kind, int(raw)
    except ValueError:
        return kind, None


@dataclass
class LongForm:
    """The ratings of one period and scope in long form, with what the pages need beside them."""

    ratee: list[str] = field(default_factory=list)
    rater: list[str] = field(default_factory=list)
    criterion: list[str] = field(default_factory=list)
    score: list[float] = field(default_factory=list)
    # (rater, ratee) -> "penilai" (the appraiser's rating) or "360" (a peer's answer).
    pairs: dict[tuple[str, str], str] = field(default_factory=dict)
    evaluations: dict[str, int] = field(default_factory=dict)
    appraisers: set[str] = field(default_factory=set)
    people: list[dict[str, Any]] = field(default_factory=list)
    achievement: dict[str, float] = field(default_factory=dict)
    duplicates: int = 0

    def add(self, ratee: str, rater: str, criterion: str, score: float, seen: set) -> None:
        key = (ratee, rater, criterion)
        if key in seen:
            # An appraiser who also answered a 360 request for the same person: the rating counts once.
            self.duplicates += 1
            return
        seen.add(key)
        self.ratee.append(ratee)
        self.rater.append(rater)
        self.criterion.append(criterion)
        self.score.append(score)


def _in_scope(qs, unit: Unit | None, prefix: str = "skp__"):
    if unit is None:
        return qs
    return qs.filter(**{f"{prefix}unit__path__startswith": unit.path})


def _appraiser_key(row: dict[str, Any]) -> str | None:
    """Who gave the rating: the rating user's employee, else the SKP's penilai, else the user (pimpinan)."""
    if row["rated_by__employee_id"]:
        return rater_key_employee(row["rated_by__employee_id"])
    if row["skp__penilai_id"]:
        return rater_key_employee(row["skp__penilai_id"])
    if row["rated_by_id"]:
        return rater_key_user(row["rated_by_id"])
    return None


def ratings_long_form(*, period: Period, unit: Unit | None, kind: str) -> LongForm:
    """The ratings of a period in long form: two queries (evaluations, 360 answers), plus four for
    the realisations behind the objective achievement of a work-result analysis.

    Behaviour: criteria = the 7 BerAKHLAK values; raters = the appraisers and the 360 respondents,
    whose answers link the appraisers of different teams. Work results: one criterion, appraisers only.
    """
    out = LongForm()
    seen: set[tuple[str, str, str]] = set()
    codes = [code for code, _name, _lines in rules.BERAKHLAK]
    evaluations = _in_scope(Evaluation.objects.filter(skp__period=period, status__in=RATED_STATUSES), unit).values(
        "pk",
        "skp__employee_id",
        "skp__penilai_id",
        "rated_by_id",
        "rated_by__employee_id",
        "behaviour_levels",
        "behaviour_level",
        "work_level",
        "predikat",
        "skp__unit__path",
        "skp__employee__gender",
        "skp__employee__status",
        "skp__employee__golongan",
        "skp__employee__birth_date",
    )
    for row in evaluations.iterator(chunk_size=5000):
        ratee = rater_key_employee(row["skp__employee_id"])
        rater = _appraiser_key(row)
        out.people.append(
            {
                "gender": row["skp__employee__gender"],
                "status": row["skp__employee__status"],
                "golongan": row["skp__employee__golongan"],
                "birth_date": row["skp__employee__birth_date"],
                "path": row["skp__unit__path"],
                "predikat": row["predikat"],
                "level": row["behaviour_level"] if kind == AnalysisKind.PERILAKU else row["work_level"],
            }
        )
        out.evaluations[ratee] = row["pk"]
        if rater is None or rater == ratee:
            continue
        if kind == AnalysisKind.PERILAKU:
            levels = row["behaviour_levels"] or {}
            given = [(code, SCORES[levels[code]]) for code in codes if levels.get(code) in SCORES]
        else:
            given = [(WORK_CRITERION, SCORES[row["work_level"]])] if row["work_level"] in SCORES else []
        for criterion, score in given:
            out.add(ratee, rater, criterion, score, seen)
        if given:
            out.pairs[(rater, ratee)] = "penilai"
            out.appraisers.add(rater)
    if kind == AnalysisKind.PERILAKU:
        answers = _in_scope(
            PeerRequest.objects.filter(skp__period=period, answered_at__isnull=False), unit
        ).values_list("skp__employee_id", "respondent_id", "levels")
        for employee_id, respondent_id, levels in answers.iterator(chunk_size=5000):
            ratee, rater = rater_key_employee(employee_id), rater_key_employee(respondent_id)
            if rater == ratee:
                continue
            levels = levels or {}
            added = False
            for code in codes:
                if levels.get(code) in SCORES:
                    out.add(ratee, rater, code, SCORES[levels[code]], seen)
                    added = True
            if added:
                out.pairs.setdefault((rater, ratee), "360")
    else:
        out.achievement = _achievement_by_ratee(period=period, unit=unit)
    return out


def _achievement_by_ratee(*, period: Period, unit: Unit | None) -> dict[str, float]:
    """Objective achievement per rated employee: the mean capaian of their RHK (performance.achievements)."""
    rule = rules_for(period)[1]
    skps = (
        _in_scope(Skp.objects.filter(period=period, evaluation__status__in=RATED_STATUSES), unit, prefix="")
        .only("pk", "employee_id", "period_id")
        .prefetch_related("rhks__indicators__realisations")
    )
    out: dict[str, float] = {}
    for skp in skps.iterator(chunk_size=2000):
        computed = achievements(skp, rule)
        values = [float(x["result"].capaian) for x in computed["rhk"] if x["result"].capaian is not None]
        if values:
            out[rater_key_employee(skp.employee_id)] = sum(values) / len(values)
    return out


_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman(text: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(text):
        value = _ROMAN.get(ch)
        if value is None:
            return None
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total or None


def golongan_band(status: str, golongan: str) -> str:
    """PNS: the golongan (I-IV) without the ruang; PPPK: grade bands I-IV, V-VIII, IX-XII, XIII-XVII."""
    golongan = (golongan or "").strip().upper()
    if status == "PPPK":
        grade = _roman(golongan)
        if grade is None:
            return "PPPK ?"
        for low, high, label in ((1, 4, "I–IV"), (5, 8, "V–VIII"), (9, 12, "IX–XII"), (13, 17, "XIII–XVII")):
            if low <= grade <= high:
                return f"PPPK {label}"
        return "PPPK ?"
    head = golongan.split("/")[0]
    return head if head in ("I", "II", "III", "IV") else "?"


def age_band(birth: date | None, year: int) -> str:
    """Age at the end of the period's year, in four bands."""
    if birth is None:
        return "?"
    # By 31 December everyone has had their birthday of that year.
    age = year - birth.year
    if age < 30:
        return "<30"
    if age < 40:
        return "30–39"
    if age < 50:
        return "40–49"
    return "≥50"


def _adverse(people: list[dict[str, Any]], *, year: int, whole_org: bool, pd_names: dict[int, str]) -> dict:
    """Adverse impact of the favourable predikat by gender, status, golongan band, age band (and unit)."""
    attributes: dict[str, Any] = {
        "gender": lambda p: p["gender"],
        "status": lambda p: p["status"],
        "golongan": lambda p: golongan_band(p["status"], p["golongan"]),
        "age": lambda p: age_band(p["birth_date"], year),
    }
    if whole_org:

        def pd_of(p: dict[str, Any]) -> str:
            parts = [x for x in (p["path"] or "").strip("/").split("/") if x]
            return pd_names.get(int(parts[1]), "?") if len(parts) > 1 else "?"

        attributes["unit"] = pd_of
    rated = [p for p in people if p["predikat"]]
    out: dict[str, Any] = {}
    for name, group_of in attributes.items():
        applicants: Counter[str] = Counter()
        selected: Counter[str] = Counter()
        for p in rated:
            g = group_of(p)
            applicants[g] += 1
            selected[g] += p["predikat"] in FAVOURABLE
        groups = sorted(applicants)
        if len(groups) < 2:
            out[name] = {"groups": [], "reference": None, "unavailable": "too_few_groups", "notes": []}
            continue
        counts = GroupCounts(
            groups=groups,
            applicants=np.array([applicants[g] for g in groups]),
            selected=np.array([selected[g] for g in groups]),
        )
        out[name] = adverse_impact(counts, min_group_size=MIN_GROUP_SIZE)
    return out


def _distribution(people: list[dict[str, Any]]) -> dict[str, Any]:
    predikat = Counter(p["predikat"] for p in people if p["predikat"])
    level = Counter(p["level"] for p in people if p["level"])
    return {
        "predikat": {code.value: predikat.get(code.value, 0) for code in rules.PREDIKAT_ORDER},
        "level": {code.value: level.get(code.value, 0) for code in rules.LEVEL_ORDER},
        "total": sum(predikat.values()),
    }


def analysis_start(*, actor, period: Period, unit: Unit | None, kind: str) -> AnalysisRun:
    """Queue an analysis; a second click while one for the same scope waits or runs returns that one."""
    if not perm.can_start_analysis(actor):
        raise _denied()
    if kind not in AnalysisKind.values:
        raise ServiceError(_("Pilih jenis penilaian yang dianalisis."))
    if unit is not None and unit.depth != 1:
        raise ServiceError(_("Pilih perangkat daerah, atau seluruh organisasi."))
    from fairness.tasks import analysis_run

    with transaction.atomic():
        # The period row is the lock that makes two simultaneous clicks queue one run.
        Period.objects.select_for_update().filter(pk=period.pk).first()
        busy = AnalysisRun.objects.filter(
            period=period, unit=unit, kind=kind, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        ).first()
        if busy is not None:
            return busy
        run = AnalysisRun.objects.create(period=period, unit=unit, kind=kind, started_by=actor)
        event_record(
            actor=actor,
            action="fairness.analysis.start",
            obj=run,
            changes={"periode": period.pk, "unit": unit.pk if unit else None, "jenis": kind},
        )
        transaction.on_commit(lambda: analysis_run.enqueue(run.pk))
    return run


def _progress(run_id: int, progress: int, stage: str) -> None:
    AnalysisRun.objects.filter(pk=run_id).update(progress=progress, stage=stage)


def _fail(run_id: int, code: str, message: str, params: dict | None = None) -> None:
    AnalysisRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED,
        error_code=code[:40],
        error=message,
        results={"error_params": params or {}},
        finished_at=timezone.now(),
    )


def analysis_execute(*, run_id: int) -> None:
    """The background work of one run: read the ratings, fit the engine, store the report.

    Input the engine cannot use (no ratings, one rater, one ratee) ends the run as failed with the
    engine's error code, which the page turns into a "Belum cukup data" sentence; anything else is a
    system failure, recorded and re-raised for the worker's log.
    """
    taken = AnalysisRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=5, stage="reading"
    )
    if not taken:
        return
    run = AnalysisRun.objects.select_related("period", "unit").get(pk=run_id)
    try:
        data = ratings_long_form(period=run.period, unit=run.unit, kind=run.kind)
        if not data.score:
            raise InputError("empty_file")
        _progress(run_id, 30, "fitting")
        ratings = Ratings.from_columns(data.ratee, data.rater, data.criterion, data.score)
        achievement = None
        if data.achievement:
            achievement = np.array([data.achievement.get(r, math.nan) for r in ratings.ratee_ids], dtype=float)
        report = analyse(ratings, model="additive", achievement=achievement)
        _progress(run_id, 80, "adverse")
        pd_names = {} if run.unit_id else dict(Unit.objects.filter(depth=1).values_list("pk", "name"))
        adverse = _adverse(data.people, year=run.period.year, whole_org=run.unit_id is None, pd_names=pd_names)
    except InputError as err:
        _fail(run_id, err.code, str(err), err.params)
        return
    except Exception:
        logger.exception("fairness analysis %s failed", run_id)
        _fail(run_id, "system", "")
        raise
    _progress(run_id, 95, "saving")
    results = {
        "report": report,
        "scale": {"1": "DI_BAWAH", "2": "SESUAI", "3": "DI_ATAS"},
        "pairs": [[rater, ratee, source] for (rater, ratee), source in data.pairs.items()],
        "evaluations": data.evaluations,
        "appraisers": sorted(data.appraisers),
        "distribution": _distribution(data.people),
        "adverse": adverse,
        "achievement_n": len(data.achievement),
        "duplicates": data.duplicates,
    }
    # Leniency against measured achievement (work results): comparable across raters even where no
    # employee has two raters, so it joins the rater's flags.
    vs_achievement = {row["rater"]: row["flag"] for row in report.get("achievement_leniency") or [] if row["flag"]}
    for r in report["raters"]:
        if r["id"] in vs_achievement and vs_achievement[r["id"]] not in r["flags"]:
            r["flags"] = [*r["flags"], vs_achievement[r["id"]]]
    with transaction.atomic():
        rows = []
        for r in report["raters"]:
            kind, pk = parse_key(r["id"])
            rows.append(
                RaterResult(
                    run_id=run_id,
                    rater_key=r["id"][:32],
                    employee_id=pk if kind == "e" else None,
                    user_id=pk if kind == "u" else None,
                    is_appraiser=r["id"] in data.appraisers,
                    severity=r["severity"],
                    se=r["se"],
                    n=r["n"],
                    component=r["component"],
                    flags=r["flags"],
                )
            )
        RaterResult.objects.bulk_create(rows, batch_size=2000)
        AnalysisRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE,
            progress=100,
            stage="",
            results=results,
            n_ratings=report["n_ratings"],
            n_raters=len(report["raters"]),
            n_ratees=len(report["ratees"]),
            n_flagged=sum(1 for r in report["raters"] if set(r["flags"]) & set(REVIEW_FLAGS)),
            n_flagged_pairs=sum(
                1 for item in [*report["interactions"], *(report["achievement_departures"] or [])] if item["flag"]
            ),
            finished_at=timezone.now(),
        )
        event_record(
            actor=None,
            action="fairness.analysis.finish",
            obj=run,
            changes={"penilaian": report["n_ratings"], "penilai": len(report["raters"])},
        )
        # The board and the portal show fairness signals of announced years: refresh them.
        from transparency.selectors import BOARD_STATUSES
        from transparency.tasks import aggregates_refresh_enqueue

        if Period.objects.filter(pk=run.period_id, status__in=BOARD_STATUSES).exists():
            aggregates_refresh_enqueue(run.period_id, trigger="fairness.analysis.finish")


# ---------------------------------------------------------------------------------------------
# Calibration sessions


def session_create(*, actor, period: Period, unit: Unit | None, title: str) -> CalibrationSession:
    if not perm.can_manage_sessions(actor):
        raise _denied()
    if unit is not None and unit.depth != 1:
        raise ServiceError(_("Pilih perangkat daerah, atau seluruh organisasi."))
    title = title.strip()
    if not title:
        raise ServiceError(_("Beri judul sesi kalibrasi."))
    with transaction.atomic():
        session = CalibrationSession.objects.create(period=period, unit=unit, title=title[:200], created_by=actor)
        event_record(
            actor=actor,
            action="fairness.session.create",
            obj=session,
            changes={"periode": period.pk, "unit": unit.pk if unit else None},
        )
    return session


def _rates_in_scope(user, session: CalibrationSession) -> bool:
    """Whether `user` gave any rating that the session may review (then they are not independent)."""
    q = Q(rated_by=user)
    if user.employee_id is not None:
        q |= Q(skp__penilai_id=user.employee_id)
    qs = _in_scope(Evaluation.objects.filter(q, skp__period_id=session.period_id), session.unit)
    return qs.exists()


def session_member_add(*, actor, session: CalibrationSession, user, kind: str) -> CalibrationMember:
    """Name a committee member. Admin and pimpinan members hold those roles; the independent member
    holds neither, does not work in the unit under review and gave none of the ratings in it."""
    if not perm.can_manage_sessions(actor):
        raise _denied()
    if kind not in MemberKind.values:
        raise ServiceError(_("Pilih kedudukan anggota."))
    if not user.is_active:
        raise ServiceError(_("Pengguna ini tidak aktif."))
    if kind == MemberKind.ADMIN and not has_role(user, Role.ADMIN):
        raise ServiceError(_("Anggota unsur BKPSDM harus memegang peran Admin BKPSDM."))
    if kind == MemberKind.PIMPINAN and not has_role(user, Role.PIMPINAN):
        raise ServiceError(_("Anggota unsur pimpinan harus memegang peran Pimpinan."))
    if kind == MemberKind.INDEPENDENT:
        if has_role(user, Role.ADMIN, Role.PIMPINAN):
            raise ServiceError(_("Anggota independen tidak boleh dari unsur BKPSDM atau pimpinan."))
        employee = getattr(user, "employee", None)
        if session.unit is not None and employee is not None and employee.unit.path.startswith(session.unit.path):
            raise ServiceError(_("Anggota independen tidak boleh bekerja di perangkat daerah yang dikalibrasi."))
        if _rates_in_scope(user, session):
            raise ServiceError(_("Anggota independen tidak boleh menjadi pejabat penilai dalam cakupan sesi ini."))
    with transaction.atomic():
        locked = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.OPEN:
            raise ServiceError(_("Sesi ini sudah ditutup."))
        if locked.memberships.filter(user=user).exists():
            raise ServiceError(_("Pengguna ini sudah menjadi anggota sesi."))
        member = CalibrationMember.objects.create(session=locked, user=user, kind=kind, added_by=actor)
        event_record(
            actor=actor,
            action="fairness.session.member_add",
            obj=locked,
            changes={"anggota": user.get_username(), "kedudukan": kind},
        )
    return member


def session_member_remove(*, actor, session: CalibrationSession, member: CalibrationMember) -> None:
    if not perm.can_manage_sessions(actor):
        raise _denied()
    with transaction.atomic():
        locked = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.OPEN:
            raise ServiceError(_("Sesi ini sudah ditutup."))
        if member.session_id != locked.pk:
            raise _denied()
        if locked.decisions.filter(decided_by_id=member.user_id).exists():
            raise ServiceError(_("Anggota yang sudah mencatat keputusan tidak dapat dikeluarkan."))
        username = member.user.get_username()
        member.delete()
        event_record(
            actor=actor,
            action="fairness.session.member_remove",
            obj=locked,
            changes={"anggota": username, "kedudukan": member.kind},
        )


def session_close(*, actor, session: CalibrationSession) -> CalibrationSession:
    if not perm.can_manage_sessions(actor):
        raise _denied()
    with transaction.atomic():
        locked = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == SessionStatus.CLOSED:
            return locked
        locked.status = SessionStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "closed_at", "version"])
        event_record(actor=actor, action="fairness.session.close", obj=locked)
    return locked


def missing_member_kinds(members) -> list[str]:
    """The member kinds (admin, pimpinan, independent) a session still lacks, in that order."""
    present = {m.kind for m in members}
    return [kind.value for kind in MemberKind if kind.value not in present]


def evaluation_state(evaluation: Evaluation) -> dict[str, Any]:
    """The rating as it stands, in the shape `evaluation_calibrate` returns for the original."""
    return {
        "work_level": evaluation.work_level,
        "behaviour_level": evaluation.behaviour_level,
        "behaviour_levels": evaluation.behaviour_levels,
        "predikat": evaluation.predikat,
        "status": evaluation.status,
    }


def calibration_decide(
    *,
    actor,
    session: CalibrationSession,
    evaluation: Evaluation,
    decision: str,
    reason: str,
    work_level: str = "",
    behaviour_level: str = "",
) -> CalibrationDecision:
    """Record the committee's decision on one rating: keep it, or adjust it through the performance
    service. Needs a complete committee (admin, pimpinan, independent), a member as actor, an admin
    for an adjustment, and a reason. The original rating is kept on the decision; the event names
    the employee, so their own trail shows that (and why) a calibration looked at their rating.
    """
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Tuliskan alasan keputusan kalibrasi."))
    if decision not in DecisionKind.values:
        raise ServiceError(_("Pilih keputusan: tetap atau diubah."))
    with transaction.atomic():
        locked = CalibrationSession.objects.select_for_update(of=("self",)).select_related("unit").get(pk=session.pk)
        members = list(locked.memberships.all())
        if locked.status != SessionStatus.OPEN:
            raise ServiceError(_("Sesi ini sudah ditutup."))
        if not perm.can_decide(actor, locked, members):
            raise ServiceError(_("Keputusan kalibrasi hanya dicatat oleh anggota sesi."))
        missing = missing_member_kinds(members)
        if missing:
            labels = ", ".join(str(MemberKind(k).label) for k in missing)
            raise ServiceError(
                _(
                    "Sesi belum dapat memutus: anggota belum lengkap. Diperlukan sekurang-kurangnya satu anggota "
                    "dari unsur BKPSDM, pimpinan, dan anggota independen. Belum ada: %(missing)s."
                )
                % {"missing": labels}
            )
        ev = Evaluation.objects.select_related("skp__unit", "skp__employee").get(pk=evaluation.pk)
        in_scope = ev.skp.period_id == locked.period_id and (
            locked.unit is None or ev.skp.unit.path.startswith(locked.unit.path)
        )
        if not in_scope:
            raise ServiceError(_("Penilaian ini tidak termasuk periode dan perangkat daerah sesi ini."))
        if CalibrationDecision.objects.filter(session=locked, evaluation=ev).exists():
            raise ServiceError(_("Penilaian ini sudah diputus dalam sesi ini."))
        if ev.status not in (EvaluationStatus.RATED, EvaluationStatus.FINAL):
            raise ServiceError(_("Kalibrasi hanya untuk penilaian yang sudah diberikan dan belum diumumkan."))
        new_work = new_behaviour = new_predikat = ""
        if decision == DecisionKind.ADJUST:
            if work_level not in SCORES or behaviour_level not in SCORES:
                raise ServiceError(_("Pilih penilaian hasil kerja dan perilaku kerja yang baru."))
            if (work_level, behaviour_level) == (ev.work_level, ev.behaviour_level):
                raise ServiceError(
                    _("Penilaian baru sama dengan penilaian sekarang. Pilih 'Tetap' bila tidak ada perubahan.")
                )
            if not has_role(actor, Role.ADMIN):
                raise ServiceError(_("Perubahan penilaian dicatat oleh anggota unsur BKPSDM (Admin BKPSDM)."))
            try:
                original, updated = evaluation_calibrate(
                    actor=actor, evaluation=ev, work_level=work_level, behaviour_level=behaviour_level, reason=reason
                )
            except PerformanceServiceError as err:
                raise ServiceError(str(err)) from None
            new_work, new_behaviour, new_predikat = updated.work_level, updated.behaviour_level, updated.predikat
        else:
            original = evaluation_state(ev)
        row = CalibrationDecision.objects.create(
            session=locked,
            evaluation=ev,
            decision=decision,
            original=original,
            new_work_level=new_work,
            new_behaviour_level=new_behaviour,
            new_predikat=new_predikat,
            reason=reason,
            decided_by=actor,
        )
        changes: dict[str, Any] = {"keputusan": decision, "sesi": locked.title}
        if decision == DecisionKind.ADJUST:
            changes.update(
                {
                    "work_level": {"old": original.get("work_level"), "new": new_work},
                    "behaviour_level": {"old": original.get("behaviour_level"), "new": new_behaviour},
                    "predikat": {"old": original.get("predikat"), "new": new_predikat},
                }
            )
        event_record(
            actor=actor,
            action="fairness.calibration.decide",
            obj=row,
            changes=changes,
            reason=reason,
            subject_employee_id=ev.skp.employee_id,
        )
    return row
