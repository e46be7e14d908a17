"""The conflict-of-interest registry: who declares for whom, once, audited, withdrawn but kept."""

import pytest
from django.urls import reverse

from audit.models import Event
from fairness import services as fs
from fairness.models import ConflictOfInterest

pytestmark = pytest.mark.django_db


def test_an_employee_declares_their_own_conflict_once_and_it_is_audited(city):
    pegawai, atasan = city.employees["pegawai"], city.employees["atasan"]
    first = fs.conflict_declare(
        actor=city.user("pegawai"), employee=pegawai, other=atasan, relation="keluarga", note="Paman"
    )
    reverse_pair = fs.conflict_declare(actor=city.user("atasan"), employee=atasan, other=pegawai, relation="lainnya")
    assert reverse_pair.pk == first.pk and ConflictOfInterest.objects.count() == 1
    event = Event.objects.get(action="fairness.conflict.declare")
    assert event.subject_employee_id == pegawai.pk and event.changes["hubungan"] == "keluarga"


def test_appraisers_declare_for_their_team_and_nobody_for_strangers(city):
    pegawai, lain = city.employees["pegawai"], city.employees["lain"]
    made = fs.conflict_declare(actor=city.user("penilai"), employee=pegawai, other=lain, relation="hubungan_dekat")
    assert made.declared_by == city.user("penilai")
    with pytest.raises(fs.ServiceError, match="sendiri atau anggota tim"):
        fs.conflict_declare(actor=city.user("pppk"), employee=pegawai, other=lain, relation="keluarga")
    with pytest.raises(fs.ServiceError, match="dua orang"):
        fs.conflict_declare(actor=city.user("pegawai"), employee=pegawai, other=pegawai, relation="keluarga")
    with pytest.raises(fs.ServiceError):
        fs.conflict_declare(actor=city.user("outsider"), employee=pegawai, other=lain, relation="keluarga")
    assert fs.conflict_declare(
        actor=city.user("admin"), employee=lain, other=city.employees["kadis"], relation="keluarga"
    )


def test_withdrawal_keeps_the_row_and_only_the_declarer_side_or_hr_may_withdraw(city):
    pegawai, atasan = city.employees["pegawai"], city.employees["atasan"]
    conflict = fs.conflict_declare(actor=city.user("pegawai"), employee=pegawai, other=atasan, relation="keluarga")
    with pytest.raises(fs.ServiceError):
        fs.conflict_withdraw(actor=city.user("atasan"), conflict=conflict)
    done = fs.conflict_withdraw(actor=city.user("pegawai"), conflict=conflict, reason="Salah pilih orang")
    assert done.withdrawn_at is not None and ConflictOfInterest.objects.filter(pk=conflict.pk).exists()
    assert Event.objects.filter(action="fairness.conflict.withdraw", reason="Salah pilih orang").exists()
    again = fs.conflict_declare(actor=city.user("pegawai"), employee=pegawai, other=atasan, relation="hubungan_dekat")
    assert again.pk != conflict.pk


def test_the_page_offers_self_and_team_and_takes_the_other_by_nip(city, login):
    client = login(city.user("penilai"))
    page = client.get(reverse("fairness:conflicts")).content.decode()
    for who in ("penilai", "pegawai", "pppk"):
        assert city.employees[who].nip in page
    assert city.employees["lain"].nip not in page
    response = client.post(
        reverse("fairness:conflicts"),
        {
            "employee": city.employees["pppk"].pk,
            "other": city.employees["lain"].nip,
            "relation": "keluarga",
            "note": "Saudara kandung",
        },
    )
    assert response.status_code == 302
    assert ConflictOfInterest.objects.get().employee == city.employees["pppk"]
    bad = client.post(
        reverse("fairness:conflicts"),
        {"employee": city.employees["lain"].pk, "other": "199999999999999999", "relation": "keluarga"},
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and "Tidak ada pegawai dengan NIP" in html
    assert html.count('class="errorlist"') == 2 and ConflictOfInterest.objects.count() == 1


def test_hr_records_for_anyone_by_nip_and_lists_all(city, login):
    client = login(city.user("admin"))
    response = client.post(
        reverse("fairness:conflicts"),
        {"employee": city.employees["lain"].nip, "other": city.employees["kadis_lain"].nip, "relation": "lainnya"},
    )
    assert response.status_code == 302
    listing = login(city.user("auditor")).get(reverse("fairness:conflicts_all")).content.decode()
    assert city.employees["kadis_lain"].full_name in listing and "Tarik" not in listing
    conflict = ConflictOfInterest.objects.get()
    client = login(city.user("admin"))
    response = client.post(reverse("fairness:conflict_withdraw", args=[conflict.pk]), {"dari": "semua"})
    assert response.status_code == 302 and response.url == reverse("fairness:conflicts_all")
    conflict.refresh_from_db()
    assert conflict.withdrawn_by == city.user("admin")
