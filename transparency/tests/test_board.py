"""The results board as each persona sees it: permissions, the disclosure policy, own result and
changes, consent, and the query count at two sizes."""

import re

import pytest
from django.urls import reverse

from org.models import Unit
from performance import services as ps
from transparency.models import DisclosurePolicy, EmployeeResult, Recognition
from transparency.services import recognition_unit_for, refresh_aggregates
from transparency.tests.year import grow, grow_by, publish, published_year, rated_year

pytestmark = pytest.mark.django_db

BOARD = reverse("transparency:board")
PERSONAS = ["pegawai", "penilai", "atasan", "kadis", "pppk", "kadis_lain", "lain", "admin", "auditor", "pimpinan"]
# Names of Dinas Kominfo's five, as the roster has them.
KOMINFO = {"kadis": "Kadis Satu", "atasan": "Kabid Dua", "penilai": "Kasi Tiga", "pegawai": "Pegawai Empat"}


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def main_text(response) -> str:
    """The page without its header and menu (which name the logged-in person)."""
    html = response.content.decode()
    main = html[html.index('<main id="isi">') : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def year(city):
    """Published with a third small unit, so Dinas Kominfo's figures can be shown (the remainder
    hidden, Dinas Sosial's 2 and Badan Kecil's 3, is 5 people)."""
    y = rated_year(city)
    grow(y, {"Badan Kecil": 3})
    publish(y)
    refresh_aggregates(y.period)
    return y


def set_policy(mode: str, minimum: int = 5, family: bool = True) -> DisclosurePolicy:
    policy, _created = DisclosurePolicy.objects.update_or_create(
        organisation=Unit.objects.get(depth=0),
        defaults={"board_mode": mode, "min_group_size": minimum, "show_family_percentiles": family},
    )
    return policy


# ---------------------------------------------------------------------------------------------
# Who may open it


@pytest.mark.parametrize("who", [*PERSONAS, "panitia", "outsider"])
def test_board_is_for_asn_and_office_readers_only(year, login, city, who):
    response = login(city.user(who)).get(BOARD)
    expected = 404 if who in ("panitia", "outsider") else 200
    assert response.status_code == expected


def test_anonymous_visitors_are_sent_to_login(year, client):
    response = client.get(BOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_period_is_404(year, login, city):
    assert login(city.user("pegawai")).get(BOARD, {"periode": "99999"}).status_code == 404


# ---------------------------------------------------------------------------------------------
# Own result


def test_the_employee_sees_own_predikat_score_and_percentiles_with_their_explanations(year, login, city):
    page = text(login(city.user("pegawai")).get(BOARD))
    assert "Predikat kinerja: Baik" in page
    assert "4120,00" in page and "Skor = poin predikat × 1.000" in page
    assert "Skor Anda lebih tinggi daripada 75% rekan di Dinas Kominfo (5 orang" in page
    assert "rekan dengan skor sama dihitung setengah" in page
    # Alone in the Pranata Komputer family: hidden, with the reason.
    assert "Tidak ditampilkan: kelompok ini kurang dari 5 orang" in page


def test_family_percentiles_can_be_turned_off_by_policy(year, login, city):
    set_policy("aggregates", family=False)
    page = text(login(city.user("pegawai")).get(BOARD))
    assert "tidak menampilkan persentil dalam rumpun jabatan" in page


def test_a_result_changed_by_objection_shows_the_change_and_its_reason(city, login, django_capture_on_commit_callbacks):
    y = published_year(city)
    objection = ps.objection_file(
        actor=city.user("pegawai"),
        evaluation=y.evaluation("pegawai"),
        reason="Bukti dukung triwulan IV belum dipertimbangkan pejabat penilai.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        ps.objection_decide(
            actor=city.user("atasan"),
            objection=objection,
            change=True,
            reason="Berita acara uji keamanan sah; capaian diakui penuh.",
            work_level="DI_ATAS",
            behaviour_level="DI_ATAS",
        )
    page = text(login(city.user("pegawai")).get(BOARD))
    assert "diubah karena keberatan" in page
    assert "Keberatan Anda dikabulkan: predikat Baik menjadi Sangat Baik." in page
    assert "Berita acara uji keamanan sah" in page


def test_a_calibration_is_shown_with_its_reason(city, login):
    from fairness.models import CalibrationDecision, CalibrationSession

    y = rated_year(city)
    evaluation = y.evaluation("pegawai")
    session = CalibrationSession.objects.create(
        period=y.period, title="Kalibrasi Kominfo", created_by=city.user("admin")
    )
    original, updated = ps.evaluation_calibrate(
        actor=city.user("admin"),
        evaluation=evaluation,
        work_level="DI_ATAS",
        behaviour_level="DI_ATAS",
        reason="Capaian terukur jauh di atas target; penilai terlalu ketat.",
    )
    CalibrationDecision.objects.create(
        session=session,
        evaluation=evaluation,
        decision="adjust",
        original=original,
        new_work_level="DI_ATAS",
        new_behaviour_level="DI_ATAS",
        new_predikat=updated.predikat,
        reason="Capaian terukur jauh di atas target; penilai terlalu ketat.",
        decided_by=city.user("admin"),
    )
    publish(y)
    refresh_aggregates(y.period)
    page = text(login(city.user("pegawai")).get(BOARD))
    assert "diubah melalui kalibrasi" in page
    assert "Diubah melalui kalibrasi: predikat Baik menjadi Sangat Baik" in page
    assert "penilai terlalu ketat" in page


def test_someone_without_a_published_result_is_told_so(year, login, city):
    EmployeeResult.objects.filter(employee=city.employees["pppk"]).delete()
    page = text(login(city.user("pppk")).get(BOARD))
    assert "Anda tidak memiliki hasil yang diumumkan pada periode ini." in page


def test_before_any_publication_the_board_says_so(city, login):
    rated_year(city)
    page = text(login(city.user("pegawai")).get(BOARD))
    assert "Belum ada periode yang hasilnya diumumkan." in page


# ---------------------------------------------------------------------------------------------
# Other people: the disclosure policy


def test_aggregates_only_shows_no_other_name_score_or_pseudonym(year, login, city):
    set_policy("aggregates")
    page = main_text(login(city.user("pegawai")).get(BOARD))
    for who, name in KOMINFO.items():
        if who != "pegawai":
            assert name not in page
    others = EmployeeResult.objects.exclude(employee=city.employees["pegawai"])
    for r in others:
        assert r.pseudonym not in page
        assert f"{r.score:.2f}".replace(".", ",") not in page
    assert "hanya menampilkan angka agregat" in page
    assert "Distribusi predikat di Dinas Kominfo" in page


def test_names_mode_shows_names_with_predikat_but_never_their_scores(year, login, city):
    set_policy("names")
    page = main_text(login(city.user("pegawai")).get(BOARD))
    for name in KOMINFO.values():
        assert name in page
    assert "Kasi Tiga Sangat Baik" in page and "Kabid Dua Butuh Perbaikan" in page
    kasi = EmployeeResult.objects.get(employee=city.employees["penilai"])
    assert "5120,00" not in page and kasi.pseudonym not in page
    assert "Pegawai Tujuh" not in page  # another perangkat daerah's people are not listed


def test_pseudonym_mode_shows_stable_pseudonyms_and_no_names(year, login, city):
    set_policy("pseudonyms")
    client = login(city.user("pegawai"))
    page = main_text(client.get(BOARD))
    for who, name in KOMINFO.items():
        if who != "pegawai":
            assert name not in page
    pseudonyms = list(
        EmployeeResult.objects.filter(perangkat_daerah=year.dinas("pegawai")).values_list("pseudonym", flat=True)
    )
    assert len(pseudonyms) == 5
    for p in pseudonyms:
        assert f"Rekan {p}" in page
    refresh_aggregates(year.period)
    again = main_text(client.get(BOARD))
    assert all(f"Rekan {p}" in again for p in pseudonyms)


def test_a_small_unit_shows_no_list_even_with_names(year, login, city):
    set_policy("names")
    page = main_text(login(city.user("lain")).get(BOARD))
    assert "Papan unit tidak ditampilkan karena kelompoknya kurang dari 5 orang." in page
    assert "Kadis Enam" not in page
    assert "disembunyikan: kurang dari 5 orang" in page


def test_an_employee_cannot_open_another_units_board(year, login, city):
    set_policy("names")
    kominfo = year.dinas("pegawai")
    page = main_text(login(city.user("lain")).get(BOARD, {"unit": kominfo.pk}))
    assert "Kasi Tiga" not in page and "Papan Dinas Sosial" in page


def test_office_readers_may_pick_any_unit_under_the_same_policy(year, login, city):
    set_policy("pseudonyms")
    kominfo = year.dinas("pegawai")
    page = main_text(login(city.user("auditor")).get(BOARD, {"unit": kominfo.pk}))
    assert "Papan Dinas Kominfo" in page and "Kasi Tiga" not in page
    assert login(city.user("auditor")).get(BOARD, {"unit": "99999"}).status_code == 404


# ---------------------------------------------------------------------------------------------
# Recognitions


def test_the_employee_gives_and_withdraws_consent_on_the_board(year, login, city):
    employee = city.employees["pegawai"]
    recognition = Recognition.objects.create(
        employee=employee, unit=recognition_unit_for(employee), title="Inovator layanan digital", year=2025
    )
    client = login(city.user("pegawai"))
    assert "Izinkan tampil di portal publik" in text(client.get(BOARD))
    url = reverse("transparency:recognition_consent", args=[recognition.pk])
    response = client.post(url, {"izin": "ya"}, follow=True)
    assert "Izin diberikan" in text(response)
    recognition.refresh_from_db()
    assert recognition.is_public
    client.post(url, {"izin": "tidak"})
    recognition.refresh_from_db()
    assert not recognition.is_public


@pytest.mark.parametrize("who", ["penilai", "admin", "lain"])
def test_nobody_else_can_reach_the_consent_of_a_recognition(year, login, city, who):
    employee = city.employees["pegawai"]
    recognition = Recognition.objects.create(employee=employee, title="Inovator", year=2025)
    url = reverse("transparency:recognition_consent", args=[recognition.pk])
    assert login(city.user(who)).post(url, {"izin": "ya"}).status_code == 404
    recognition.refresh_from_db()
    assert not recognition.is_public


# ---------------------------------------------------------------------------------------------
# Query counts


@pytest.mark.parametrize("mode", ["aggregates", "names", "pseudonyms"])
def test_board_query_count_does_not_grow_with_the_organisation(city, login, mode, django_assert_max_num_queries):
    set_policy(mode, minimum=2)
    y = published_year(city)
    refresh_aggregates(y.period)
    Recognition.objects.create(employee=city.employees["pegawai"], title="Teladan", year=2025)
    client = login(city.user("pegawai"))
    client.get(BOARD)
    with django_assert_max_num_queries(20) as small:
        assert client.get(BOARD).status_code == 200
    grow_by(y, 60)
    refresh_aggregates(y.period)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(BOARD).status_code == 200
    office = login(city.user("admin"))
    new_unit = Unit.objects.get(name="Dinas Baru 0")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert office.get(BOARD, {"unit": new_unit.pk}).status_code == 200


def test_beranda_shows_my_last_result_with_its_percentile_and_a_link_to_the_board(year, login, city):
    page = text(login(city.user("pegawai")).get("/"))
    assert "Hasil kinerja terakhir saya" in page
    assert "predikat Baik" in page and "Skor Anda lebih tinggi daripada 75% rekan di Dinas Kominfo (5 orang" in page
    # Someone without a published result sees no such card.
    assert "Hasil kinerja terakhir saya" not in text(login(city.user("admin")).get("/"))
