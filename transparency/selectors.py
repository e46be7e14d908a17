"""Every read of the board and the portal, with the sentences that explain each number.

The board reads a fixed number of queries whatever the size of the unit or the organisation: the
precomputed rows of the period (one query for every perangkat daerah), the viewer's own row, their
objection and calibration notes, one page of the unit's board and their recognitions.

The portal reads only the precomputed tables and the consented recognitions. Every figure it shows
(HTML, CSV, JSON) passes through `public_unit`, the one place that hides a group's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.models import Employee, PositionKind
from performance.models import Objection, ObjectionStatus, Period, PeriodStatus, Predikat
from transparency import rules
from transparency.models import AggregateSnapshot, DisclosurePolicy, EmployeeResult, Recognition, UnitAggregate

# Periods whose results are announced: the only ones with a board.
BOARD_STATUSES = (PeriodStatus.PUBLISHED, PeriodStatus.CLOSED)
PREDIKAT_LABELS = dict(Predikat.choices)
KIND_LABELS = dict(PositionKind.choices)
BOARD_PAGE_SIZE = 100

FAIRNESS_KINDS = {
    "perilaku": gettext_lazy("perilaku kerja"),
    "hasil_kerja": gettext_lazy("hasil kerja"),
}
PARTICIPATION_LABELS = {
    "employees": gettext_lazy("ASN di unit"),
    "participants": gettext_lazy("ikut menyusun (mengusulkan, berkomentar, atau memilih)"),
    "proposers": gettext_lazy("mengusulkan"),
    "commenters": gettext_lazy("berkomentar"),
    "voters": gettext_lazy("memilih"),
    "rounds": gettext_lazy("putaran penyusunan"),
}


# ---------------------------------------------------------------------------------------------
# Policy, periods, labels


def disclosure_policy() -> DisclosurePolicy:
    """The organisation's disclosure policy, or the defaults (aggregates only, groups of 5) when none
    was set. One query."""
    policy = (
        DisclosurePolicy.objects.filter(organisation__parent__isnull=True)
        .select_related("organisation")
        .order_by("organisation_id")
        .first()
    )
    return policy or DisclosurePolicy()


def board_periods() -> list[Period]:
    """Periods whose results are announced, newest first, each with its snapshot (or none yet)."""
    return list(
        Period.objects.filter(status__in=BOARD_STATUSES, published_on__isnull=False).select_related(
            "aggregate_snapshot"
        )
    )


def period_pick(periods: list, pk: str | None):
    """The one asked for by `?periode=` (404 when it is not in the list), else the newest."""
    if pk:
        if not str(pk).isdigit():
            raise Http404
        for period in periods:
            if period.pk == int(pk):
                return period
        raise Http404
    return periods[0] if periods else None


def snapshot_of(period: Period) -> AggregateSnapshot | None:
    try:
        return period.aggregate_snapshot
    except AggregateSnapshot.DoesNotExist:
        return None


def predikat_label(code: str | None) -> str:
    return str(PREDIKAT_LABELS.get(code, code or ""))


def family_label(result: EmployeeResult) -> str:
    if result.family_name:
        return result.family_name
    return str(KIND_LABELS.get(result.family_key, result.family_key))


def num(value, places: int = 1) -> str:
    """A number as the active language writes it (Indonesian: 112,5)."""
    if value is None:
        return "—"
    return number_format(value, places)


def pct(value: float | None) -> str:
    return number_format(round(value), 0) if value is not None else "—"


# ---------------------------------------------------------------------------------------------
# Sentences


def score_sentence() -> str:
    return _(
        "Skor = poin predikat × 1.000 + rata-rata capaian RHK utama (%): predikat menentukan urutan lebih dulu "
        "(Sangat Baik 5, Baik 4, Butuh Perbaikan 3, Kurang 2, Sangat Kurang 1), capaian membedakan pegawai "
        "dengan predikat yang sama."
    )


def percentile_rule_sentence() -> str:
    return _(
        "Persentil adalah persentase rekan dalam kelompok yang skornya lebih rendah dari Anda; rekan dengan skor "
        "sama dihitung setengah."
    )


def percentile_sentence(value: float | None, n: int, group: str) -> str:
    return _(
        "Skor Anda lebih tinggi daripada %(pct)s%% rekan di %(group)s (%(n)s orang dengan hasil yang diumumkan)."
    ) % {"pct": pct(value), "group": group, "n": n}


def family_rule_sentence() -> str:
    return _(
        "Rumpun jabatan: untuk jabatan fungsional, nama jabatannya tanpa jenjang (misalnya Pranata Komputer, di "
        "seluruh organisasi); untuk jabatan lain, jenisnya (misalnya Pelaksana atau Pengawas)."
    )


def hidden_group_sentence(minimum: int) -> str:
    return _(
        "Tidak ditampilkan: kelompok ini kurang dari %(min)s orang, sehingga persentil dapat menunjuk hasil rekan "
        "tertentu."
    ) % {"min": minimum}


def suppression_text(reason: str, minimum: int, n: int) -> tuple[str, str]:
    """(short label, one-sentence reason) for a hidden group."""
    if n == 0:
        return _("belum ada hasil yang diumumkan"), _("Tidak ada hasil yang diumumkan untuk kelompok ini.")
    if reason == rules.Suppression.COMPLEMENT:
        return (
            _("disembunyikan: dapat dihitung dari angka lain"),
            _(
                "Bila angka kelompok ini ditampilkan, angka kelompok lain yang kurang dari %(min)s orang dapat "
                "dihitung dari total organisasi, jadi angka ini juga disembunyikan."
            )
            % {"min": minimum},
        )
    return (
        _("disembunyikan: kurang dari %(min)s orang") % {"min": minimum},
        _(
            "Angka kelompok sekecil ini dapat menunjuk orang tertentu, jadi tidak diumumkan "
            "(UU 27/2022 tentang Pelindungan Data Pribadi)."
        ),
    )


def icc_sentence(value: float | None) -> str:
    if value is None:
        return ""
    if value < 0.5:
        band = _("rendah")
    elif value < 0.75:
        band = _("sedang")
    elif value < 0.9:
        band = _("baik")
    else:
        band = _("sangat baik")
    return _(
        "Keandalan antarpenilai (ICC1) %(value)s, tergolong %(band)s: makin dekat ke 1, makin sepakat para "
        "penilai tentang pegawai yang sama."
    ) % {"value": num(value, 2), "band": band}


def alpha_sentence(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 0.8:
        band = _("memadai")
    elif value >= 0.667:
        band = _("cukup untuk kesimpulan sementara")
    else:
        band = _("rendah")
    return _("Alpha Krippendorff (ordinal) %(value)s, %(band)s: mengukur kesepakatan penilai di atas kebetulan.") % {
        "value": num(value, 2),
        "band": band,
    }


def flagged_sentence(flagged: int | None, raters: int | None) -> str:
    if raters is None:
        return ""
    return _(
        "%(flagged)s dari %(raters)s penilai ditandai untuk ditinjau komite kalibrasi (misalnya terlalu murah "
        "hati atau terlalu ketat dibanding penilai lain)."
    ) % {"flagged": flagged or 0, "raters": raters}


def changes_sentence(objection: int, calibration: int) -> str:
    return _(
        "%(objection)s hasil diubah karena keberatan yang dikabulkan dan %(calibration)s hasil diubah melalui "
        "kalibrasi; setiap perubahan tercatat dengan alasannya."
    ) % {"objection": objection, "calibration": calibration}


def capaian_sentence(avg: Decimal | None, n: int) -> str:
    if avg is None:
        return _("Belum ada capaian RHK utama yang terukur.")
    return _(
        "Rata-rata capaian RHK utama %(avg)s%% (dari %(n)s pegawai dengan capaian terukur; capaian tiap indikator "
        "dibatasi sesuai aturan periode)."
    ) % {"avg": num(avg, 1), "n": n}


# ---------------------------------------------------------------------------------------------
# A group's figures, as they may be shown


@dataclass
class UnitView:
    """One group's figures ready for a page, a CSV row and a JSON object. `hidden` groups carry no
    figure at all: every number field is None and the lists are empty."""

    unit_id: int | None
    name: str
    is_organisation: bool
    hidden: bool
    reason: str = ""
    hidden_label: str = ""
    hidden_sentence: str = ""
    n: int | None = None
    counts: list[dict[str, Any]] = field(default_factory=list)
    avg_capaian: Decimal | None = None
    capaian_n: int | None = None
    capaian_text: str = ""
    changed_by_objection: int | None = None
    changed_by_calibration: int | None = None
    changes_text: str = ""
    reliability_icc: float | None = None
    reliability_alpha: float | None = None
    raters: int | None = None
    flagged_raters: int | None = None
    fairness_kind: str = ""
    fairness_lines: list[str] = field(default_factory=list)
    participation: list[dict[str, Any]] = field(default_factory=list)
    participation_share: float | None = None
    participation_note: str = ""
    adopted_criteria: list[dict[str, Any]] = field(default_factory=list)
    chart: dict[str, Any] = field(default_factory=dict)


def _chart(counts: list[dict[str, Any]]) -> dict[str, Any]:
    """Chart-ready numbers for core/charts.js ("distribution", without quota bounds)."""
    return {
        "labels": [c["label"] for c in counts],
        "counts": [c["count"] for c in counts],
        "max": [None] * len(counts),
        "min": [None] * len(counts),
        "names": {"count": _("Jumlah pegawai"), "max": "", "min": ""},
    }


def unit_view(row: UnitAggregate, *, hidden: bool, reason: str, minimum: int) -> UnitView:
    """A group's figures, or none of them when `hidden` (the caller decides for the board or the portal)."""
    name = row.unit_name or _("Seluruh organisasi")
    view = UnitView(
        unit_id=row.unit_id,
        name=name,
        is_organisation=row.unit_id is None,
        hidden=hidden,
        adopted_criteria=list(row.adopted_criteria or []),
    )
    if hidden:
        view.reason = reason or rules.Suppression.SMALL
        view.hidden_label, view.hidden_sentence = suppression_text(view.reason, minimum, row.n)
        return view
    counts = [
        {
            "code": code,
            "label": predikat_label(code),
            "count": count,
            "share": round(100 * count / row.n) if row.n else 0,
        }
        for code, count in row.counts().items()
    ]
    view.n = row.n
    view.counts = counts
    view.avg_capaian = row.avg_capaian
    view.capaian_n = row.capaian_n
    view.capaian_text = capaian_sentence(row.avg_capaian, row.capaian_n)
    view.changed_by_objection = row.changed_by_objection
    view.changed_by_calibration = row.changed_by_calibration
    view.changes_text = changes_sentence(row.changed_by_objection, row.changed_by_calibration)
    view.reliability_icc = row.reliability_icc
    view.reliability_alpha = row.reliability_alpha
    view.raters = row.raters
    view.flagged_raters = row.flagged_raters
    if row.fairness_run_id:
        view.fairness_kind = str(FAIRNESS_KINDS.get(row.fairness_kind, row.fairness_kind))
        view.fairness_lines = [
            line
            for line in (
                icc_sentence(row.reliability_icc),
                alpha_sentence(row.reliability_alpha),
                flagged_sentence(row.flagged_raters, row.raters),
            )
            if line
        ]
        if not row.reliability_icc and not row.reliability_alpha:
            view.fairness_lines.insert(
                0,
                _("Keandalan antarpenilai belum dapat dihitung: hampir setiap pegawai dinilai oleh satu penilai saja."),
            )
    participation = row.participation or {}
    if participation.get("rounds") == 0:
        view.participation_note = _("Belum ada putaran penyusunan kriteria pada periode ini.")
        participation = {}
    view.participation = [
        {"key": key, "label": str(label), "value": participation[key]}
        for key, label in PARTICIPATION_LABELS.items()
        if key in participation
    ]
    if participation.get("employees"):
        view.participation_share = round(100 * participation.get("participants", 0) / participation["employees"])
    view.chart = _chart(counts)
    return view


