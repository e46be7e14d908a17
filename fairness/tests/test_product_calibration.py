"""Calibration sessions: a complete committee, decisions with reasons, originals kept, audited."""

import pytest
from django.urls import reverse

from audit.models import Event
from audit.selectors import events_visible_to
from fairness import services as fs
from fairness.models import CalibrationDecision
from fairness.selectors import calibration_for_evaluation
from fairness.tests.test_product_year import build_year, run_analysis
from org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(city, django_capture_on_commit_callbacks):
    year = build_year(city)
    run_analysis(year, year.user("admin"), capture=django_capture_on_commit_callbacks)
    return year


@pytest.fixture
def session(year):
    kominfo = Unit.objects.get(name="Dinas Kominfo")
    return fs.session_create(actor=year.user("admin"), period=year.period, unit=kominfo, title="Kalibrasi Kominfo 2026")


def complete(session, year):
    admin = year.user("admin")
    fs.session_member_add(actor=admin, session=session, user=admin, kind="admin")
    fs.session_member_add(actor=admin, session=session, user=year.user("pimpinan"), kind="pimpinan")
    fs.session_member_add(actor=admin, session=session, user=year.user("lain"), kind="independen")


def test_no_decision_until_admin_pimpinan_and_independent_members_sit(year, session):
    admin = year.user("admin")
    evaluation = year.skps["data0"].evaluation
    fs.session_member_add(actor=admin, session=session, user=admin, kind="admin")
    fs.session_member_add(actor=admin, session=session, user=year.user("pimpinan"), kind="pimpinan")
    with pytest.raises(fs.ServiceError, match="Belum ada: Anggota independen"):
        fs.calibration_decide(actor=admin, session=session, evaluation=evaluation, decision="keep", reason="Cukup")
    fs.session_member_add(actor=admin, session=session, user=year.user("lain"), kind="independen")
    decision = fs.calibration_decide(
        actor=admin, session=session, evaluation=evaluation, decision="keep", reason="Bukti mendukung"
    )
    assert decision.original["predikat"] == evaluation.predikat
    note = calibration_for_evaluation([evaluation.pk, 999999])[evaluation.pk][0]
    assert not note.changed and note.sentence == "Ditinjau dalam kalibrasi dan tidak diubah. Alasan: Bukti mendukung"
    assert calibration_for_evaluation([]) == {}


def test_members_must_fit_their_kind_and_the_independent_member_must_be_independent(year, session):
    admin = year.user("admin")
    with pytest.raises(fs.ServiceError, match="Pimpinan"):
        fs.session_member_add(actor=admin, session=session, user=year.user("auditor"), kind="pimpinan")
    with pytest.raises(fs.ServiceError, match="tidak boleh bekerja di perangkat daerah"):
        fs.session_member_add(actor=admin, session=session, user=year.user("kadis"), kind="independen")
    with pytest.raises(fs.ServiceError, match="unsur BKPSDM atau pimpinan"):
        fs.session_member_add(actor=admin, session=session, user=year.user("pimpinan"), kind="independen")
    with pytest.raises(fs.ServiceError):
        fs.session_member_add(actor=year.user("pimpinan"), session=session, user=admin, kind="admin")
    whole = fs.session_create(actor=admin, period=year.period, unit=None, title="Kalibrasi kota")
    with pytest.raises(fs.ServiceError, match="pejabat penilai"):
        fs.session_member_add(actor=admin, session=whole, user=year.user("penilai"), kind="independen")
    fs.session_member_add(actor=admin, session=session, user=year.user("auditor"), kind="independen")


def test_adjust_keeps_the_original_changes_the_rating_and_the_employee_sees_why(year, session):
    complete(session, year)
    admin = year.user("admin")
    evaluation = year.skps["data1"].evaluation
    before = (evaluation.work_level, evaluation.behaviour_level, evaluation.predikat)
    assert before[0] == "DI_ATAS"
    decision = fs.calibration_decide(
        actor=admin,
        session=session,
        evaluation=evaluation,
        decision="adjust",
        work_level="SESUAI",
        behaviour_level="SESUAI",
        reason="Capaian RHK 100 %, masukan 360 Sesuai; penilai ditandai murah hati",
    )
    evaluation.refresh_from_db()
    assert (evaluation.work_level, evaluation.behaviour_level, evaluation.predikat) == ("SESUAI", "SESUAI", "BAIK")
    assert evaluation.changed_by_calibration
    assert (decision.original["work_level"], decision.original["predikat"]) == (before[0], before[2])
    assert decision.new_predikat == "BAIK"
    # Both the performance service and the committee's decision are in the employee's own trail.
    ratee = year.user("data1")
    trail = events_visible_to(user=ratee)
    assert trail.filter(action="performance.evaluation.calibrate").exists()
    event = trail.get(action="fairness.calibration.decide")
    assert "penilai ditandai murah hati" in event.reason
    assert event.changes["work_level"] == {"old": "DI_ATAS", "new": "SESUAI"}
    notes = calibration_for_evaluation([evaluation.pk])[evaluation.pk]
    assert notes[0].changed and notes[0].original_work_level == "DI_ATAS"
    assert notes[0].sentence.startswith("Diubah melalui kalibrasi")


