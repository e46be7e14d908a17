"""Every fairness page for every persona (fairness/permissions.py is the one place that decides).

Personas follow conftest.py: `pegawai` and `pppk` are appraised by `penilai`, who is appraised by
`atasan`, who is appraised by `kadis`; `lain` (Dinas Sosial) sits on the calibration committee as
the independent member. The analysis also counts 360 answers by `kadis` and `pppk`, so `pppk` is a
rater without being an appraiser.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from fairness import services as fs
from fairness.models import AnalysisRun, RunStatus
from org.models import Unit
from performance import rules
from performance.models import Evaluation, PeerRequest, Skp

pytestmark = pytest.mark.django_db

VALUES = [code for code, _n, _l in rules.BERAKHLAK]
PERSONAS = [
    "pegawai",
    "pppk",
    "penilai",
    "atasan",
    "kadis",
    "kadis_lain",
    "lain",
    "admin",
    "auditor",
    "panitia",
    "pimpinan",
    "outsider",
]
READERS = {"admin", "auditor", "pimpinan"}
EMPLOYEES = {"pegawai", "pppk", "penilai", "atasan", "kadis", "kadis_lain", "lain"}


def _rate(period, city, who, rater, levels):
    employee = city.employees[who]
    skp = Skp.objects.create(
        period=period,
        employee=employee,
        penilai=city.employees[rater],
        unit=employee.unit,
        position_name=employee.position.name,
        status="agreed",
    )
    behaviour = rules.suggest_behaviour_rating(levels).value
    Evaluation.objects.create(
        skp=skp,
        status="rated",
        work_level="SESUAI",
        behaviour_levels=levels,
        behaviour_level=behaviour,
        predikat=rules.predikat("SESUAI", behaviour).value,
        rated_by=city.user(rater),
        rated_at=timezone.now(),
    )
    return skp


def _answer(skp, city, who, levels):
    PeerRequest.objects.create(
        skp=skp,
        respondent=city.employees[who],
        relation="peer",
        requested_by=city.user("admin"),
        answered_at=timezone.now(),
        levels=levels,
    )


@pytest.fixture
def world(city, django_capture_on_commit_callbacks):
    from conftest import make_period

    admin = city.user("admin")
    period = make_period(admin)
    high = dict(zip(VALUES, ["DI_ATAS", "SESUAI", "DI_ATAS", "SESUAI", "SESUAI", "DI_ATAS", "SESUAI"], strict=True))
    mid = dict.fromkeys(VALUES, "SESUAI")
    low = dict(zip(VALUES, ["SESUAI", "DI_BAWAH", "SESUAI", "SESUAI", "DI_BAWAH", "SESUAI", "SESUAI"], strict=True))
    pegawai = _rate(period, city, "pegawai", "penilai", high)
    pppk = _rate(period, city, "pppk", "penilai", mid)
    kasi = _rate(period, city, "penilai", "atasan", low)
    _answer(pegawai, city, "kadis", mid)
    _answer(pegawai, city, "pppk", high)
    _answer(pppk, city, "kadis", low)
    _answer(kasi, city, "kadis", mid)
    with django_capture_on_commit_callbacks(execute=True):
        run = fs.analysis_start(actor=admin, period=period, unit=None, kind="perilaku")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    kominfo = Unit.objects.get(name="Dinas Kominfo")
    session = fs.session_create(actor=admin, period=period, unit=kominfo, title="Kalibrasi Kominfo")
    fs.session_member_add(actor=admin, session=session, user=city.user("lain"), kind="independen")
    conflict = fs.conflict_declare(
        actor=city.user("pegawai"),
        employee=city.employees["pegawai"],
        other=city.employees["atasan"],
        relation="keluarga",
    )
    return {"period": period, "run": run, "session": session, "conflict": conflict}


def expected(page: str, who: str) -> int:
    if page == "guide":
        return 200
    if page in ("index", "conflicts_all"):
        return 200 if who in READERS else 403
    if page in ("analysis", "sessions", "session"):
        return 200 if who in READERS or who == "lain" else 403
    if page == "my_report":
        return 200 if who in {"pppk", "penilai", "atasan", "kadis", "kadis_lain", "admin"} else 403
    if page == "conflicts":
        return 200 if who in EMPLOYEES or who == "admin" else 403
    raise AssertionError(page)


def test_every_fairness_page_for_every_persona(world, city, client, login):
    urls = {
        "index": reverse("fairness:index"),
        "analysis": reverse("fairness:analysis", args=[world["run"].pk]),
        "my_report": reverse("fairness:my_report"),
        "guide": reverse("fairness:guide"),
        "conflicts": reverse("fairness:conflicts"),
        "conflicts_all": reverse("fairness:conflicts_all"),
        "sessions": reverse("fairness:sessions"),
        "session": reverse("fairness:session", args=[world["session"].pk]),
    }
    for page, url in urls.items():
        assert client.get(url).status_code == 302, f"anonymous {page}"
    wrong = []
    for who in PERSONAS:
        c = login(city.user(who))
        for page, url in urls.items():
            status = c.get(url).status_code
            if status != expected(page, who):
                wrong.append((who, page, status, expected(page, who)))
        c.logout()
    assert not wrong, wrong


def test_only_admin_starts_analyses_and_manages_sessions(world, city, login):
    session = world["session"]
    posts = [
        (reverse("fairness:analysis_start"), {"periode": world["period"].pk, "unit": "", "kind": "hasil_kerja"}),
        (reverse("fairness:session_member_add", args=[session.pk]), {"username": "auditor", "kind": "independen"}),
        (reverse("fairness:session_close", args=[session.pk]), {}),
        (reverse("fairness:sessions"), {"title": "Sesi liar", "unit": "", "periode": world["period"].pk}),
    ]
    for who in PERSONAS:
        if who == "admin":
            continue
        c = login(city.user(who))
        for url, data in posts:
            assert c.post(url, data).status_code == 403, (who, url)
        c.logout()
    assert AnalysisRun.objects.count() == 1 and session.memberships.count() == 1


def test_a_committee_member_cannot_open_another_session(world, city, login):
    other = fs.session_create(
        actor=city.user("admin"), period=world["period"], unit=Unit.objects.get(name="Dinas Sosial"), title="Lain"
    )
    c = login(city.user("lain"))
    assert c.get(reverse("fairness:session", args=[other.pk])).status_code == 404
    assert c.get(reverse("fairness:session", args=[999999])).status_code == 404
    assert "Lain" not in c.get(reverse("fairness:sessions")).content.decode().split("<tbody>")[1]


def test_a_member_reads_only_the_analyses_their_session_draws_on(
    world, city, login, django_capture_on_commit_callbacks
):
    admin = city.user("admin")
    kominfo = Unit.objects.get(name="Dinas Kominfo")
    with django_capture_on_commit_callbacks(execute=True):
        kominfo_run = fs.analysis_start(actor=admin, period=world["period"], unit=kominfo, kind="perilaku")
    sosial = fs.session_create(
        actor=admin, period=world["period"], unit=Unit.objects.get(name="Dinas Sosial"), title="Sosial"
    )
    fs.session_member_add(actor=admin, session=sosial, user=city.user("panitia"), kind="independen")
    assert login(city.user("lain")).get(reverse("fairness:analysis", args=[kominfo_run.pk])).status_code == 200
    c = login(city.user("panitia"))
    assert c.get(reverse("fairness:analysis", args=[kominfo_run.pk])).status_code == 404
    # The whole organisation's analysis covers Dinas Sosial too.
    assert c.get(reverse("fairness:analysis", args=[world["run"].pk])).status_code == 200


def test_conflicts_are_visible_to_the_people_named_and_hr_only(world, city, login):
    conflict = world["conflict"]
    assert conflict.employee == city.employees["pegawai"]
    atasan_page = login(city.user("atasan")).get(reverse("fairness:conflicts")).content.decode()
    assert city.employees["pegawai"].full_name in atasan_page  # named on the other side
    lain_page = login(city.user("lain")).get(reverse("fairness:conflicts")).content.decode()
    assert "Keluarga" not in lain_page.split("<tbody>")[1]
    c = login(city.user("lain"))
    assert c.post(reverse("fairness:conflict_withdraw", args=[conflict.pk])).status_code == 404
    conflict.refresh_from_db()
    assert conflict.withdrawn_at is None