def public_unit(row: UnitAggregate, minimum: int) -> UnitView:
    """The portal's view of a group: hidden as the refresh decided, and in any case below the public
    minimum (`rules.PUBLIC_MIN_GROUP`), whatever a stored flag says."""
    floor = max(minimum, rules.PUBLIC_MIN_GROUP)
    hidden = row.suppressed_public or row.n < floor
    reason = row.public_reason or rules.Suppression.SMALL
    return unit_view(row, hidden=hidden, reason=reason, minimum=floor)


# ---------------------------------------------------------------------------------------------
# The results board


def _board_views(rows: list[UnitAggregate], minimum: int) -> dict[int | None, UnitView]:
    """Every group's board view, hidden under the policy's minimum as it is now."""
    org = next((r for r in rows if r.unit_id is None), None)
    sizes = {r.unit_id: r.n for r in rows if r.unit_id is not None}
    decided = rules.suppress(sizes, org.n if org else sum(sizes.values()), minimum)
    out = {}
    for r in rows:
        if r.unit_id is None:
            out[None] = unit_view(r, hidden=decided.total_hidden, reason=rules.Suppression.SMALL, minimum=minimum)
        else:
            reason = decided.groups.get(r.unit_id, "")
            out[r.unit_id] = unit_view(r, hidden=bool(reason), reason=reason, minimum=minimum)
    return out


