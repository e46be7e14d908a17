"""Every write to the organisation: roster import and export, reporting lines and their overrides.

Each public function is one transaction and records audit events in it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import EventData, diff, event_record, events_record
from core.files import store_private
from org import chain
from org.exports import roster_rows
from org.messages import render
from org.models import STRUCTURAL_KINDS, Employee, ImportStatus, Position, RosterImport, Unit, UnitKind
from org.roster_file import CleanRow, Format, read_roster, validate_rows, write_roster
from org.rules import RuleError

Progress = Callable[[str, int, int], None]

EMPLOYEE_FIELDS = (
    "name",
    "gelar_depan",
    "gelar_belakang",
    "gender",
    "birth_date",
    "status",
    "golongan",
    "email",
    "position_id",
    "unit_id",
    "is_active",
)
DEPTH_KIND = {0: UnitKind.PEMDA, 1: UnitKind.PERANGKAT_DAERAH, 2: UnitKind.BIDANG, 3: UnitKind.SUBBIDANG}


class ServiceError(Exception):
    """A refusal that the user can act on; the message is already translated."""


@dataclass
class ImportIssue:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ImportResult:
    ok: bool
    dry_run: bool
    rows: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)


class _Rollback(Exception):
    """Raised inside the import transaction to undo it (dry run, or a problem found late)."""


def _issue(row: int, column: str, code: str, params: dict | None = None) -> ImportIssue:
    return ImportIssue(row=row, column=column, code=code, message=render(code, params or {}))


# ---------------------------------------------------------------------------------------------
# Units and positions


def _root_unit() -> Unit:
    root = Unit.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        root = Unit.objects.create(name=settings.TERANG_ORGANISATION_NAME, kind=UnitKind.PEMDA)
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
    return root


def _ensure_units(paths: Iterable[tuple[str, ...]]) -> tuple[dict[tuple[str, ...], Unit], list[Unit]]:
    """Find or create every unit on the given name paths (below the root), one level at a time."""
    root = _root_unit()
    by_key = {(u.parent_id, u.name): u for u in Unit.objects.exclude(pk=root.pk)}
    resolved: dict[tuple[str, ...], Unit] = {(): root}
    created: list[Unit] = []
    wanted = sorted({p[: i + 1] for p in paths for i in range(len(p))}, key=len)
    depth = 1
    while True:
        level = [p for p in wanted if len(p) == depth]
        if not level:
            break
        new = []
        for p in level:
            parent = resolved[p[:-1]]
            unit = by_key.get((parent.pk, p[-1]))
            if unit is None:
                unit = Unit(name=p[-1], parent=parent, kind=DEPTH_KIND.get(depth, UnitKind.LAINNYA), depth=depth)
                new.append(unit)
            resolved[p] = unit
        if new:
            Unit.objects.bulk_create(new)
            for unit in new:
                unit.path = f"{unit.parent.path}{unit.pk}/"
            Unit.objects.bulk_update(new, ["path"])
            created.extend(new)
        depth += 1
    return resolved, created


def _refresh_heads(unit_ids: Iterable[int]) -> None:
    """Make the highest-ranking structural position of each unit its head."""
    unit_ids = list(unit_ids)
    positions = Position.objects.filter(unit_id__in=unit_ids, kind__in=STRUCTURAL_KINDS)
    best: dict[int, Position] = {}
    for pos in positions.order_by("unit_id", "id"):
        current = best.get(pos.unit_id)
        if current is None or chain.HEAD_RANK[pos.kind] > chain.HEAD_RANK[current.kind]:
            best[pos.unit_id] = pos
    head_ids = {p.pk for p in best.values()}
    stale = list(Position.objects.filter(unit_id__in=unit_ids, is_head=True).exclude(pk__in=head_ids))
    for pos in stale:
        pos.is_head = False
    Position.objects.bulk_update(stale, ["is_head"])
    fresh = [p for p in best.values() if not p.is_head]
    for pos in fresh:
        pos.is_head = True
    Position.objects.bulk_update(fresh, ["is_head"])


# ---------------------------------------------------------------------------------------------
# Reporting lines


def _chain_inputs() -> tuple[dict[int, chain.Person], dict[int, chain.UnitNode], list[str]]:
    people = {
        row["id"]: chain.Person(
            id=row["id"],
            unit_id=row["unit_id"],
            kind=row["position__kind"],
            grade=row["position__grade"],
            penilai_override=row["penilai_override_id"],
            atasan_override=row["atasan_penilai_override_id"],
        )
        for row in Employee.objects.filter(is_active=True).values(
            "id",
            "unit_id",
            "position__kind",
            "position__grade",
            "penilai_override_id",
            "atasan_penilai_override_id",
        )
    }
    heads: dict[int, tuple[int, int]] = {}
    notes = []
    for row in (
        Employee.objects.filter(is_active=True, position__is_head=True)
        .order_by("id")
        .values("id", "position__unit_id", "position__kind", "position__unit__name")
    ):
        unit_id = row["position__unit_id"]
        if unit_id in heads:
            notes.append(row["position__unit__name"])
            continue
        heads[unit_id] = (row["id"], chain.HEAD_RANK.get(row["position__kind"], 0))
    units = {
        u["id"]: chain.UnitNode(
            id=u["id"],
            parent_id=u["parent_id"],
            head_id=heads.get(u["id"], (None, 0))[0],
            head_rank=heads.get(u["id"], (None, 0))[1],
        )
        for u in Unit.objects.values("id", "parent_id")
    }
    return people, units, notes


def _cycle_issues(people: dict[int, chain.Person], lines) -> list[list[int]]:
    return chain.find_cycles({pid: lines[pid][0] for pid in people})


def _lines_apply() -> tuple[dict[int, tuple[tuple, tuple]], list[str], dict[int, str]]:
    """Recompute and store every reporting line; returns {id: (old, new)} for those that changed.

    Writes one UPDATE per distinct (penilai, atasan) pair, a few thousand at most even for a
    province, instead of one CASE branch per employee.
    """
    people, units, multi_head_units = _chain_inputs()
    lines = resolve_and_check(people, units)
    current = {}
    nips = {}
    for e in Employee.objects.filter(is_active=True).values("id", "nip", "penilai_id", "atasan_penilai_id"):
        current[e["id"]] = (e["penilai_id"], e["atasan_penilai_id"])
        nips[e["id"]] = e["nip"]
    changes = {pid: (current.get(pid, (None, None)), line) for pid, line in lines.items() if current.get(pid) != line}
    groups: dict[tuple, list[int]] = {}
    for pid, (_old, new) in changes.items():
        groups.setdefault(new, []).append(pid)
    for (first, second), ids in groups.items():
        for start in range(0, len(ids), 900):
            Employee.objects.filter(pk__in=ids[start : start + 900]).update(penilai_id=first, atasan_penilai_id=second)
    # Someone who left keeps no live reporting line.
    Employee.objects.filter(is_active=False).exclude(penilai__isnull=True, atasan_penilai__isnull=True).update(
        penilai=None, atasan_penilai=None
    )
    return changes, multi_head_units, nips


def _line_event(pid: int, old: tuple, new: tuple, reason: str, nips: dict[int, str]) -> EventData:
    """One event per changed line, naming people by NIP (None: the Kepala Daerah)."""
    changes = {
        name: {"old": nips.get(before), "new": nips.get(after)}
        for name, before, after in (("penilai", old[0], new[0]), ("atasan_penilai", old[1], new[1]))
        if before != after
    }
    return EventData(
        action="org.reporting_line.change",
        object_type="org.employee",
        object_id=str(pid),
        object_repr=nips.get(pid, ""),
        changes=changes,
        reason=reason,
        subject_employee_id=pid,
    )


def reporting_lines_rebuild(*, actor, reason: str = "") -> dict[str, Any]:
    """Recompute every active employee's penilai and atasan penilai and store the changes.

    Refuses (ServiceError) when the overrides form a cycle, so the caller's transaction rolls back.
    """
    with transaction.atomic():
        changes, multi_head_units, nips = _lines_apply()
        events_record(
            actor=actor, events=[_line_event(pid, old, new, reason, nips) for pid, (old, new) in changes.items()]
        )
        return {"changed": len(changes), "units_with_several_heads": multi_head_units}


def resolve_and_check(people, units):
    lines = chain.resolve_lines(people, units)
    cycles = _cycle_issues(people, lines)
    if cycles:
        nips = dict(Employee.objects.filter(id__in={i for c in cycles for i in c}).values_list("id", "nip"))
        described = "; ".join(" → ".join(nips.get(i, str(i)) for i in [*c, c[0]]) for c in cycles[:5])
        raise ServiceError(
            _("Garis pelaporan melingkar: %(cycles)s. Perbaiki atasan salah satu pegawai.") % {"cycles": described}
        )
    return lines


def employee_set_reporting_override(
    *,
    actor,
    employee: Employee,
    penilai: Employee | None,
    atasan_penilai: Employee | None,
    reason: str,
    expected_version: int,
) -> Employee:
    """Set (or clear, with None) who appraises an employee, against the default chain."""
    if not reason.strip():
        raise ServiceError(_("Tuliskan alasan perubahan garis pelaporan."))
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        if locked.version != expected_version:
            raise ServiceError(
                _("Data pegawai ini baru saja diubah orang lain. Muat ulang halaman, lalu periksa sebelum menyimpan.")
            )
        if penilai is not None and penilai.pk == locked.pk:
            raise ServiceError(_("Pegawai tidak dapat menjadi pejabat penilai bagi dirinya sendiri."))
        before = {
            "penilai_override_id": locked.penilai_override_id,
            "atasan_penilai_override_id": locked.atasan_penilai_override_id,
        }
        locked.penilai_override = penilai
        locked.atasan_penilai_override = atasan_penilai
        locked.version += 1
        locked.save(update_fields=["penilai_override", "atasan_penilai_override", "version", "updated_at"])
        after = {
            "penilai_override_id": locked.penilai_override_id,
            "atasan_penilai_override_id": locked.atasan_penilai_override_id,
        }
        event_record(
            actor=actor,
            action="org.reporting_override.set",
            obj=locked,
            changes=diff(before, after),
            reason=reason,
            subject_employee_id=locked.pk,
        )
        reporting_lines_rebuild(actor=actor, reason=reason)
        locked.refresh_from_db()
        return locked


# ---------------------------------------------------------------------------------------------
# Roster import


def roster_import(
    *, actor, data: bytes, filename: str, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Check a roster file and, unless `dry_run`, save it: all rows or none.

    Returns every problem found (row, column, reason) instead of raising, so the page, the
    command and the API can list them all.
    """
    report = progress or (lambda stage, done, total: None)
    try:
        raw_rows = read_roster(data, filename, progress=lambda n: report("read", n, 0))
    except RuleError as err:
        return ImportResult(ok=False, dry_run=dry_run, errors=[_issue(0, "", err.code, err.params)])
    report("validate", 0, len(raw_rows))
    clean, row_errors = validate_rows(raw_rows)
    result = ImportResult(ok=False, dry_run=dry_run, rows=len(raw_rows))
    result.errors = [_issue(e.row, e.column, e.code, e.params) for e in row_errors]
    for row in clean:
        result.warnings.extend(_issue(row.number, w.column, w.code, w.params) for w in row.warnings)
    if result.errors:
        result.errors.sort(key=lambda i: (i.row, i.column))
        return result
    try:
        with transaction.atomic():
            _apply_rows(actor=actor, rows=clean, result=result, filename=filename, report=report)
            if result.errors:
                raise _Rollback
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except ServiceError as err:
        result.errors.append(ImportIssue(row=0, column="NIP_ATASAN", code="reporting_cycle", message=str(err)))
    result.ok = not result.errors
    return result