def test_employee_sees_the_calibration_in_their_own_history_page(year, session, login):
    complete(session, year)
    evaluation = year.skps["data2"].evaluation
    fs.calibration_decide(
        actor=year.user("admin"),
        session=session,
        evaluation=evaluation,
        decision="adjust",
        work_level="SESUAI",
        behaviour_level="SESUAI",
        reason="Disamakan dengan capaian terukur",
    )
    html = login(year.user("data2")).get(reverse("audit:trail")).content.decode()
    assert "fairness.calibration.decide" in html and "Disamakan dengan capaian terukur" in html


def test_only_an_admin_member_adjusts_and_a_decision_is_made_once(year, session):
    complete(session, year)
    evaluation = year.skps["data0"].evaluation
    with pytest.raises(fs.ServiceError, match="Admin BKPSDM"):
        fs.calibration_decide(
            actor=year.user("pimpinan"),
            session=session,
            evaluation=evaluation,
            decision="adjust",
            work_level="SESUAI",
            behaviour_level="DI_BAWAH",
            reason="x",
        )
    with pytest.raises(fs.ServiceError, match="anggota sesi"):
        fs.calibration_decide(
            actor=year.user("auditor"), session=session, evaluation=evaluation, decision="keep", reason="x"
        )
    with pytest.raises(fs.ServiceError, match="alasan"):
        fs.calibration_decide(
            actor=year.user("pimpinan"), session=session, evaluation=evaluation, decision="keep", reason=" "
        )
    fs.calibration_decide(
        actor=year.user("pimpinan"), session=session, evaluation=evaluation, decision="keep", reason="Ok"
    )
    with pytest.raises(fs.ServiceError, match="sudah diputus"):
        fs.calibration_decide(
            actor=year.user("admin"), session=session, evaluation=evaluation, decision="keep", reason="Ok"
        )
    other = year.skps["data3"].evaluation
    with pytest.raises(fs.ServiceError, match="sama dengan penilaian sekarang"):
        fs.calibration_decide(
            actor=year.user("admin"),
            session=session,
            evaluation=other,
            decision="adjust",
            work_level=other.work_level,
            behaviour_level=other.behaviour_level,
            reason="x",
        )
    fs.session_close(actor=year.user("admin"), session=session)
    with pytest.raises(fs.ServiceError, match="ditutup"):
        fs.calibration_decide(actor=year.user("admin"), session=session, evaluation=other, decision="keep", reason="Ok")


def test_evaluations_outside_the_session_scope_are_refused(year):
    sosial = Unit.objects.get(name="Dinas Sosial")
    admin = year.user("admin")
    session = fs.session_create(actor=admin, period=year.period, unit=sosial, title="Kalibrasi Dinas Sosial")
    fs.session_member_add(actor=admin, session=session, user=admin, kind="admin")
    fs.session_member_add(actor=admin, session=session, user=year.user("pimpinan"), kind="pimpinan")
    fs.session_member_add(actor=admin, session=session, user=year.user("auditor"), kind="independen")
    with pytest.raises(fs.ServiceError, match="tidak termasuk"):
        fs.calibration_decide(
            actor=admin, session=session, evaluation=year.skps["data0"].evaluation, decision="keep", reason="x"
        )