def _own_perangkat_daerah_id(employee: Employee | None) -> int | None:
    if employee is None:
        return None
    ids = employee.unit.ancestor_ids()
    return ids[1] if len(ids) >= 2 else None


def _objection_view(objection: Objection | None, current_predikat: str) -> dict[str, Any] | None:
    if objection is None or objection.status != ObjectionStatus.DECIDED:
        return None
    before = (objection.original or {}).get("predikat", "")
    if objection.changed:
        sentence = _("Keberatan Anda dikabulkan: predikat %(old)s menjadi %(new)s.") % {
            "old": predikat_label(before),
            "new": predikat_label(current_predikat),
        }
    else:
        sentence = _("Keberatan Anda sudah diputus dan hasil tetap %(predikat)s.") % {
            "predikat": predikat_label(current_predikat)
        }
    return {"sentence": sentence, "reason": objection.decision_reason, "decided_at": objection.decided_at}


def _board_entries(*, period: Period, unit_id: int, mode: str, view: UnitView, minimum: int, viewer_id, page):
    """One page of the unit's board under the policy: names or pseudonyms with predikat, or nothing."""
    if mode == rules.BoardMode.AGGREGATES or view.hidden:
        return [], None
    qs = EmployeeResult.objects.filter(period=period, perangkat_daerah_id=unit_id)
    if mode == rules.BoardMode.NAMES:
        qs = qs.order_by("employee__name", "employee_id").values_list(
            "employee_id",
            "employee__name",
            "employee__gelar_depan",
            "employee__gelar_belakang",
            "pseudonym",
            "predikat",
        )
    else:
        qs = qs.order_by("pseudonym").values_list("employee_id", "pseudonym", "predikat")
    paginator = Paginator(qs, BOARD_PAGE_SIZE)
    current = paginator.get_page(page)
    people = []
    for item in current.object_list:
        if mode == rules.BoardMode.NAMES:
            eid, name, depan, belakang, pseudonym, predikat = item
            full = Employee(name=name, gelar_depan=depan, gelar_belakang=belakang).full_name
            people.append((eid, full, pseudonym, predikat))
        else:
            eid, pseudonym, predikat = item
            people.append((eid, "", pseudonym, predikat))
    entries = rules.board_entries(mode, people, group_size=view.n or 0, minimum=minimum, viewer_id=viewer_id)
    return [
        {"label": e.label, "predikat": predikat_label(e.predikat), "is_me": e.is_me, "pseudonym": mode != "names"}
        for e in entries
    ], current