def _apply_rows(*, actor, rows: list[CleanRow], result: ImportResult, filename: str, report: Progress) -> None:
    report("save", 0, len(rows))
    by_nip = {r.nip: r for r in rows}
    # Supervisors must exist in the file or in the roster already.
    atasan_nips = {r.nip_atasan for r in rows if r.nip_atasan}
    known = set(Employee.objects.filter(nip__in=atasan_nips - by_nip.keys()).values_list("nip", flat=True))
    for r in rows:
        if r.nip_atasan and r.nip_atasan not in by_nip and r.nip_atasan not in known:
            result.errors.append(_issue(r.number, "NIP_ATASAN", "atasan_not_found", {"nip": r.nip_atasan}))
    # One position name in one unit must have one kind.
    kinds: dict[tuple, tuple[str, str, int]] = {}
    for r in rows:
        key = (r.unit_path, r.jabatan)
        seen = kinds.setdefault(key, (r.position_kind, r.position_grade, r.number))
        if seen[:2] != (r.position_kind, r.position_grade):
            result.errors.append(
                _issue(
                    r.number,
                    "JENIS_JABATAN",
                    "jabatan_kind_conflict",
                    {"jabatan": r.jabatan, "other_row": seen[2]},
                )
            )
    if result.errors:
        return

    units, new_units = _ensure_units(r.unit_path for r in rows)
    positions = {(p.unit_id, p.name): p for p in Position.objects.filter(unit_id__in={u.pk for u in units.values()})}
    new_positions, changed_positions = [], []
    for (path, name), (kind, grade, _row) in kinds.items():
        unit = units[path]
        pos = positions.get((unit.pk, name))
        if pos is None:
            pos = Position(unit=unit, name=name, kind=kind, grade=grade)
            positions[(unit.pk, name)] = pos
            new_positions.append(pos)
        elif (pos.kind, pos.grade) != (kind, grade):
            pos.kind, pos.grade = kind, grade
            changed_positions.append(pos)
    Position.objects.bulk_create(new_positions, batch_size=2000)
    Position.objects.bulk_update(changed_positions, ["kind", "grade"], batch_size=2000)
    _refresh_heads({units[path].pk for path, _name in kinds})

    existing = {e.nip: e for e in Employee.objects.filter(nip__in=list(by_nip))}
    to_create, to_update, events = [], [], []
    unchanged = 0
    for r in rows:
        unit = units[r.unit_path]
        values = {
            "name": r.nama,
            "gelar_depan": r.gelar_depan,
            "gelar_belakang": r.gelar_belakang,
            "gender": r.gender,
            "birth_date": r.birth_date,
            "status": r.status,
            "golongan": r.golongan,
            "email": r.email,
            "position_id": positions[(unit.pk, r.jabatan)].pk,
            "unit_id": unit.pk,
            "is_active": True,
        }
        emp = existing.get(r.nip)
        if emp is None:
            to_create.append(Employee(nip=r.nip, **values))
            continue
        before = {f: getattr(emp, f) for f in EMPLOYEE_FIELDS}
        changes = diff(before, values)
        if not changes:
            unchanged += 1
            continue
        for name, value in values.items():
            setattr(emp, name, value)
        emp.version += 1
        to_update.append(emp)
        events.append(
            EventData(
                action="org.employee.update",
                object_type="org.employee",
                object_id=str(emp.pk),
                object_repr=emp.nip,
                changes=changes,
                reason=filename,
                subject_employee_id=emp.pk,
            )
        )
    Employee.objects.bulk_create(to_create, batch_size=2000)
    Employee.objects.bulk_update(to_update, [*EMPLOYEE_FIELDS, "version"], batch_size=2000)
    report("save", len(rows) // 2, len(rows))

    _apply_supervisors(rows, events)
    _ensure_user_accounts(to_create, to_update)
    line_changes, multi_head_units, nips = _lines_apply()
    created_ids = {emp.pk for emp in to_create}
    for emp in to_create:
        # A new person's first reporting line is part of their creation event.
        _old, (first, second) = line_changes.get(emp.pk, ((None, None), (None, None)))
        events.append(
            EventData(
                action="org.employee.create",
                object_type="org.employee",
                object_id=str(emp.pk),
                object_repr=emp.nip,
                changes={
                    "nip": emp.nip,
                    **{f: getattr(emp, f) for f in EMPLOYEE_FIELDS},
                    "penilai": nips.get(first),
                    "atasan_penilai": nips.get(second),
                },
                reason=filename,
                subject_employee_id=emp.pk,
            )
        )
    events.extend(
        _line_event(pid, old, new, filename, nips) for pid, (old, new) in line_changes.items() if pid not in created_ids
    )
    events.append(
        EventData(
            action="org.roster.import",
            object_type="org.roster",
            object_repr=filename,
            changes={"rows": len(rows), "created": len(to_create), "updated": len(to_update)},
        )
    )
    events_record(actor=actor, events=events)
    for unit_name in multi_head_units:
        result.warnings.append(_issue(0, "JABATAN", "unit_several_heads", {"unit": unit_name}))
    result.summary = {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": unchanged,
        "units_created": len(new_units),
        "positions_created": len(new_positions),
        "reporting_lines_changed": len(line_changes) - len(created_ids & line_changes.keys()),
    }
    report("save", len(rows), len(rows))


def _apply_supervisors(rows: list[CleanRow], events: list[EventData]) -> None:
    """NIP_ATASAN becomes an override only where it differs from the default chain.

    An empty NIP_ATASAN leaves an existing override alone: the file says nothing about it.
    """
    named = {r.nip: r.nip_atasan for r in rows if r.nip_atasan}
    if not named:
        return
    ids = dict(Employee.objects.filter(nip__in=set(named) | set(named.values())).values_list("nip", "id"))
    people, units, _notes = _chain_inputs()
    changed = []
    for nip, atasan_nip in named.items():
        pid = ids[nip]
        person = people.get(pid)
        if person is None:
            continue
        derived = chain.derive_penilai(person, units)
        wanted = None if ids[atasan_nip] == derived else ids[atasan_nip]
        if person.penilai_override != wanted:
            changed.append(Employee(id=pid, penilai_override_id=wanted))
            events.append(
                EventData(
                    action="org.reporting_override.set",
                    object_type="org.employee",
                    object_id=str(pid),
                    object_repr=nip,
                    changes={"penilai_override_id": {"old": person.penilai_override, "new": wanted}},
                    reason="NIP_ATASAN",
                    subject_employee_id=pid,
                )
            )
    Employee.objects.bulk_update(changed, ["penilai_override"], batch_size=2000)


def _ensure_user_accounts(created: list[Employee], updated: list[Employee]) -> None:
    """Each employee gets a login (username = NIP) without a password; they set one by email reset."""
    from accounts.models import User

    users = [
        User(username=e.nip, first_name=e.name[:150], email=e.email, employee_id=e.pk, password="!")  # noqa: S106
        for e in created
    ]
    User.objects.bulk_create(users, batch_size=2000, ignore_conflicts=True)
    if updated:
        by_emp = {u.employee_id: u for u in User.objects.filter(employee_id__in=[e.pk for e in updated])}
        stale = []
        for e in updated:
            user = by_emp.get(e.pk)
            if user is not None and (user.email != e.email or user.first_name != e.name[:150]):
                user.email, user.first_name = e.email, e.name[:150]
                stale.append(user)
        User.objects.bulk_update(stale, ["email", "first_name"], batch_size=2000)


# ---------------------------------------------------------------------------------------------
# Roster import jobs (the page and the API): upload, check in the background, confirm, apply.


def upload_too_large_message() -> str:
    return _("Berkas terlalu besar. Batasnya %(mb)s MB; pecah daftar menjadi beberapa berkas.") % {
        "mb": settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024)
    }


