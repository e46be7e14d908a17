"""A published year for the board and portal tests, built through the performance services.

Dinas Kominfo has five people (kadis, atasan, penilai, pegawai, pppk), Dinas Sosial two (kadis_lain,
lain), so with the default minimum of 5 the first is shown and the second hidden. Each SKP has one
RHK utama with one kuantitatif indicator (target 10); the realisation sets the capaian.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from conftest import City, base_rows, csv_bytes, make_period, roster_row
from org.models import Employee, Unit
from org.services import roster_import
from performance import rules
from performance import services as s
from performance.models import Evaluation, EvaluationStatus, PeriodStatus, Skp, SkpStatus

VALUES = [code for code, _name, _lines in rules.BERAKHLAK]
ALL_SESUAI = dict.fromkeys(VALUES, "SESUAI")
# who: (appraiser persona, realisation against a target of 10, work level, behaviour level)
PLAN = {
    "pegawai": ("penilai", "12", "DI_ATAS", "SESUAI"),  # Baik, 120 %
    "pppk": ("penilai", "10", "SESUAI", "SESUAI"),  # Baik, 100 %
    "penilai": ("atasan", "12", "DI_ATAS", "DI_ATAS"),  # Sangat Baik, 120 %
    "atasan": ("kadis", "8", "DI_BAWAH", "SESUAI"),  # Butuh Perbaikan, 80 %
    "kadis": ("pimpinan", "11", "SESUAI", "SESUAI"),  # Baik, 110 %
    "kadis_lain": ("pimpinan", "10", "SESUAI", "SESUAI"),
    "lain": ("kadis_lain", "9", "SESUAI", "SESUAI"),
}


@dataclass
class Year:
    city: City
    period: object
    skps: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)

    def evaluation(self, who: str) -> Evaluation:
        return Evaluation.objects.get(skp=self.skps[who])

    def dinas(self, who: str) -> Unit:
        return Unit.objects.get(pk=self.city.employees[who].unit.ancestor_ids()[1])


def agreed_skp(city: City, period, who: str, appraiser: str):
    user = city.user(who)
    skp = s.skp_start(actor=user, period=period, employee=city.employees[who])
    rhk = s.rhk_save(actor=user, skp=skp, text=f"Hasil utama {who}", kind="UTAMA")
    indicator = s.indicator_save(
        actor=user,
        rhk=rhk,
        text=f"Jumlah keluaran {who}",
        aspect="KUANTITAS",
        kind="KUANTITATIF",
        target_value="10",
        target_unit="dokumen",
    )
    skp.refresh_from_db()
    skp = s.skp_submit(actor=user, skp=skp)
    skp = s.skp_review(actor=city.user(appraiser), skp=skp, agree=True)
    return skp, indicator


def rated_year(city: City, *, plan: dict | None = None, year: int | None = None) -> Year:
    """Every persona planned, realised and rated, the units finalised: ready to publish."""
    plan = plan or PLAN
    period = make_period(city.user("admin"), year=year or timezone.localdate().year)
    out = Year(city=city, period=period)
    for who, (appraiser, _value, _work, _behaviour) in plan.items():
        out.skps[who], out.indicators[who] = agreed_skp(city, period, who, appraiser)
    period = s.period_set_status(actor=city.user("admin"), period=period, status=PeriodStatus.DOING)
    tw4 = list(period.slices.order_by("start"))[3]
    for who, (_appraiser, value, _work, _behaviour) in plan.items():
        s.realisation_save(actor=city.user(who), indicator=out.indicators[who], slice=tw4, value=value)
    period = s.period_set_status(actor=city.user("admin"), period=period, status=PeriodStatus.EVALUATION)
    for who, (appraiser, _value, work, behaviour) in plan.items():
        skp = Skp.objects.get(pk=out.skps[who].pk)
        s.evaluation_rate(
            actor=city.user(appraiser),
            skp=skp,
            work_level=work,
            behaviour_levels=ALL_SESUAI,
            behaviour_level=behaviour,
            work_justification="Sesuai bukti dukung dan dialog kinerja.",
            behaviour_justification="Sesuai pengamatan sepanjang tahun.",
        )
    pimpinan, admin = city.user("pimpinan"), city.user("admin")
    for unit in Unit.objects.filter(depth=1):
        s.org_result_set(actor=pimpinan, period=period, unit=unit, predikat="BAIK")
        s.unit_finalise(actor=admin, period=period, unit=unit, reason="Unit kecil: pola distribusi belum bermakna.")
    period.refresh_from_db()
    out.period = period
    return out


def publish(year: Year) -> Year:
    s.period_publish(actor=year.city.user("pimpinan"), period=year.period, today=timezone.localdate())
    year.period.refresh_from_db()
    return year


def published_year(city: City, **kwargs) -> Year:
    return publish(rated_year(city, **kwargs))


def grow(year: Year, sizes: dict[str, int]) -> None:
    """More employees with results in new perangkat daerah (`sizes`: name -> people), in bulk without
    the services: final before publication, published after. Call once per test (the roster file
    holds the base personas and these people only)."""
    rows = base_rows()
    i = 0
    for dinas, n in sizes.items():
        for _k in range(n):
            rows.append(
                roster_row(
                    f"19950101202001{1 if i % 2 else 2}{i + 100:03d}",
                    f"Staf {i}",
                    "P" if i % 2 == 0 else "L",
                    "01/01/1995",
                    "II/c",
                    "Pranata Komputer Terampil" if i % 3 == 0 else "Pengolah Data",
                    "Fungsional Terampil" if i % 3 == 0 else "Pelaksana",
                    f"{dinas} > Bidang {i % 2}",
                    "PNS",
                )
            )
            i += 1
    result = roster_import(actor=None, data=csv_bytes(rows), filename="besar.csv")
    assert result.ok, [e.message for e in result.errors]
    period = year.period
    published = period.status == PeriodStatus.PUBLISHED
    have = set(Skp.objects.filter(period=period).values_list("employee_id", flat=True))
    new = [e for e in Employee.objects.select_related("position").filter(is_active=True) if e.pk not in have]
    skps = Skp.objects.bulk_create(
        Skp(
            period=period,
            employee=e,
            penilai_id=e.penilai_id,
            atasan_penilai_id=e.atasan_penilai_id,
            unit_id=e.unit_id,
            position_name=e.position.name,
            status=SkpStatus.AGREED,
        )
        for e in new
    )
    levels = ["DI_ATAS", "SESUAI", "DI_BAWAH"]
    Evaluation.objects.bulk_create(
        Evaluation(
            skp=skp,
            status=EvaluationStatus.PUBLISHED if published else EvaluationStatus.FINAL,
            published_on=period.published_on if published else None,
            work_level=levels[k % 3],
            behaviour_level="SESUAI",
            behaviour_levels=ALL_SESUAI,
            predikat=rules.predikat(levels[k % 3], "SESUAI").value,
        )
        for k, skp in enumerate(skps)
    )


def grow_by(year: Year, n: int) -> None:
    """n more people with results over two new perangkat daerah."""
    grow(year, {"Dinas Baru 0": n // 2, "Dinas Baru 1": n - n // 2})