def test_session_page_lists_the_flagged_ratings_and_records_a_decision(year, session, login):
    complete(session, year)
    client = login(year.user("admin"))
    url = reverse("fairness:session", args=[session.pk])
    html = client.get(url).content.decode()
    lenient_name = year.employee("kasi_data").full_name
    for who in ("data0", "data1", "data2", "data3"):
        assert year.employee(who).full_name in html
    assert f"penilai {lenient_name} ditandai murah hati" in html
    evaluation = year.skps["data0"].evaluation
    prefix = f"e{evaluation.pk}"
    missing_reason = client.post(
        reverse("fairness:session_decide", args=[session.pk, evaluation.pk]),
        {f"{prefix}-decision": "adjust", f"{prefix}-work_level": "SESUAI", f"{prefix}-behaviour_level": "SESUAI"},
    )
    assert missing_reason.status_code == 200 and "This field is required" not in missing_reason.content.decode()
    assert not CalibrationDecision.objects.exists()
    response = client.post(
        reverse("fairness:session_decide", args=[session.pk, evaluation.pk]),
        {
            f"{prefix}-decision": "adjust",
            f"{prefix}-work_level": "SESUAI",
            f"{prefix}-behaviour_level": "SESUAI",
            f"{prefix}-reason": "Disesuaikan dengan masukan 360",
        },
    )
    assert response.status_code == 302
    decision = CalibrationDecision.objects.get()
    assert decision.decision == "adjust" and decision.decided_by == year.user("admin")
    html = client.get(url).content.decode()
    assert "Diubah melalui kalibrasi" in html and "Disesuaikan dengan masukan 360" in html
    assert Event.objects.filter(action="fairness.session.member_add", object_id=str(session.pk)).count() == 3


def test_decision_attempt_before_the_committee_is_complete_says_what_is_missing(year, session, login):
    admin = year.user("admin")
    fs.session_member_add(actor=admin, session=session, user=admin, kind="admin")
    evaluation = year.skps["data0"].evaluation
    prefix = f"e{evaluation.pk}"
    client = login(admin)
    html = client.get(reverse("fairness:session", args=[session.pk])).content.decode()
    assert "Sesi belum dapat memutus" in html and "Catat keputusan" not in html
    response = client.post(
        reverse("fairness:session_decide", args=[session.pk, evaluation.pk]),
        {f"{prefix}-decision": "keep", f"{prefix}-reason": "Cukup"},
    )
    assert response.status_code == 200
    assert "anggota belum lengkap" in response.content.decode()
    assert not CalibrationDecision.objects.exists()


def test_member_management_through_the_page(year, session, login):
    client = login(year.user("admin"))
    url = reverse("fairness:session_member_add", args=[session.pk])
    bad = client.post(url, {"username": year.user("kadis").username, "kind": "independen"})
    assert bad.status_code == 200 and "tidak boleh bekerja di perangkat daerah" in bad.content.decode()
    ok = client.post(url, {"username": year.user("auditor").username, "kind": "independen"})
    assert ok.status_code == 302
    member = session.memberships.get()
    client.post(reverse("fairness:session_member_remove", args=[session.pk, member.pk]))
    assert not session.memberships.exists()
    assert Event.objects.filter(action="fairness.session.member_remove").exists()


def test_employee_evaluation_page_shows_the_calibration_beside_the_result(year, session, login):
    from performance.models import Evaluation, EvaluationStatus

    complete(session, year)
    evaluation = year.skps["data1"].evaluation
    fs.calibration_decide(
        actor=year.user("admin"),
        session=session,
        evaluation=evaluation,
        decision="adjust",
        work_level="SESUAI",
        behaviour_level="SESUAI",
        reason="Disamakan dengan capaian terukur",
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.FINAL)  # finalised by HR
    page = login(year.user("data1")).get(f"/kinerja/skp/{evaluation.skp_id}/evaluasi/").content.decode()
    assert "diubah melalui kalibrasi" in page
    assert "Diubah melalui kalibrasi" in page and "Disamakan dengan capaian terukur" in page


def test_the_appraiser_cannot_overwrite_a_calibrated_rating(year, session):
    from performance import services as ps

    complete(session, year)
    evaluation = year.skps["data1"].evaluation
    fs.calibration_decide(
        actor=year.user("admin"),
        session=session,
        evaluation=evaluation,
        decision="adjust",
        work_level="SESUAI",
        behaviour_level="SESUAI",
        reason="Disamakan dengan capaian terukur",
    )
    skp = evaluation.skp
    skp.refresh_from_db()
    levels = dict(evaluation.behaviour_levels)
    with pytest.raises(ps.ServiceError, match="komite kalibrasi"):
        ps.evaluation_rate(
            actor=year.user("kasi_data"),
            skp=skp,
            work_level="DI_ATAS",
            behaviour_levels=levels,
            behaviour_level="DI_ATAS",
            work_justification="x",
            behaviour_justification="x",
        )
    evaluation.refresh_from_db()
    assert (evaluation.work_level, evaluation.behaviour_level) == ("SESUAI", "SESUAI")
