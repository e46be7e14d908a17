"""The performance cycle's services on the real database: each step a user relies on."""

import uuid
from datetime import date, timedelta

import pytest

from audit.models import Event
from performance import services as s
from performance.models import EvaluationStatus, PeriodStatus, SkpStatus

pytestmark = pytest.mark.django_db

ALL_SESUAI = dict.fromkeys(
    ["pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"], "SESUAI"
)


def test_agreed_skp_keeps_every_version_and_a_change_needs_new_agreement(cycle):
    skp = cycle.skp
    assert skp.status == SkpStatus.AGREED
    assert list(skp.versions.values_list("status", flat=True)) == ["submitted", "agreed"]
    s.rhk_save(actor=cycle.city.user("pegawai"), skp=skp, text="RHK baru di tengah tahun", kind="TAMBAHAN")
    skp.refresh_from_db()
    assert skp.status == SkpStatus.DRAFT
    assert Event.objects.filter(action="performance.rhk.create", subject_employee_id=skp.employee_id).count() == 3


def test_stale_version_is_refused(cycle):
    skp = cycle.skp
    with pytest.raises(s.Stale):
        s.rhk_save(actor=cycle.city.user("pegawai"), skp=skp, text="x", expected_version=skp.version - 1)


def test_only_the_penilai_agrees(cycle, city):
    period = cycle.period
    user = city.user("pppk")
    skp = s.skp_start(actor=user, period=period, employee=city.employees["pppk"])
    rhk = s.rhk_save(actor=user, skp=skp, text="Operasional layanan")
    s.indicator_save(
        actor=user,
        rhk=rhk,
        text="Tiket selesai",
        aspect="KUANTITAS",
        kind="KUANTITATIF",
        target_value="100",
        target_unit="tiket",
    )
    skp = s.skp_submit(actor=user, skp=skp)
    with pytest.raises(s.ServiceError):
        s.skp_review(actor=city.user("atasan"), skp=skp, agree=True)
    with pytest.raises(s.ServiceError, match="perbaiki"):
        s.skp_review(actor=city.user("penilai"), skp=skp, agree=False)
    skp = s.skp_review(actor=city.user("penilai"), skp=skp, agree=False, comment="Target terlalu rendah")
    assert skp.status == SkpStatus.RETURNED and skp.return_comment == "Target terlalu rendah"