def roster_import_start(*, actor, filename: str, chunks) -> RosterImport:
    """Keep the uploaded file privately and queue its check. Refuses files over the size limit."""
    from org.tasks import ROSTER_KIND, roster_import_check

    stored = store_private(ROSTER_KIND, chunks, max_bytes=settings.ROSTER_UPLOAD_MAX_BYTES)
    if stored is None:
        raise ServiceError(upload_too_large_message())
    name, size = stored
    with transaction.atomic():
        job = RosterImport.objects.create(created_by=actor, filename=filename[:255], stored_name=name, size=size)
        event_record(actor=actor, action="org.roster_import.upload", obj=job, changes={"size": size})
        transaction.on_commit(lambda: roster_import_check.enqueue(str(job.pk)))
    return job


def roster_import_confirm(*, actor, job: RosterImport) -> RosterImport:
    """Save a checked file. A second click finds the job no longer READY and changes nothing."""
    from org.tasks import roster_import_apply

    with transaction.atomic():
        locked = RosterImport.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportStatus.READY:
            raise ServiceError(
                _("Impor ini tidak menunggu konfirmasi (statusnya: %(status)s).")
                % {"status": locked.get_status_display()}
            )
        locked.status = ImportStatus.SAVING
        locked.version += 1
        locked.save(update_fields=["status", "version"])
        event_record(actor=actor, action="org.roster_import.confirm", obj=locked)
        transaction.on_commit(lambda: roster_import_apply.enqueue(str(locked.pk)))
    return locked


