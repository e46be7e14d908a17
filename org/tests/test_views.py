"""The organisation pages as a user drives them: import flow, reporting-line edits, query counts."""

import pytest
from django.urls import reverse

from conftest import base_rows, csv_bytes, roster_row
from org.models import Employee, ImportStatus, RosterImport
from org.services import roster_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload as the page does; the queued check runs when the request's transaction commits."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def _upload(client, data: bytes, name="daftar.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("org:import"), {"file": SimpleUploadedFile(name, data)})

    return _upload


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    def _confirm(client, job, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("org:import_confirm", args=[job.pk]), **kwargs)

    return _confirm


def test_import_page_previews_then_saves_on_confirm(city, login, upload, confirm):
    client = login(city.user("admin"))
    rows = [
        roster_row(
            "199508082020121009",
            "Pegawai Sembilan",
            "L",
            "08/08/1995",
            "III/a",
            "Pranata Komputer Ahli Pertama",
            "Fungsional Ahli Pertama",
            "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan",
            "PNS",
        )
    ]
    response = upload(client, csv_bytes(rows))
    job = RosterImport.objects.get()
    assert response["Location"] == reverse("org:import_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert "Pegawai baru" in page
    assert not Employee.objects.filter(nip="199508082020121009").exists()  # a preview saves nothing
    confirm(client, job)
    assert Employee.objects.filter(nip="199508082020121009").exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    # The uploaded file (personal data) is not kept once it has been applied.
    from core.files import read_private

    with pytest.raises(FileNotFoundError):
        read_private("roster", job.stored_name)
    # A second click finds nothing to confirm and changes nothing.
    response = confirm(client, job, follow=True)
    assert "tidak menunggu konfirmasi" in response.content.decode()
    assert Employee.objects.filter(nip="199508082020121009").count() == 1


def test_import_page_lists_each_bad_row_and_saves_nothing(city, login, upload):
    client = login(city.user("admin"))
    rows = [
        roster_row(
            "199508082020121009",
            "Pegawai Sembilan",
            "L",
            "31/02/1995",
            "III/a",
            "Staf",
            "Pelaksana",
            "Dinas Sosial",
            "PNS",
        )
    ]
    response = upload(client, csv_bytes(rows))
    page = client.get(response["Location"]).content.decode()
    assert "Tidak ada yang disimpan" in page
    assert "TANGGAL_LAHIR" in page
    assert not Employee.objects.filter(nip="199508082020121009").exists()


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(city, login, upload):
    client = login(city.user("admin"))
    response = upload(client, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", name="daftar.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert RosterImport.objects.get().status == ImportStatus.INVALID
    assert "Ada kesalahan" in page


def test_an_upload_over_the_limit_is_refused_and_not_kept(city, login, upload, tmp_path, settings):
    settings.PRIVATE_STORAGE_DIR = tmp_path
    settings.ROSTER_UPLOAD_MAX_BYTES = 1000
    client = login(city.user("admin"))
    response = upload(client, b"NIP,NAMA\n" + b"1" * 5000)
    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
    assert RosterImport.objects.count() == 0
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_the_import_status_partial_is_served_to_htmx(city, login, upload):
    client = login(city.user("admin"))
    response = upload(client, csv_bytes(base_rows()))
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-status"' in partial
    assert "<html" not in partial


def test_admin_overrides_the_penilai_with_a_reason(city, login):
    client = login(city.user("admin"))
    pegawai = city.employees["pegawai"]
    url = reverse("org:employee", args=[pegawai.pk])
    response = client.post(
        url,
        {
            "penilai": "19750202 200112 2 002",
            "atasan_penilai": "",
            "reason": "Tugas khusus",
            "version": pegawai.version,
        },
    )
    assert response.status_code == 302
    pegawai.refresh_from_db()
    assert pegawai.penilai == city.employees["atasan"]
    assert pegawai.penilai_override == city.employees["atasan"]


def test_two_admins_editing_one_reporting_line_do_not_overwrite_each_other(city, login):
    client = login(city.user("admin"))
    pegawai = city.employees["pegawai"]
    url = reverse("org:employee", args=[pegawai.pk])
    stale = pegawai.version
    client.post(url, {"penilai": city.employees["atasan"].nip, "reason": "pertama", "version": stale})
    response = client.post(url, {"penilai": city.employees["kadis"].nip, "reason": "kedua", "version": stale})
    assert response.status_code == 200
    assert "baru saja diubah orang lain" in response.content.decode()
    pegawai.refresh_from_db()
    assert pegawai.penilai == city.employees["atasan"]


def test_an_override_that_would_make_a_cycle_is_refused(city, login):
    client = login(city.user("admin"))
    kasi = city.employees["penilai"]
    response = client.post(
        reverse("org:employee", args=[kasi.pk]),
        {"penilai": city.employees["pegawai"].nip, "reason": "uji", "version": kasi.version},
    )
    assert "melingkar" in response.content.decode()
    kasi.refresh_from_db()
    assert kasi.penilai == city.employees["atasan"]


def test_an_unknown_nip_in_the_override_form_is_explained(city, login):
    client = login(city.user("admin"))
    pegawai = city.employees["pegawai"]
    response = client.post(
        reverse("org:employee", args=[pegawai.pk]),
        {"penilai": "199901012020011999", "reason": "uji", "version": pegawai.version},
    )
    assert "Tidak ada pegawai dengan NIP" in response.content.decode()


def test_employees_cannot_post_to_a_profile(city, login):
    client = login(city.user("penilai"))
    pegawai = city.employees["pegawai"]
    response = client.post(
        reverse("org:employee", args=[pegawai.pk]),
        {"penilai": city.employees["penilai"].nip, "reason": "x", "version": pegawai.version},
    )
    assert response.status_code == 404


def _grow_seksi(n: int) -> None:
    rows = base_rows()
    for i in range(n):
        rows.append(
            roster_row(
                f"19950101202001{1 if i % 2 else 2}{i + 100:03d}",
                f"Staf {i}",
                "P" if i % 2 == 0 else "L",
                "01/01/1995",
                "II/c",
                "Pengolah Data",
                "Pelaksana",
                f"Dinas Kominfo > Bidang Aplikasi > Seksi {i % 3}",
                "PNS",
            )
        )
    assert roster_import(actor=None, data=csv_bytes(rows), filename="besar.csv").ok


PAGES = [
    ("tree", lambda c: reverse("org:tree"), "admin"),
    ("unit", lambda c: reverse("org:unit", args=[c.employees["atasan"].unit_id]), "pegawai"),
    ("employee", lambda c: reverse("org:employee", args=[c.employees["atasan"].pk]), "admin"),
    ("home admin", lambda c: reverse("core:home"), "admin"),
    ("home penilai", lambda c: reverse("core:home"), "atasan"),
    ("audit", lambda c: reverse("audit:trail"), "auditor"),
]


@pytest.mark.parametrize(("name", "url", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_page_query_count_does_not_grow_with_the_organisation(
    city, login, name, url, who, django_assert_max_num_queries
):
    client = login(city.user(who))
    client.get(url(city))  # warm caches that are per-process, not per-page
    with django_assert_max_num_queries(14) as small:
        assert client.get(url(city)).status_code == 200
    _grow_seksi(120)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(city)).status_code == 200


def test_a_huge_upload_is_cut_off_while_streaming(city, login, tmp_path, settings):
    """A 2 GB file must not be read to the end: the guard stops at the limit and says why."""
    settings.PRIVATE_STORAGE_DIR = tmp_path
    settings.ROSTER_UPLOAD_MAX_BYTES = 10_000
    client = login(city.user("admin"))

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("org:import"), {"file": SimpleUploadedFile("besar.csv", b"x" * 200_000)})
    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_the_upload_form_still_checks_csrf(city, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(city.user("admin"), backend="accounts.backends.NipOrEmailBackend")
    response = client.post(reverse("org:import"), {"file": ""})
    assert response.status_code == 403


def test_roster_export_is_audited_and_refused_to_pegawai(city, login):
    from audit.models import Event

    response = login(city.user("auditor")).get(reverse("org:export") + "?format=csv")
    assert response.status_code == 200
    assert b"199004042015032004" in response.content
    event = Event.objects.get(action="org.roster.export")
    assert event.actor_id == city.user("auditor").pk and event.changes["rows"] == 7
    assert login(city.user("pegawai")).get(reverse("org:export")).status_code == 404


def test_admin_deactivates_a_leaver_with_a_reason_and_the_team_gets_a_new_penilai(city, login):
    from accounts.models import User
    from audit.models import Event

    client = login(city.user("admin"))
    penilai = city.employees["penilai"]
    url = reverse("org:employee_active", args=[penilai.pk])
    response = client.post(url, {"active": "", "reason": "", "version": penilai.version}, follow=True)
    assert "Tuliskan alasannya" in response.content.decode()
    client.post(url, {"active": "", "reason": "Pensiun", "version": penilai.version})
    penilai.refresh_from_db()
    assert not penilai.is_active and not User.objects.get(employee=penilai).is_active
    pegawai = Employee.objects.get(pk=city.employees["pegawai"].pk)
    assert pegawai.penilai_id == city.employees["atasan"].pk  # the chain skips the leaver
    assert Event.objects.filter(action="org.employee.deactivate", reason="Pensiun").exists()
    # A stale form (opened before the change) is refused, and a pegawai cannot do this at all.
    stale = client.post(url, {"active": "on", "reason": "Kembali", "version": 1}, follow=True)
    assert "baru saja diubah" in stale.content.decode()
    assert login(city.user("pegawai")).post(url, {"active": "on", "reason": "x", "version": 2}).status_code == 404