def test_whole_year_to_objection(cycle, city):
    cycle.to_status(PeriodStatus.DOING)
    tw = cycle.slices()
    pegawai = city.user("pegawai")
    real = s.realisation_save(actor=pegawai, indicator=cycle.quant, slice=tw[3], value="12")
    qreal = s.realisation_save(actor=pegawai, indicator=cycle.qual, slice=tw[3], text="Materi disetujui")
    s.realisation_assess(actor=city.user("penilai"), realisation=qreal, level="SESUAI")
    token = uuid.uuid4()
    first = s.evidence_add_link(
        actor=pegawai, realisation=real, url="https://contoh.example/laporan", client_token=token
    )
    again = s.evidence_add_link(
        actor=pegawai, realisation=real, url="https://contoh.example/laporan", client_token=token
    )
    assert first.pk == again.pk
    cycle.to_status(PeriodStatus.EVALUATION)
    skp = cycle.skp
    with pytest.raises(s.ServiceError, match="alasan"):
        s.evaluation_rate(
            actor=city.user("penilai"),
            skp=skp,
            work_level="SESUAI",
            behaviour_levels=ALL_SESUAI,
            behaviour_level="SESUAI",
        )
    evaluation = s.evaluation_rate(
        actor=city.user("penilai"),
        skp=skp,
        work_level="DI_ATAS",
        behaviour_levels=ALL_SESUAI,
        behaviour_level="SESUAI",
    )
    assert evaluation.suggested_work_level == "DI_ATAS"
    assert evaluation.predikat == "BAIK"
    unit = skp.unit
    dinas = unit.parent.parent
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=dinas, predikat="BAIK")
    with pytest.raises(s.ServiceError, match="alasan"):
        s.unit_finalise(actor=city.user("admin"), period=cycle.period, unit=dinas)
    fin = s.unit_finalise(actor=city.user("admin"), period=cycle.period, unit=dinas, reason="Unit kecil")
    assert fin.violations
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.FINAL
    assert evaluation.credit.points == pytest.approx(12.5)
    published = date(2027, 1, 10)
    assert s.period_publish(actor=city.user("pimpinan"), period=cycle.period, today=published) == 1
    evaluation.refresh_from_db()
    with pytest.raises(s.ServiceError, match="Batas waktu"):
        s.objection_file(
            actor=pegawai,
            evaluation=evaluation,
            reason="Saya keberatan karena bukti belum dilihat",
            today=published + timedelta(days=15),
        )
    objection = s.objection_file(
        actor=pegawai,
        evaluation=evaluation,
        reason="Saya keberatan karena bukti belum dilihat",
        today=published + timedelta(days=14),
    )
    assert objection.reviewer_id == city.employees["atasan"].pk
    decided = s.objection_decide(
        actor=city.user("atasan"),
        objection=objection,
        change=True,
        reason="Bukti kuat",
        work_level="DI_ATAS",
        behaviour_level="DI_ATAS",
    )
    evaluation.refresh_from_db()
    assert decided.changed and decided.original["predikat"] == "BAIK"
    assert evaluation.predikat == "SANGAT_BAIK" and evaluation.changed_by_objection
    with pytest.raises(s.ServiceError, match="final"):
        s.objection_decide(actor=city.user("atasan"), objection=objection, change=False, reason="lagi")


def test_head_of_perangkat_daerah_is_agreed_and_rated_by_the_pimpinan(city):
    from conftest import make_period
    from performance.models import Notification

    period = make_period(city.user("admin"))
    kadis = city.user("kadis")
    skp = s.skp_start(actor=kadis, period=period, employee=city.employees["kadis"])
    rhk = s.rhk_save(actor=kadis, skp=skp, text="Transformasi digital pemerintah kota")
    s.indicator_save(
        actor=kadis,
        rhk=rhk,
        text="Indeks SPBE",
        aspect="KUALITAS",
        kind="KUANTITATIF",
        target_value="3.5",
        target_unit="indeks",
    )
    skp = s.skp_submit(actor=kadis, skp=skp)
    assert skp.penilai_id is None
    assert Notification.objects.filter(recipient=city.user("pimpinan"), url__endswith=f"/skp/{skp.pk}/").exists()
    with pytest.raises(s.ServiceError):
        s.skp_review(actor=city.user("admin"), skp=skp, agree=True)
    skp = s.skp_review(actor=city.user("pimpinan"), skp=skp, agree=True)
    assert skp.status == SkpStatus.AGREED
    # The head's work result follows the organisation's result (Istimewa -> Di Atas).
    s.org_result_set(actor=city.user("pimpinan"), period=period, unit=skp.unit, predikat="ISTIMEWA")
    s.period_set_status(actor=city.user("admin"), period=period, status=PeriodStatus.EVALUATION)
    skp.refresh_from_db()
    with pytest.raises(s.ServiceError, match="alasan"):
        s.evaluation_rate(
            actor=city.user("pimpinan"),
            skp=skp,
            work_level="SESUAI",
            behaviour_levels=ALL_SESUAI,
            behaviour_level="SESUAI",
        )
    evaluation = s.evaluation_rate(
        actor=city.user("pimpinan"),
        skp=skp,
        work_level="DI_ATAS",
        behaviour_levels=ALL_SESUAI,
        behaviour_level="SESUAI",
    )
    assert evaluation.suggestion["reason"] == "unit_head_org_result"