def roster_export(*, actor, fmt: Format, via: str = "") -> bytes:
    """The active roster as a CSV or xlsx file, with the export (format, row count) in the audit log.

    `via` names the channel when it is not the page, e.g. the `terang export_roster` command.
    """
    rows = list(roster_rows())
    data = write_roster(rows, fmt)
    changes: dict[str, Any] = {"format": fmt, "rows": len(rows)}
    if via:
        changes["via"] = via
    event_record(actor=actor, action="org.roster.export", object_type="org.employee", changes=changes)
    return data


def employee_set_active(*, actor, employee: Employee, active: bool, reason: str, expected_version: int) -> Employee:
    """Deactivate someone who left (retired, moved away) or bring them back; their records stay.

    A deactivated employee drops out of teams, counts and reporting lines, and cannot log in.
    """
    if not reason.strip():
        raise ServiceError(_("Tuliskan alasannya, misalnya pensiun atau pindah instansi."))
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        if locked.version != expected_version:
            raise ServiceError(
                _("Data pegawai ini baru saja diubah orang lain. Muat ulang halaman, lalu periksa sebelum menyimpan.")
            )
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.version += 1
        locked.save(update_fields=["is_active", "version", "updated_at"])
        from accounts.models import User

        User.objects.filter(employee=locked).update(is_active=active)
        event_record(
            actor=actor,
            action="org.employee.activate" if active else "org.employee.deactivate",
            obj=locked,
            changes={"is_active": {"old": not active, "new": active}},
            reason=reason.strip(),
            subject_employee_id=locked.pk,
        )
        reporting_lines_rebuild(actor=actor, reason=reason.strip())
        locked.refresh_from_db()
        return locked
