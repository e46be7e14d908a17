"""A province-sized performance year: every predikat and quota check at once, and the team pages.

    .venv/bin/python bench/performance_year.py [--employees 50000] [--quick] [--database URL]

Builds a synthetic province in bulk (org.demo's generator, checked by the roster rules, written
straight to the tables: the roster import itself is benchmarked by roster_import.py), then a year
of work: 5 RHK per employee with 1–2 indicators each, realisations for Triwulan I–IV and both
ratings for everyone. Then it times `performance.bulk.compute_year`, i.e. the suggestion of every
SKP, the predikat of every evaluation and the quota check of every perangkat daerah (target < 5 s
at 50,000), runs it again with nothing to change, compares it with the per-SKP service path
(`services.achievements`, `services.unit_distribution`) on a sample (and exits non-zero if they
differ), and, when the pages exist, counts the queries and times the team page and the unit
dashboard for the largest and a small team or unit.

SQLite in a temporary folder, or PostgreSQL when --database (default: DATABASE_URL) names one: a
database terang_bench_year is created on that server and dropped afterwards. --quick: 5,000 employees.
Numbers are printed; only the agreement check can fail the run.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 5.0
RHK_PER_SKP = 5
SAMPLE = 300
YEAR = 2026


def _raw_insert(model, fields: list[str], rows) -> int:
    """executemany with values already in the form the backend takes (ints, floats, strings, prepared
    constants). The bench's bulk writer for the large tables; ordinary code uses bulk.insert_rows."""
    from django.db import connection

    meta = model._meta
    q = connection.ops.quote_name
    columns = ", ".join(q(meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    done, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                done, batch = done + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            done += len(batch)
    return done


def _prep(model, field: str, value):
    from django.db import connection

    return model._meta.get_field(field).get_db_prep_save(value, connection)


def _reset_sequences(models) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; SQLite needs nothing."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def build_org(n: int, seed: int) -> dict:
    """Units, positions, employees (with their reporting line) and logins, straight into the tables."""
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import User
    from org import chain
    from org.demo import generate_city
    from org.models import STRUCTURAL_KINDS, Employee, Position, Unit
    from org.roster_file import RawRow, validate_rows
    from org.services import DEPTH_KIND

    rows = generate_city(n, seed=seed)
    clean, errors = validate_rows([RawRow(i + 2, r) for i, r in enumerate(rows)], today=date(2026, 1, 1))
    if errors:
        raise SystemExit(f"generated roster has {len(errors)} errors, e.g. {errors[0]}")
    now = _prep(Unit, "created_at", timezone.now())

    unit_ids: dict[tuple, int] = {(): 1}
    units = [(1, settings.TERANG_ORGANISATION_NAME, "pemda", None, "/1/", 0, now, now)]
    paths = {(): "/1/"}
    for prefix in sorted({r.unit_path[: i + 1] for r in clean for i in range(len(r.unit_path))}, key=len):
        uid = len(units) + 1
        unit_ids[prefix] = uid
        paths[prefix] = f"{paths[prefix[:-1]]}{uid}/"
        kind = DEPTH_KIND.get(len(prefix), "lainnya")
        units.append((uid, prefix[-1], kind, unit_ids[prefix[:-1]], paths[prefix], len(prefix), now, now))
    _raw_insert(Unit, ["id", "name", "kind", "parent_id", "path", "depth", "created_at", "updated_at"], units)

    positions: dict[tuple, tuple] = {}
    for r in clean:
        key = (unit_ids[r.unit_path], r.jabatan)
        if key not in positions:
            positions[key] = (len(positions) + 1, r.position_kind, r.position_grade)
    best: dict[int, tuple[int, int]] = {}
    for (uid, _name), (pid, kind, _grade) in positions.items():
        if kind in STRUCTURAL_KINDS and chain.HEAD_RANK[kind] > best.get(uid, (0, 0))[1]:
            best[uid] = (pid, chain.HEAD_RANK[kind])
    head_positions = {pid for pid, _rank in best.values()}
    _raw_insert(
        Position,
        ["id", "name", "kind", "grade", "unit_id", "is_head", "created_at", "updated_at"],
        (
            (pid, name, kind, grade, uid, pid in head_positions, now, now)
            for (uid, name), (pid, kind, grade) in positions.items()
        ),
    )

    people, heads = {}, {}
    for eid, r in enumerate(clean, start=1):
        uid = unit_ids[r.unit_path]
        pid = positions[(uid, r.jabatan)][0]
        people[eid] = chain.Person(id=eid, unit_id=uid, kind=r.position_kind, grade=r.position_grade)
        if pid in head_positions and uid not in heads:
            heads[uid] = (eid, chain.HEAD_RANK[r.position_kind])
    nodes = {
        uid: chain.UnitNode(uid, parent, heads.get(uid, (None, 0))[0], heads.get(uid, (None, 0))[1])
        for uid, _name, _kind, parent, *_rest in units
    }
    lines = chain.resolve_lines(people, nodes)
    birth = Employee._meta.get_field("birth_date")
    from django.db import connection

    _raw_insert(
        Employee,
        [
            "id",
            "nip",
            "name",
            "gelar_depan",
            "gelar_belakang",
            "gender",
            "birth_date",
            "status",
            "golongan",
            "position_id",
            "unit_id",
            "email",
            "is_active",
            "penilai_id",
            "atasan_penilai_id",
            "version",
            "created_at",
            "updated_at",
        ],
        (
            (
                eid,
                r.nip,
                r.nama,
                r.gelar_depan,
                r.gelar_belakang,
                r.gender,
                birth.get_db_prep_save(r.birth_date, connection),
                r.status,
                r.golongan,
                positions[(unit_ids[r.unit_path], r.jabatan)][0],
                unit_ids[r.unit_path],
                r.email,
                True,
                lines[eid][0],
                lines[eid][1],
                1,
                now,
                now,
            )
            for eid, r in enumerate(clean, start=1)
        ),
    )
    joined = _prep(User, "date_joined", timezone.now())
    _raw_insert(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "employee_id",
        ],
        (
            (eid, "!", False, r.nip, r.nama[:150], "", r.email, False, True, joined, eid)
            for eid, r in enumerate(clean, 1)
        ),
    )
    _reset_sequences([Unit, Position, Employee, User])
    pds = [uid for prefix, uid in unit_ids.items() if len(prefix) == 1]
    return {"employees": len(clean), "units": len(units), "pds": pds, "lines": lines, "people": people}


def build_year(org: dict, rng: random.Random):
    """A year in evaluation: agreed SKPs, RHK, indicators, TW1–TW4 realisations, ratings, org results."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, RoleGrant, User
    from performance import rules, services
    from performance.bulk import insert_rows
    from performance.models import Evaluation, Indicator, OrgResult, Realisation, Rhk, Skp

    admin = User.objects.create_user(username="admin", password=None, first_name="Admin")
    RoleGrant.objects.create(user=admin, role=Role.ADMIN)
    period = services.period_create(
        actor=admin,
        year=YEAR,
        name=f"Kinerja {YEAR}",
        scheme="TRIWULAN",
        planning_opens=date(YEAR, 1, 1),
        planning_closes=date(YEAR, 1, 31),
        evaluation_opens=date(YEAR, 12, 1),
        evaluation_closes=date(YEAR + 1, 1, 31),
    )
    period = services.period_set_status(actor=admin, period=period, status="evaluation")
    slices = list(period.slices.order_by("start"))
    lines, people = org["lines"], org["people"]
    now = _prep(Skp, "created_at", timezone.now())
    stamps = [
        _prep(Realisation, "updated_at", timezone.make_aware(datetime(s.end.year, s.end.month, s.end.day)))
        for s in slices
    ]
    n = org["employees"]
    # A latent performance per person: most near the target, some above, some below.
    skill = [0.0] + [rng.gauss(1.02, 0.12) for _ in range(n)]
    with transaction.atomic():
        _raw_insert(
            Skp,
            [
                "id",
                "period_id",
                "employee_id",
                "penilai_id",
                "atasan_penilai_id",
                "unit_id",
                "position_name",
                "status",
                "return_comment",
                "agreed_at",
                "agreed_version",
                "dukungan_sumber_daya",
                "skema_pertanggungjawaban",
                "konsekuensi",
                "created_at",
                "updated_at",
                "version",
            ],
            (
                (
                    eid,
                    period.pk,
                    eid,
                    lines[eid][0],
                    lines[eid][1],
                    p.unit_id,
                    "Jabatan",
                    "agreed",
                    "",
                    now,
                    2,
                    "",
                    "",
                    "",
                    now,
                    now,
                    13,
                )
                for eid, p in people.items()
            ),
        )

        def rhk_rows():
            for eid in people:
                utama = rng.choice((3, 4))
                penilai = lines[eid][0]
                for k in range(RHK_PER_SKP):
                    parent = (penilai - 1) * RHK_PER_SKP + 1 + (k % 3) if penilai and k < utama else None
                    kind = "UTAMA" if k < utama else "TAMBAHAN"
                    yield ((eid - 1) * RHK_PER_SKP + 1 + k, eid, kind, f"RHK {k + 1}", parent, "", k + 1)

        _raw_insert(Rhk, ["id", "skp_id", "kind", "text", "parent_id", "perspektif", "order"], rhk_rows())
        indicators = []  # (id, rhk_id, kind, target, direction, employee)
        for eid in people:
            for k in range(RHK_PER_SKP):
                rhk_id = (eid - 1) * RHK_PER_SKP + 1 + k
                for order in range(1 if rng.random() < 0.55 else 2):
                    roll = rng.random()
                    kind = "KUALITATIF" if roll < 0.12 else "KUANTITATIF"
                    direction = "LOWER_BETTER" if 0.12 <= roll < 0.2 else "HIGHER_BETTER"
                    target = None if kind == "KUALITATIF" else float(rng.choice((4, 6, 10, 12, 24, 80, 90, 100, 250)))
                    indicators.append((len(indicators) + 1, rhk_id, kind, target, direction, eid, order + 1))
        _raw_insert(
            Indicator,
            [
                "id",
                "rhk_id",
                "text",
                "aspect",
                "kind",
                "target_value",
                "target_unit",
                "target_text",
                "direction",
                "order",
            ],
            (
                (
                    i,
                    rhk,
                    "Indikator",
                    "KUANTITAS",
                    kind,
                    target,
                    "dokumen" if target else "",
                    "" if target else "Uraian",
                    d,
                    o,
                )
                for i, rhk, kind, target, d, _e, o in indicators
            ),
        )
        levels = ("DI_ATAS", "SESUAI", "DI_BAWAH")

        def realisation_rows():
            for ind_id, _rhk, kind, target, direction, eid, _o in indicators:
                quality = skill[eid] * rng.gauss(1.0, 0.08)
                last = 4 if rng.random() > 0.03 else 3
                for tw in range(last):
                    if kind == "KUALITATIF":
                        level = levels[0] if quality > 1.1 else levels[1] if quality >= 1.0 else levels[2]
                        yield (ind_id, slices[tw].pk, None, "Uraian", level, eid, stamps[tw], 2)
                    else:
                        share = (tw + 1) / 4
                        value = target * quality * share if direction == "HIGHER_BETTER" else target / max(quality, 0.2)
                        yield (ind_id, slices[tw].pk, round(max(value, 0.0), 2), "", "", eid, stamps[tw], 1)

        fields = [
            "indicator_id",
            "slice_id",
            "value",
            "text",
            "assessed_level",
            "updated_by_id",
            "updated_at",
            "version",
        ]
        n_real = _raw_insert(Realisation, fields, realisation_rows())

        def rating(eid):
            work = levels[0] if skill[eid] > 1.12 else levels[1] if skill[eid] >= 0.95 else levels[2]
            behaviour = rng.choices(levels, weights=(2, 7, 1))[0]
            return work, behaviour

        evaluation_fields = [
            "id",
            "skp_id",
            "status",
            "suggested_work_level",
            "suggestion",
            "work_level",
            "work_justification",
            "behaviour_levels",
            "behaviour_level",
            "behaviour_justification",
            "predikat",
            "note",
            "rated_by_id",
            "rated_at",
            "changed_by_objection",
            "changed_by_calibration",
            "version",
        ]
        evaluation_fields = [f for f in evaluation_fields if _has_field(Evaluation, f)]
        rated_at = timezone.now()

        def evaluation_rows():
            for eid in people:
                work, behaviour = rating(eid)
                values = {
                    "id": eid,
                    "skp_id": eid,
                    "status": "rated",
                    "suggested_work_level": "",
                    "suggestion": {},
                    "work_level": work,
                    "work_justification": "",
                    "behaviour_levels": {},
                    "behaviour_level": behaviour,
                    "behaviour_justification": "",
                    "predikat": rules.predikat(work, behaviour).value,
                    "note": "",
                    "rated_by_id": lines[eid][0],
                    "rated_at": rated_at,
                    "changed_by_objection": False,
                    "changed_by_calibration": False,
                    "version": 2,
                }
                yield [values[f] for f in evaluation_fields]

        insert_rows(Evaluation, evaluation_fields, evaluation_rows())
        orgs = rng.choices(("BAIK", "ISTIMEWA", "BUTUH_PERBAIKAN"), weights=(7, 2, 1), k=len(org["pds"]))
        OrgResult.objects.bulk_create(
            OrgResult(period=period, unit_id=uid, predikat=p, set_by=admin)
            for uid, p in zip(org["pds"], orgs, strict=True)
        )
        _reset_sequences([Skp, Rhk, Indicator, Realisation, Evaluation])
    return period, admin, {"rhk": n * RHK_PER_SKP, "indicators": len(indicators), "realisations": n_real}


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def check_agreement(period, stats, rng: random.Random) -> tuple[int, int, int, float, float]:
    """The bulk results against the per-SKP services on a sample; returns counts and service timings."""
    from org.models import Unit
    from performance import services
    from performance.models import Evaluation, Skp

    ids = rng.sample(sorted(stats.suggestions), min(SAMPLE, len(stats.suggestions)))
    rule = services.rules_for(period)[1]
    start = time.perf_counter()
    rhk_checked = 0
    problems = []
    for pk in ids:
        skp = Skp.objects.prefetch_related("rhks__indicators__realisations").select_related("period").get(pk=pk)
        computed = services.achievements(skp, rule)
        if computed["suggestion"] != stats.suggestions[pk]:
            problems.append(f"SKP {pk}: {computed['suggestion']} != {stats.suggestions[pk]}")
        for row in computed["rhk"]:
            rhk_checked += 1
            if stats.rhk_result(row["rhk"].pk) != row["result"]:
                problems.append(f"RHK {row['rhk'].pk}: {row['result']} != {stats.rhk_result(row['rhk'].pk)}")
    per_skp = (time.perf_counter() - start) / len(ids)
    # What evaluation_rate stores: the suggestion, or for a perangkat daerah's head the unit's result.
    stored = dict(Evaluation.objects.filter(skp_id__in=ids).values_list("skp_id", "suggestion"))
    for skp in Skp.objects.filter(pk__in=ids).select_related("employee__position", "unit"):
        expected = stats.suggestions[skp.pk].to_data() if stats.suggestions[skp.pk] else {}
        head_level = services.unit_head_work_level(skp)
        if head_level is not None:
            expected = {**expected, "level": head_level.value, "reason": "unit_head_org_result"}
        if stored.get(skp.pk) != expected:
            problems.append(f"stored suggestion of SKP {skp.pk} differs")
    start = time.perf_counter()
    units = list(Unit.objects.filter(pk__in=stats.distribution))
    for unit in units:
        if services.unit_distribution(period, unit) != stats.distribution[unit.pk]:
            problems.append(f"distribution of {unit.name} differs")
    per_unit = (time.perf_counter() - start) / max(len(units), 1)
    if problems:
        print("DISAGREEMENT between performance.bulk and the services:\n  " + "\n  ".join(problems[:20]))
        raise SystemExit(1)
    return len(ids), rhk_checked, len(units), per_skp, per_unit


def measure_pages(period) -> None:
    """Queries and latency of the team page and the unit dashboard, for the largest and a small one."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from org.models import Employee, Unit, UnitKind

    def get(url: str, user) -> tuple[int, float, int]:
        client = Client()
        client.force_login(user, backend="accounts.backends.NipOrEmailBackend")
        client.get(url)
        timings = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                status = client.get(url).status_code
                timings.append(time.perf_counter() - start)
        return len(ctx.captured_queries), statistics.median(timings) * 1000, status

    rows = []
    try:
        team_url = reverse("performance:team")
    except NoReverseMatch:
        print("team page: performance:team does not resolve yet; skipped")
    else:
        teams = Employee.objects.annotate(n=Count("team")).filter(n__gt=0).order_by("-n")
        big, small = teams.first(), teams.filter(n__gte=2).order_by("n").first() or teams.last()
        for label, head in (("largest", big), ("small", small)):
            user = User.objects.get(employee=head)
            rows.append((f"team page, {label} team ({head.n} people)", *get(team_url, user)))
    try:
        reverse("performance:unit", args=[1])
    except NoReverseMatch:
        print("unit dashboard: performance:unit does not resolve yet; skipped")
    else:
        admin = User.objects.get(username="admin")
        sizes = {
            unit: Employee.objects.filter(unit__path__startswith=unit.path).count()
            for unit in Unit.objects.filter(kind=UnitKind.PERANGKAT_DAERAH)
        }
        ordered = sorted(sizes, key=sizes.get)
        for label, unit in (("largest", ordered[-1]), ("small", ordered[0])):
            people = sizes[unit]
            url = f"{reverse('performance:unit', args=[unit.pk])}?periode={period.pk}"
            rows.append((f"unit dashboard, {label} unit ({people} people)", *get(url, admin)))
    if rows:
        print(f"\n{'page':<48}{'queries':>8}{'ms':>9}{'status':>8}")
        for name, queries, ms, status in rows:
            print(f"{name:<48}{queries:>8}{ms:>9.0f}{status:>8}")
        pairs = [rows[i : i + 2] for i in range(0, len(rows), 2)]
        for big_row, small_row in (p for p in pairs if len(p) == 2):
            print(
                f"  {big_row[0].split(',')[0]}: queries largest/small {big_row[1] / small_row[1]:.2f}×, "
                f"time {big_row[2] / small_row[2]:.1f}×"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="5,000 employees")
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", ""), help="default: DATABASE_URL")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = 5_000 if args.quick else args.employees

    from bench.databases import fresh_database

    with tempfile.TemporaryDirectory(prefix="terang-bench-year-") as tmpdir:
        url, backend, drop = fresh_database(args.database, Path(tmpdir), "year")
        os.environ.update(
            {
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "terang.settings",
                "DJANGO_DEBUG": "true",
                "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
                "TERANG_VAR_DIR": tmpdir,
            }
        )
        os.environ.pop("TERANG_TESTING", None)
        import django

        django.setup()
        from django.core.management import call_command

        try:
            call_command("migrate", verbosity=0)
            run(n, args.seed, backend)
        finally:
            drop()


def run(n: int, seed: int, backend: str) -> None:
    from django.db import transaction

    from performance.bulk import compute_year

    rng = random.Random(seed)
    start = time.perf_counter()
    with transaction.atomic():
        org = build_org(n, seed)
    org_s = time.perf_counter() - start
    start = time.perf_counter()
    period, admin, sizes = build_year(org, rng)
    year_s = time.perf_counter() - start
    size = f"{org['employees'] // 1000}k" if org["employees"] >= 1000 else str(org["employees"])
    print(f"database: {backend}")
    print(
        f"organisation: {org['employees']:,} employees, {org['units']:,} units, {len(org['pds'])} perangkat daerah "
        f"in {org_s:.1f} s"
    )
    print(
        f"year: {org['employees']:,} SKP, {sizes['rhk']:,} RHK, {sizes['indicators']:,} indicators, "
        f"{sizes['realisations']:,} realisations, {org['employees']:,} ratings in {year_s:.1f} s\n"
    )

    start = time.perf_counter()
    stats = compute_year(period, actor=admin)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    again = compute_year(period, actor=admin)
    warm = time.perf_counter() - start
    label = f"predikat + distribusi {size}"
    print(f"{label}: {cold:.2f} s (target {TARGET_SECONDS:.0f} s, {cold / TARGET_SECONDS:.2f}×)", end="")
    print(f"  {'MET' if cold < TARGET_SECONDS else 'NOT MET'}")
    print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in stats.seconds.items()))
    print(
        f"  written: {stats.updated:,} evaluations ({stats.predikat_changed:,} predikat changed), "
        f"{len(stats.violating_units)} of {len(stats.distribution)} units outside their pattern"
    )
    print(
        f"{label}, again with nothing to change: {warm:.2f} s ({warm / TARGET_SECONDS:.2f}× target), "
        f"{again.updated} written"
    )

    skps, rhks, units, per_skp, per_unit = check_agreement(period, stats, rng)
    services_total = per_skp * stats.skps + per_unit * len(stats.distribution)
    print(
        f"\nagreement with services.achievements / unit_distribution: {skps} SKP, {rhks} RHK, {units} units identical"
    )
    print(
        f"per-SKP service path, extrapolated to {stats.skps:,} SKP: {services_total:.0f} s "
        f"({per_skp * 1000:.1f} ms per SKP); bulk is {services_total / cold:.0f}× faster"
    )
    measure_pages(period)


if __name__ == "__main__":
    main()