def test_start_twice_makes_one_skp_and_copies_last_year(city):
    from conftest import make_agreed_skp, make_period

    old = make_period(city.user("admin"), year=2025)
    make_agreed_skp(city, old)
    new = make_period(city.user("admin"), year=2026)
    user = city.user("pegawai")
    first = s.skp_start(actor=user, period=new, employee=city.employees["pegawai"], copy_previous=True)
    again = s.skp_start(actor=user, period=new, employee=city.employees["pegawai"], copy_previous=True)
    assert first.pk == again.pk
    assert [r.text for r in first.rhks.all()] == [
        "Layanan aplikasi daerah berjalan andal",
        "Pendampingan literasi digital",
    ]
    assert first.rhks.first().indicators.get().target_value == 10
    with pytest.raises(s.ServiceError):
        s.skp_start(actor=city.user("penilai"), period=new, employee=city.employees["pegawai"])


def test_parent_rhk_must_come_from_the_penilai_skp(cycle, city):
    penilai = city.user("penilai")
    own = s.skp_start(actor=penilai, period=cycle.period, employee=city.employees["penilai"])
    parent = s.rhk_save(actor=penilai, skp=own, text="Seksi layanan: aplikasi andal")
    child = s.rhk_save(actor=city.user("pegawai"), skp=cycle.skp, text="Pemeliharaan aplikasi", parent_id=parent.pk)
    assert child.parent_id == parent.pk
    stranger = s.skp_start(actor=city.user("lain"), period=cycle.period, employee=city.employees["lain"])
    foreign = s.rhk_save(actor=city.user("lain"), skp=stranger, text="Bukan atasan")
    with pytest.raises(s.ServiceError, match="RHK atasan"):
        s.rhk_save(actor=city.user("pegawai"), skp=cycle.skp, text="x", parent_id=foreign.pk)


def test_quantitative_indicator_needs_a_number_target(cycle):
    user = cycle.city.user("pegawai")
    with pytest.raises(s.ServiceError, match="angka"):
        s.indicator_save(
            actor=user,
            rhk=cycle.utama,
            text="x",
            aspect="KUANTITAS",
            kind="KUANTITATIF",
            target_value="sepuluh",
            target_unit="x",
        )
    with pytest.raises(s.ServiceError, match="nol"):
        s.indicator_save(
            actor=user,
            rhk=cycle.utama,
            text="x",
            aspect="KUANTITAS",
            kind="KUANTITATIF",
            target_value="0",
            target_unit="x",
        )


def test_peer_input_is_shown_only_from_three_answers(cycle, city):
    skp = cycle.skp
    people = [city.employees[k] for k in ("pppk", "atasan", "kadis")]
    requests = s.peer_request(actor=city.user("penilai"), skp=skp, respondents=people, relation="peer")
    assert len(requests) == 3
    for i, key in enumerate(("pppk", "atasan")):
        s.peer_answer(actor=city.user(key), request=requests[i], levels=dict.fromkeys(ALL_SESUAI, "DI_ATAS"))
    assert s.peer_summary(skp) == {"n": 2, "shown": False, "minimum": 3}
    with pytest.raises(s.ServiceError):
        s.peer_answer(actor=city.user("pegawai"), request=requests[2], levels=ALL_SESUAI)
    s.peer_answer(actor=city.user("kadis"), request=requests[2], levels=ALL_SESUAI)
    summary = s.peer_summary(skp)
    assert summary["shown"] and summary["overall"] == "DI_ATAS"
    with pytest.raises(s.ServiceError, match="sudah dikirim"):
        s.peer_answer(actor=city.user("kadis"), request=requests[2], levels=ALL_SESUAI)
    # The answer events never name the ratee as subject: their own trail does not reveal who answered.
    assert not Event.objects.filter(action="performance.peer.answer", subject_employee_id=skp.employee_id).exists()


