"""A small realistic appraisal year, built through the performance services, and the long-form input
the fairness analysis reads from it. Other product tests import `build_year` and `fast_year`.

The year: four seksi of Bidang Aplikasi (Dinas Kominfo), each with a head (the pejabat penilai) and
four staff. Every staff member answers three 360 requests about colleagues in the other seksi, so
the four appraisers are connected through shared ratees. The head of Seksi Data is lenient: one
level above what the evidence and the colleagues say, on every value.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from conftest import City, base_rows, csv_bytes, make_agreed_skp, make_period, roster_row
from performance import rules
from performance import services as ps
from performance.models import PeriodStatus

pytestmark = pytest.mark.django_db

VALUES = [code for code, _name, _lines in rules.BERAKHLAK]
LEVEL_OF = {1: "DI_BAWAH", 2: "SESUAI", 3: "DI_ATAS"}

# Seksi Layanan exists in the base roster (head `penilai`, staff `pegawai` and `pppk`).
NEW_SEKSI = [("data", "Seksi Data"), ("jaringan", "Seksi Jaringan"), ("sandi", "Seksi Persandian")]
BIDANG = "Dinas Kominfo > Bidang Aplikasi"


def person(serial: int, name: str, jk: str, birth: date, gol: str, jabatan: str, jenis: str, unit: str):
    """A roster row whose NIP agrees with its birth date and gender; returns (nip, row)."""
    nip = birth.strftime("%Y%m%d") + f"{birth.year + 22}01" + ("1" if jk == "L" else "2") + f"{serial:03d}"
    return nip, roster_row(nip, name, jk, birth.strftime("%d/%m/%Y"), gol, jabatan, jenis, unit, "PNS")


def extra_rows() -> tuple[list[dict], dict[str, str]]:
    """Roster rows for the three new seksi and two more staff in Seksi Layanan; key -> NIP."""
    rows, keys = [], {}
    serial = 100
    for key, name in NEW_SEKSI:
        serial += 1
        short = name.removeprefix("Seksi ")
        nip, row = person(
            serial,
            f"Kasi {short}",
            "L",
            date(1972, 1, serial % 28 + 1),
            "III/d",
            f"Kepala {name}",
            "Pengawas",
            f"{BIDANG} > {name}",
        )
        keys[f"kasi_{key}"] = nip
        rows.append(row)
        for i in range(4):
            serial += 1
            nip, row = person(
                serial,
                f"Staf {short} {i + 1}",
                "LP"[serial % 2],
                date(1966 + 9 * i, 1 + serial % 12, 1 + serial % 28),
                ("II/c", "III/a", "III/b", "II/d")[i],
                f"Pengelola {short}",
                "Pelaksana",
                f"{BIDANG} > {name}",
            )
            keys[f"{key}{i}"] = nip
            rows.append(row)
    for i in range(2):
        serial += 1
        nip, row = person(
            serial,
            f"Staf Layanan {i + 3}",
            "PL"[i],
            date(1988 + 5 * i, 2, 1 + i),
            "II/b",
            "Pengadministrasi Layanan",
            "Pelaksana",
            f"{BIDANG} > Seksi Layanan",
        )
        keys[f"layanan{i + 2}"] = nip
        rows.append(row)
    return rows, keys


def grow_city(city: City) -> City:
    """Import the extra staff (the base rows again, so their supervisors are known) and add them to `city`."""
    from accounts.models import User
    from org.models import Employee
    from org.services import roster_import

    rows, keys = extra_rows()
    result = roster_import(actor=None, data=csv_bytes(base_rows() + rows), filename="tambahan.csv")
    assert result.ok, [e.message for e in result.errors]
    by_nip = {e.nip: e for e in Employee.objects.select_related("unit", "position")}
    users = {u.employee_id: u for u in User.objects.filter(employee__nip__in=keys.values())}
    employees = dict(city.employees)
    people = dict(city.users)
    for key, nip in keys.items():
        employees[key] = by_nip[nip]
        people[key] = users[by_nip[nip].pk]
    employees["layanan0"], people["layanan0"] = employees["pegawai"], people["pegawai"]
    employees["layanan1"], people["layanan1"] = employees["pppk"], people["pppk"]
    return City(employees=employees, users=people)


# Team order: index 0 is the lenient appraiser's team.
TEAMS = [("kasi_data", "data"), ("penilai", "layanan"), ("kasi_jaringan", "jaringan"), ("kasi_sandi", "sandi")]


def truth(team: int, i: int, k: int) -> int:
    """The level the evidence supports for staff i of a team on value k (mostly Sesuai)."""
    v = (team * 7 + i * 3 + k * 5) % 9
    return 3 if v in (0, 4) else (1 if v == 7 else 2)


def peer_noise(team: int, i: int, k: int, d: int) -> int:
    if (team + i + k + d) % 11 == 0:
        return 1
    if (team + 2 * i + k + d) % 13 == 0:
        return -1
    return 0


@dataclass
class Year:
    city: City
    period: object
    skps: dict
    lenient: str
    staff: list

    def user(self, key):
        return self.city.user(key)

    def employee(self, key):
        return self.city.employees[key]


def build_year(city: City, *, lenient_work: bool = True) -> Year:
    """The year through the performance services: SKPs, realisations, 360 answers, ratings."""
    city = grow_city(city)
    admin = city.user("admin")
    period = make_period(admin)
    skps = {}
    for appraiser, prefix in TEAMS:
        for i in range(4):
            who = f"{prefix}{i}"
            skp, _u, _t, quant, qual = make_agreed_skp(city, period, who=who, appraiser=appraiser)
            skps[who] = (skp, quant, qual, appraiser)
    period = ps.period_set_status(actor=admin, period=period, status=PeriodStatus.DOING)
    last = list(period.slices.order_by("start"))[-1]
    for t, (appraiser, prefix) in enumerate(TEAMS):
        for i in range(4):
            who = f"{prefix}{i}"
            skp, quant, qual, _a = skps[who]
            ps.realisation_save(actor=city.user(who), indicator=quant, slice=last, value=str(8 + (t + i) % 5))
            real = ps.realisation_save(actor=city.user(who), indicator=qual, slice=last, text="Materi selesai")
            ps.realisation_assess(actor=city.user(appraiser), realisation=real, level="SESUAI")
    for t, (_appraiser, prefix) in enumerate(TEAMS):
        for i in range(4):
            skp = skps[f"{prefix}{i}"][0]
            respondents = [city.employees[f"{TEAMS[(t + d) % 4][1]}{i}"] for d in (1, 2, 3)]
            requests = ps.peer_request(actor=admin, skp=skp, respondents=respondents, relation="peer")
            for d, request in zip((1, 2, 3), requests, strict=True):
                levels = {
                    code: LEVEL_OF[max(1, min(3, truth(t, i, k) + peer_noise(t, i, k, d)))]
                    for k, code in enumerate(VALUES)
                }
                ps.peer_answer(actor=city.user(f"{TEAMS[(t + d) % 4][1]}{i}"), request=request, levels=levels)
    period = ps.period_set_status(actor=admin, period=period, status=PeriodStatus.EVALUATION)
    for t, (appraiser, prefix) in enumerate(TEAMS):
        for i in range(4):
            who = f"{prefix}{i}"
            skp = skps[who][0]
            skp.refresh_from_db()
            bump = 1 if t == 0 else 0
            levels = {code: LEVEL_OF[min(3, truth(t, i, k) + bump)] for k, code in enumerate(VALUES)}
            suggested = ps.achievements(skp)["suggestion"]
            work = "DI_ATAS" if (t == 0 and lenient_work) else (suggested.level.value if suggested else "SESUAI")
            ps.evaluation_rate(
                actor=city.user(appraiser),
                skp=skp,
                work_level=work,
                behaviour_levels=levels,
                behaviour_level=rules.suggest_behaviour_rating(levels).value,
                work_justification="Sesuai bukti dukung dan capaian",
                behaviour_justification="Sesuai pengamatan sepanjang tahun",
            )
    staff = [f"{prefix}{i}" for _a, prefix in TEAMS for i in range(4)]
    return Year(city=city, period=period, skps={k: v[0] for k, v in skps.items()}, lenient="kasi_data", staff=staff)


def run_analysis(year_or_period, admin, *, kind="perilaku", unit=None, capture=None):
    """Start an analysis and run its task (immediate backend) when the transaction commits."""
    from fairness import services as fs

    period = getattr(year_or_period, "period", year_or_period)
    with capture(execute=True):
        run = fs.analysis_start(actor=admin, period=period, unit=unit, kind=kind)
    run.refresh_from_db()
    return run


# ---------------------------------------------------------------------------------------------
# A year written straight into the tables (for query-count and permission tests at any size)


def fast_year(*, teams: int, size: int, admin, period=None, dinas: str = "Dinas Uji"):
    """`teams` seksi of `size` staff under one dinas, each rated by its head, linked by 360 answers.

    Written with bulk inserts, not the services: used where only the number of rows matters.
    Returns (period, {"heads": [...], "staff": [[...]]}).
    """
    from django.utils import timezone

    from accounts.models import User
    from org.models import Employee
    from org.services import roster_import
    from performance.models import Evaluation, PeerRequest, Skp

    rows = []
    serial = 500
    for t in range(teams):
        serial += 1
        rows.append(
            person(
                serial,
                f"Kepala Seksi Uji {t + 1}",
                "L",
                date(1970, 1, 1 + t % 28),
                "III/d",
                f"Kepala Seksi Uji {t + 1}",
                "Pengawas",
                f"{dinas} > Seksi Uji {t + 1}",
            )[1]
        )
        for i in range(size):
            serial += 1
            rows.append(
                person(
                    serial,
                    f"Pegawai Uji {t + 1}-{i + 1}",
                    "LP"[(i + t) % 2],
                    date(1965 + (7 * i + t) % 33, 3, 1 + i % 28),
                    "III/a",
                    "Pengelola Uji",
                    "Pelaksana",
                    f"{dinas} > Seksi Uji {t + 1}",
                )[1]
            )
    result = roster_import(actor=None, data=csv_bytes(base_rows() + rows), filename="uji-cepat.csv")
    assert result.ok, [e.message for e in result.errors]
    if period is None:
        period = make_period(admin)
    employees = list(Employee.objects.filter(unit__path__startswith=_dinas_path(dinas)).select_related("position"))
    heads = sorted((e for e in employees if e.position.is_head and e.unit.depth == 2), key=lambda e: e.name)
    staff = [sorted((e for e in employees if e.penilai_id == h.pk), key=lambda e: e.name) for h in heads]
    users = {u.employee_id: u for u in User.objects.filter(employee__in=employees)}
    now = timezone.now()
    skps = Skp.objects.bulk_create(
        [
            Skp(period=period, employee=e, penilai=h, unit=e.unit, position_name=e.position.name, status="agreed")
            for h, team in zip(heads, staff, strict=True)
            for e in team
        ]
    )
    by_employee = {s.employee_id: s for s in skps}
    evaluations = []
    requests = []
    for t, (h, team) in enumerate(zip(heads, staff, strict=True)):
        for i, e in enumerate(team):
            bump = 1 if t == 0 else 0
            levels = {code: LEVEL_OF[min(3, truth(t, i, k) + bump)] for k, code in enumerate(VALUES)}
            behaviour = rules.suggest_behaviour_rating(levels).value
            work = "DI_ATAS" if t == 0 else "SESUAI"
            evaluations.append(
                Evaluation(
                    skp=by_employee[e.pk],
                    status="rated",
                    work_level=work,
                    behaviour_levels=levels,
                    behaviour_level=behaviour,
                    predikat=rules.predikat(work, behaviour).value,
                    rated_by=users[h.pk],
                    rated_at=now,
                )
            )
            for d in (1, 2):
                other = staff[(t + d) % len(staff)]
                respondent = other[i % len(other)]
                requests.append(
                    PeerRequest(
                        skp=by_employee[e.pk],
                        respondent=respondent,
                        relation="peer",
                        requested_by=admin,
                        answered_at=now,
                        levels={
                            code: LEVEL_OF[max(1, min(3, truth(t, i, k) + peer_noise(t, i, k, d)))]
                            for k, code in enumerate(VALUES)
                        },
                    )
                )
    Evaluation.objects.bulk_create(evaluations)
    PeerRequest.objects.bulk_create(requests)
    return period, {"heads": heads, "staff": staff, "users": users}


def _dinas_path(name: str) -> str:
    from org.models import Unit

    return Unit.objects.get(name=name, depth=1).path


# ---------------------------------------------------------------------------------------------
# Tests of the long-form input


@pytest.fixture
def year(city) -> Year:
    return build_year(city)


def test_long_form_reads_appraisers_and_360_answers_in_two_queries(year, django_assert_num_queries):
    from fairness.services import ratings_long_form

    with django_assert_num_queries(2):
        data = ratings_long_form(period=year.period, unit=None, kind="perilaku")
    # 16 appraiser ratings and 48 answered 360 requests, 7 values each.
    assert len(data.score) == (16 + 48) * 7
    assert set(data.score) <= {1.0, 2.0, 3.0}
    lenient = f"e:{year.employee('kasi_data').pk}"
    assert lenient in data.appraisers and len(data.appraisers) == 4
    sources = {source for source in data.pairs.values()}
    assert sources == {"penilai", "360"}
    ratee = f"e:{year.employee('data0').pk}"
    assert data.pairs[(lenient, ratee)] == "penilai"
    assert data.evaluations[ratee] == year.skps["data0"].evaluation.pk


def test_long_form_of_work_results_carries_the_objective_achievement(year):
    from fairness.services import ratings_long_form

    data = ratings_long_form(period=year.period, unit=None, kind="hasil_kerja")
    assert len(data.score) == 16 and set(data.criterion) == {"hasil_kerja"}
    # Mean RHK capaian: the quantitative RHK (80-120 %) and the qualitative one judged Sesuai (100).
    ach = data.achievement[f"e:{year.employee('layanan0').pk}"]
    assert ach == pytest.approx((90 + 100) / 2)


def test_long_form_is_scoped_to_the_perangkat_daerah(year, city):
    from fairness.services import ratings_long_form
    from org.models import Unit

    sosial = Unit.objects.get(name="Dinas Sosial")
    assert ratings_long_form(period=year.period, unit=sosial, kind="perilaku").score == []
    kominfo = Unit.objects.get(name="Dinas Kominfo")
    assert len(ratings_long_form(period=year.period, unit=kominfo, kind="perilaku").score) == 64 * 7


def test_golongan_and_age_bands():
    from datetime import date

    from fairness.services import age_band, golongan_band

    assert golongan_band("PNS", "III/a") == "III"
    assert golongan_band("PPPK", "IX") == "PPPK IX–XII"
    assert golongan_band("PPPK", "XVII") == "PPPK XIII–XVII"
    assert age_band(date(1997, 12, 31), 2026) == "<30"
    assert age_band(date(1996, 12, 31), 2026) == "30–39"
    assert age_band(date(1976, 6, 1), 2026) == "≥50"