def board_page(*, user, period: Period | None, unit_pk: str | None, page: str | None, can_pick: bool) -> dict:
    """Everything the board shows to `user` for `period`, in a fixed number of queries."""
    policy = disclosure_policy()
    minimum = rules.board_minimum(policy.min_group_size)
    context: dict[str, Any] = {"policy": policy, "minimum": minimum, "period": period, "mode": policy.board_mode}
    eid = getattr(user, "employee_id", None)
    context["recognitions"] = list(Recognition.objects.filter(employee_id=eid).select_related("unit")) if eid else []
    snapshot = snapshot_of(period) if period else None
    context["snapshot"] = snapshot
    if period is None or snapshot is None:
        return context

    rows = list(UnitAggregate.objects.filter(period=period))
    views = _board_views(rows, minimum)
    context["org"] = views.get(None)
    context["units"] = [views[r.unit_id] for r in rows if r.unit_id is not None]

    mine = (
        EmployeeResult.objects.filter(period=period, employee_id=eid).select_related("evaluation").first()
        if eid
        else None
    )
    if mine is not None:
        own_pd = mine.perangkat_daerah_id
    else:
        # Without a published result, the board opens on the perangkat daerah the employee is in now.
        employee = Employee.objects.select_related("unit").filter(pk=eid).first() if eid else None
        own_pd = _own_perangkat_daerah_id(employee)
    unit_id = own_pd
    if unit_pk and can_pick:
        if not str(unit_pk).isdigit() or int(unit_pk) not in views:
            raise Http404
        unit_id = int(unit_pk)
    context["unit"] = views.get(unit_id) if unit_id is not None else None
    context["own_unit_id"] = own_pd
    if mine is not None:
        context["mine"] = _own_result(mine, views.get(own_pd), policy, minimum)
    if context["unit"] is not None:
        context["entries"], context["entries_page"] = _board_entries(
            period=period,
            unit_id=unit_id,
            mode=policy.board_mode,
            view=context["unit"],
            minimum=minimum,
            viewer_id=eid,
            page=page,
        )
    return context