def test_dialog_notifies_the_other_side_and_ignores_a_double_click(cycle, city):
    from performance.models import Message, Notification

    token = uuid.uuid4()
    thread = s.thread_start(
        actor=city.user("pegawai"),
        skp=cycle.skp,
        subject="Target aplikasi",
        body="Mohon arahan",
        rhk=cycle.utama,
        client_token=token,
    )
    s.thread_start(
        actor=city.user("pegawai"),
        skp=cycle.skp,
        subject="Target aplikasi",
        body="Mohon arahan",
        rhk=cycle.utama,
        client_token=token,
    )
    assert Message.objects.filter(thread__skp=cycle.skp).count() == 1
    assert Notification.objects.filter(recipient=city.user("penilai"), url=f"/kinerja/dialog/{thread.pk}/").count() == 1
    s.message_post(actor=city.user("penilai"), thread=thread, body="Fokus pada aplikasi layanan publik")
    assert Notification.objects.filter(recipient=city.user("pegawai"), url=f"/kinerja/dialog/{thread.pk}/").exists()
    with pytest.raises(s.ServiceError):
        s.message_post(actor=city.user("lain"), thread=thread, body="ikut campur")


def test_period_rules_are_data_and_validated(cycle, city):
    from performance import rules

    bad = {"ISTIMEWA": [{"predikat": ["SANGAT_BAIK"], "op": "max", "share": "1.5"}]}
    with pytest.raises(s.ServiceError, match="tidak sah"):
        s.period_set_rules(actor=city.user("admin"), period=cycle.period, distribution_rules=bad, reason="uji")
    changed = {
        **rules.DEFAULT_DISTRIBUTION_RULES,
        "ISTIMEWA": [{"predikat": ["SANGAT_BAIK"], "op": "max", "share": "0.50"}],
    }
    period = s.period_set_rules(
        actor=city.user("admin"), period=cycle.period, distribution_rules=changed, reason="Permen baru"
    )
    assert s.rules_for(period)[0] == rules.parse_distribution_rules(changed)
    with pytest.raises(s.ServiceError):
        s.period_set_rules(actor=city.user("pegawai"), period=cycle.period, distribution_rules=changed, reason="x")


