"""The API: token and session auth, the same scoping as the pages, roster import as an upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import api_token_create, api_token_revoke
from conftest import base_rows, csv_bytes, roster_row
from org.models import Employee

pytestmark = pytest.mark.django_db


def _bearer(user):
    _token, plain = api_token_create(actor=user, name="uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def test_api_refuses_anonymous_callers(city, client):
    assert client.get("/api/employees").status_code == 401


def test_token_sees_what_its_user_may_see(city, client):
    response = client.get("/api/employees", **_bearer(city.user("penilai")))
    assert response.status_code == 200
    nips = {e["nip"] for e in response.json()["items"]}
    # The kasi sees themself and the two people they appraise; not the other dinas.
    assert nips == {city.employees[k].nip for k in ("penilai", "pegawai", "pppk")}


def test_admin_token_sees_everyone_with_the_reporting_line(city, client):
    body = client.get("/api/employees?limit=100", **_bearer(city.user("admin"))).json()
    assert body["count"] == 7
    pegawai = next(e for e in body["items"] if e["nip"] == city.employees["pegawai"].nip)
    assert pegawai["penilai"]["nip"] == city.employees["penilai"].nip


def test_a_forbidden_employee_is_indistinguishable_from_a_missing_one(city, client):
    headers = _bearer(city.user("lain"))
    forbidden = client.get(f"/api/employees/{city.employees['pegawai'].pk}", **headers)
    missing = client.get("/api/employees/999999", **headers)
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


def test_a_revoked_token_no_longer_works(city, client):
    token, plain = api_token_create(actor=city.user("admin"), name="uji")
    api_token_revoke(actor=city.user("admin"), token=token)
    assert client.get("/api/units", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


def test_session_writes_need_the_csrf_token(city):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(city.user("admin"), backend="accounts.backends.NipOrEmailBackend")
    response = client.post("/api/roster/imports", {"file": SimpleUploadedFile("a.csv", b"NIP")})
    assert response.status_code in (401, 403)


def test_units_and_positions_are_listed(city, client):
    headers = _bearer(city.user("pegawai"))
    units = client.get("/api/units?limit=100", **headers).json()["items"]
    assert {"Dinas Kominfo", "Seksi Layanan"} <= {u["name"] for u in units}
    positions = client.get("/api/positions?limit=100", **headers).json()["items"]
    assert any(p["name"] == "Kepala Seksi Layanan" and p["is_head"] for p in positions)


def test_roster_import_through_the_api_checks_then_saves_on_confirm(city, client, django_capture_on_commit_callbacks):
    headers = _bearer(city.user("admin"))
    rows = [
        *base_rows(),
        roster_row(
            "199508082020121009",
            "Pegawai Sembilan",
            "L",
            "08/08/1995",
            "III/a",
            "Analis",
            "Pelaksana",
            "Dinas Sosial",
            "PNS",
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/roster/imports", {"file": SimpleUploadedFile("a.csv", csv_bytes(rows))}, **headers)
    assert response.status_code == 202
    job_id = response.json()["id"]
    job = client.get(f"/api/roster/imports/{job_id}", **headers).json()
    assert job["status"] == "ready"
    assert job["summary"]["created"] == 1
    assert not Employee.objects.filter(nip="199508082020121009").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/roster/imports/{job_id}/confirm", **headers).status_code == 202
    assert Employee.objects.filter(nip="199508082020121009").exists()
    assert client.post(f"/api/roster/imports/{job_id}/confirm", **headers).status_code == 409


def test_roster_import_errors_come_back_per_row(city, client, django_capture_on_commit_callbacks):
    headers = _bearer(city.user("admin"))
    rows = base_rows()
    rows[0]["GOL_RUANG"] = "V/z"
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post(
            "/api/roster/imports", {"file": SimpleUploadedFile("a.csv", csv_bytes(rows))}, **headers
        ).json()["id"]
    job = client.get(f"/api/roster/imports/{job_id}", **headers).json()
    assert job["status"] == "invalid"
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(2, "GOL_RUANG")]


def test_only_admins_may_import_through_the_api(city, client):
    response = client.post(
        "/api/roster/imports", {"file": SimpleUploadedFile("a.csv", b"NIP")}, **_bearer(city.user("kadis"))
    )
    assert response.status_code == 404


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/employees" in response.json()["paths"]