def _own_result(mine: EmployeeResult, unit: UnitView | None, policy: DisclosurePolicy, minimum: int) -> dict:
    from fairness.selectors import calibration_for_evaluation

    objection = Objection.objects.filter(evaluation_id=mine.evaluation_id).first()
    notes = calibration_for_evaluation([mine.evaluation_id]).get(mine.evaluation_id, [])
    family = family_label(mine)
    unit_name = unit.name if unit else ""
    out: dict[str, Any] = {
        "result": mine,
        "predikat": predikat_label(mine.predikat),
        "score": num(mine.score, 2),
        "avg_capaian": num(mine.avg_capaian, 2) if mine.avg_capaian is not None else None,
        "family": family,
        "objection": _objection_view(objection, mine.predikat),
        "calibration": notes,
    }
    if mine.perangkat_daerah_id is None:
        out["unit_text"] = _("Anda tidak berada di bawah perangkat daerah, jadi tidak ada persentil dalam unit.")
    elif not rules.percentile_shown(mine.pct_unit, mine.unit_n, minimum):
        out["unit_text"] = hidden_group_sentence(minimum)
    else:
        out["unit_pct"] = pct(mine.pct_unit)
        out["unit_text"] = percentile_sentence(mine.pct_unit, mine.unit_n, unit_name)
    if not policy.show_family_percentiles:
        out["family_text"] = _("Kebijakan keterbukaan organisasi tidak menampilkan persentil dalam rumpun jabatan.")
    elif not rules.percentile_shown(mine.pct_family, mine.family_n, minimum):
        out["family_text"] = hidden_group_sentence(minimum)
    else:
        out["family_pct"] = pct(mine.pct_family)
        out["family_text"] = percentile_sentence(
            mine.pct_family, mine.family_n, _("rumpun jabatan %(family)s") % {"family": family}
        )
    return out


# ---------------------------------------------------------------------------------------------
# The public portal