def test_realisation_only_on_agreed_skp_while_the_period_runs(cycle, city):
    tw = cycle.slices()
    with pytest.raises(s.ServiceError, match="Realisasi"):
        s.realisation_save(actor=city.user("pegawai"), indicator=cycle.quant, slice=tw[0], value="3")  # still planning
    cycle.to_status(PeriodStatus.DOING)
    real = s.realisation_save(actor=city.user("pegawai"), indicator=cycle.quant, slice=tw[0], value="3")
    with pytest.raises(s.Stale):
        s.realisation_save(
            actor=city.user("pegawai"), indicator=cycle.quant, slice=tw[0], value="4", expected_version=real.version - 1
        )
    with pytest.raises(s.ServiceError, match="angka"):
        s.realisation_save(actor=city.user("pegawai"), indicator=cycle.quant, slice=tw[0], value="-1")
    with pytest.raises(s.ServiceError):
        s.realisation_save(actor=city.user("penilai"), indicator=cycle.quant, slice=tw[0], value="5")


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_evidence_file_is_checked_by_content_and_kept_privately(cycle, city, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.files import read_private

    settings.PRIVATE_STORAGE_DIR = tmp_path
    cycle.to_status(PeriodStatus.DOING)
    pegawai = city.user("pegawai")
    real = s.realisation_save(actor=pegawai, indicator=cycle.quant, slice=cycle.slices()[0], value="2")
    token = uuid.uuid4()
    ev = s.evidence_add_file(
        actor=pegawai, realisation=real, upload=SimpleUploadedFile("laporan.pdf", PDF), client_token=token
    )
    again = s.evidence_add_file(
        actor=pegawai, realisation=real, upload=SimpleUploadedFile("laporan.pdf", PDF), client_token=token
    )
    assert ev.pk == again.pk and ev.content_type == "application/pdf"
    assert read_private("evidence", ev.stored_name) == PDF
    assert len(list((tmp_path / "evidence").iterdir())) == 1
    exe = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(s.ServiceError) as refused:
        s.evidence_add_file(actor=pegawai, realisation=real, upload=exe)
    assert "berisi program yang dapat dijalankan" in str(refused.value)
    assert len(list((tmp_path / "evidence").iterdir())) == 1  # nothing half-saved
    with pytest.raises(s.ServiceError):
        s.evidence_add_file(actor=city.user("penilai"), realisation=real, upload=SimpleUploadedFile("a.pdf", PDF))
    removed = s.evidence_remove(actor=pegawai, evidence=ev, reason="salah unggah")
    assert removed.removed_at is not None
    assert Event.objects.filter(action="performance.evidence.remove", object_id=str(ev.pk)).exists()


def test_a_published_period_can_only_be_closed(cycle, city):
    cycle.to_status(PeriodStatus.EVALUATION)
    s.period_publish(actor=city.user("pimpinan"), period=cycle.period)
    cycle.period.refresh_from_db()
    with pytest.raises(s.ServiceError, match="hanya dapat ditutup"):
        s.period_set_status(actor=city.user("admin"), period=cycle.period, status=PeriodStatus.EVALUATION)
    closed = s.period_set_status(actor=city.user("admin"), period=cycle.period, status=PeriodStatus.CLOSED)
    assert closed.status == PeriodStatus.CLOSED
    with pytest.raises(s.ServiceError):
        s.period_set_status(actor=city.user("admin"), period=closed, status=PeriodStatus.PLANNING)


def head_objection(city):
    """A published, objected evaluation of a head of perangkat daerah (appraised by the Kepala Daerah)."""
    from conftest import make_period

    period = make_period(city.user("admin"))
    kadis = city.user("kadis")
    skp = s.skp_start(actor=kadis, period=period, employee=city.employees["kadis"])
    rhk = s.rhk_save(actor=kadis, skp=skp, text="Transformasi digital")
    s.indicator_save(
        actor=kadis,
        rhk=rhk,
        text="Indeks",
        aspect="KUALITAS",
        kind="KUANTITATIF",
        target_value="3",
        target_unit="indeks",
    )
    skp = s.skp_review(actor=city.user("pimpinan"), skp=s.skp_submit(actor=kadis, skp=skp), agree=True)
    s.org_result_set(actor=city.user("pimpinan"), period=period, unit=skp.unit, predikat="BAIK")
    period = s.period_set_status(actor=city.user("admin"), period=period, status=PeriodStatus.EVALUATION)
    skp.refresh_from_db()
    evaluation = s.evaluation_rate(
        actor=city.user("pimpinan"), skp=skp, work_level="SESUAI", behaviour_levels=ALL_SESUAI, behaviour_level="SESUAI"
    )
    s.unit_finalise(actor=city.user("admin"), period=period, unit=skp.unit, reason="Kepala saja")
    s.period_publish(actor=city.user("pimpinan"), period=period, today=date(2027, 1, 10))
    evaluation.refresh_from_db()
    return s.objection_file(
        actor=kadis, evaluation=evaluation, reason="Capaian organisasi belum dihitung penuh", today=date(2027, 1, 12)
    )


def test_objection_of_a_head_appraised_by_the_kepala_daerah_is_decided_by_the_pimpinan(city):
    from performance import permissions as perm

    objection = head_objection(city)
    assert objection.reviewer_id is None
    assert not perm.can_decide_objection(city.user("admin"), objection)
    assert perm.can_decide_objection(city.user("pimpinan"), objection)
    decided = s.objection_decide(actor=city.user("pimpinan"), objection=objection, change=False, reason="Sudah sesuai")
    assert decided.status == "decided" and not decided.changed