@dataclass
class PortalState:
    """What the portal's caching headers and pages need first: the snapshots and the recognitions' stamp."""

    snapshots: list[AggregateSnapshot]
    snapshot: AggregateSnapshot | None
    recognitions_changed: datetime | None
    recognitions_count: int

    @property
    def last_modified(self) -> datetime | None:
        stamps = [s for s in (self.snapshot.refreshed_at if self.snapshot else None, self.recognitions_changed) if s]
        return max(stamps) if stamps else None

    def etag(self, language: str) -> str:
        version = f"{self.snapshot.period_id}.{self.snapshot.version}" if self.snapshot else "0"
        stamp = self.recognitions_changed.timestamp() if self.recognitions_changed else 0
        return f"{version}-{stamp:.6f}-{self.recognitions_count}-{language}"


def portal_state(period_pk: str | None) -> PortalState:
    """Two queries: the computed periods (newest first) and the recognitions' last change."""
    snapshots = list(
        AggregateSnapshot.objects.select_related("period")
        .filter(period__status__in=BOARD_STATUSES)
        .order_by("-period__year", "-period_id")
    )
    periods = [s.period for s in snapshots]
    chosen = period_pick(periods, period_pk)
    snapshot = next((s for s in snapshots if chosen and s.period_id == chosen.pk), None)
    stamp = Recognition.objects.aggregate(changed=Max("updated_at"), n=Count("id"))
    return PortalState(snapshots, snapshot, stamp["changed"], stamp["n"])


def _public_recognitions(unit_id: int | None = None) -> list[Recognition]:
    qs = Recognition.objects.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return list(qs.select_related("employee", "unit").order_by("-year", "title", "id"))


def portal_units(state: PortalState) -> tuple[UnitView | None, list[UnitView]]:
    """The organisation and every perangkat daerah as the public may see them (one query)."""
    if state.snapshot is None:
        return None, []
    minimum = state.snapshot.public_min_group_size
    rows = list(UnitAggregate.objects.filter(period_id=state.snapshot.period_id))
    org = next((public_unit(r, minimum) for r in rows if r.unit_id is None), None)
    return org, [public_unit(r, minimum) for r in rows if r.unit_id is not None]


def portal_page(state: PortalState) -> dict[str, Any]:
    org, units = portal_units(state)
    return {
        "state": state,
        "snapshot": state.snapshot,
        "period": state.snapshot.period if state.snapshot else None,
        "periods": [s.period for s in state.snapshots],
        "org": org,
        "units": units,
        "recognitions": _public_recognitions() if state.snapshot else [],
        "minimum": state.snapshot.public_min_group_size if state.snapshot else rules.PUBLIC_MIN_GROUP,
    }


def portal_unit_page(state: PortalState, unit_pk: int) -> dict[str, Any]:
    if state.snapshot is None:
        raise Http404
    minimum = state.snapshot.public_min_group_size
    row = UnitAggregate.objects.filter(period_id=state.snapshot.period_id, unit_id=unit_pk).first()
    if row is None:
        raise Http404
    return {
        "state": state,
        "snapshot": state.snapshot,
        "period": state.snapshot.period,
        "periods": [s.period for s in state.snapshots],
        "unit": public_unit(row, minimum),
        "recognitions": _public_recognitions(unit_pk),
        "minimum": max(minimum, rules.PUBLIC_MIN_GROUP),
    }


# ---------------------------------------------------------------------------------------------
# Open data

CSV_COLUMNS = (
    "periode",
    "tahun",
    "kode_unit",
    "perangkat_daerah",
    "disembunyikan",
    "alasan_disembunyikan",
    "jumlah_pegawai",
    "sangat_baik",
    "baik",
    "butuh_perbaikan",
    "kurang_misconduct",
    "sangat_kurang",
    "rata_rata_capaian_rhk_utama",
    "pegawai_dengan_capaian",
    "diubah_karena_keberatan",
    "diubah_melalui_kalibrasi",
    "reliabilitas_icc1",
    "alpha_krippendorff_ordinal",
    "penilai_dianalisis",
    "penilai_ditandai",
    "partisipasi_asn_di_unit",
    "partisipasi_ikut_menyusun",
)
REASON_CODES = {
    rules.Suppression.SMALL: "kurang_dari_minimum",
    rules.Suppression.COMPLEMENT: "dapat_dihitung_dari_total",
}


def _float(value: float | None, places: int = 3) -> float | None:
    return round(value, places) if value is not None else None


def open_data_record(view: UnitView, period: Period) -> dict[str, Any]:
    """One group as an open-data record (the same for CSV and JSON); a hidden group has no figures."""
    counts = {c["code"]: c["count"] for c in view.counts}
    participation = {p["key"]: p["value"] for p in view.participation}
    return {
        "periode": period.name,
        "tahun": period.year,
        "kode_unit": view.unit_id,
        "perangkat_daerah": view.name,
        "disembunyikan": view.hidden,
        "alasan_disembunyikan": REASON_CODES.get(view.reason, view.reason) if view.hidden else None,
        "jumlah_pegawai": view.n,
        "sangat_baik": counts.get("SANGAT_BAIK"),
        "baik": counts.get("BAIK"),
        "butuh_perbaikan": counts.get("BUTUH_PERBAIKAN"),
        "kurang_misconduct": counts.get("KURANG"),
        "sangat_kurang": counts.get("SANGAT_KURANG"),
        "rata_rata_capaian_rhk_utama": float(view.avg_capaian) if view.avg_capaian is not None else None,
        "pegawai_dengan_capaian": view.capaian_n,
        "diubah_karena_keberatan": view.changed_by_objection,
        "diubah_melalui_kalibrasi": view.changed_by_calibration,
        "reliabilitas_icc1": _float(view.reliability_icc),
        "alpha_krippendorff_ordinal": _float(view.reliability_alpha),
        "penilai_dianalisis": view.raters,
        "penilai_ditandai": view.flagged_raters,
        "partisipasi_asn_di_unit": participation.get("employees"),
        "partisipasi_ikut_menyusun": participation.get("participants"),
    }


def open_data(state: PortalState) -> dict[str, Any]:
    """The portal's aggregates as open data: the organisation first, then each perangkat daerah."""
    if state.snapshot is None:
        raise Http404
    org, units = portal_units(state)
    period = state.snapshot.period
    records = [open_data_record(v, period) for v in [org, *units] if v is not None]
    # Adopted criteria are public documents, not figures about people: listed for hidden groups too.
    criteria = {v.unit_id: v.adopted_criteria for v in units if v.adopted_criteria}
    return {
        "period": period,
        "records": records,
        "criteria": criteria,
        "minimum": max(state.snapshot.public_min_group_size, rules.PUBLIC_MIN_GROUP),
        "refreshed_at": state.snapshot.refreshed_at,
    }


def recognition_get_for(*, user, pk: int) -> Recognition:
    """A recognition of the user's own; 404 alike for missing and for someone else's."""
    eid = getattr(user, "employee_id", None)
    recognition = Recognition.objects.filter(pk=pk, employee_id=eid).first() if eid else None
    if recognition is None:
        raise Http404
    return recognition


def latest_own_result(*, employee_id: int | None):
    """The employee's latest published result on the board (score, percentiles), or None; one query."""
    if employee_id is None:
        return None
    mine = (
        EmployeeResult.objects.filter(employee_id=employee_id)
        .select_related("period", "perangkat_daerah")
        .order_by("-period__year", "-period_id")
        .first()
    )
    if mine is None:
        return None
    # The same rule and wording as the board: hidden below the board's minimum group size.
    minimum = rules.board_minimum(disclosure_policy().min_group_size)
    if mine.perangkat_daerah_id is None:
        mine.percentile_text = ""
    elif not rules.percentile_shown(mine.pct_unit, mine.unit_n, minimum):
        mine.percentile_text = hidden_group_sentence(minimum)
    else:
        mine.percentile_text = percentile_sentence(mine.pct_unit, mine.unit_n, mine.perangkat_daerah.name)
    return mine
