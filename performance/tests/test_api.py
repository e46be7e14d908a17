"""The performance API: the same permissions as the pages, services for every write, errors as {detail}."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import api_token_create, api_token_revoke
from audit.models import Event
from conftest import base_rows, csv_bytes, make_agreed_skp, roster_row
from performance import services as s
from performance.models import PeriodStatus, Skp, SkpStatus

pytestmark = pytest.mark.django_db

ALL_SESUAI = dict.fromkeys(
    ["pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"], "SESUAI"
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _bearer(user) -> dict:
    _token, plain = api_token_create(actor=user, name="uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


@pytest.fixture
def call(client, city):
    """call("pegawai", "post", "/api/kinerja/...", {...}): a request with that persona's Bearer token."""
    headers: dict[str, dict] = {}

    def _call(who: str, method: str, path: str, body=None):
        if who not in headers:
            headers[who] = _bearer(city.user(who))
        if body is None:
            return getattr(client, method)(path, **headers[who])
        return getattr(client, method)(path, data=json.dumps(body), content_type="application/json", **headers[who])

    return _call


def _skp_version(skp) -> int:
    return Skp.objects.get(pk=skp.pk).version


# ---------------------------------------------------------------------------------------------
# Authentication


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/kinerja/periode"),
        ("get", "/api/kinerja/skp"),
        ("get", "/api/kinerja/hasil"),
        ("post", "/api/kinerja/skp"),
        ("put", "/api/kinerja/indikator/1/realisasi/TW1"),
    ],
)
def test_the_kinerja_api_needs_a_token_or_a_session(cycle, client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_bearer_token_reads_what_its_user_may_read_until_revoked(cycle, client, city):
    token, plain = api_token_create(actor=city.user("pegawai"), name="integrasi")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    body = client.get("/api/kinerja/skp", **headers).json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == cycle.skp.pk
    assert body["items"][0]["employee"]["nip"] == city.employees["pegawai"].nip
    api_token_revoke(actor=city.user("pegawai"), token=token)
    assert client.get("/api/kinerja/skp", **headers).status_code == 401
    assert client.get("/api/kinerja/skp", HTTP_AUTHORIZATION="Bearer trg_salah").status_code == 401


def test_the_browser_session_works_too(cycle, login, city):
    client = login(city.user("penilai"))
    response = client.get(f"/api/kinerja/skp/{cycle.skp.pk}")
    assert response.status_code == 200
    assert response.json()["can"]["review"] is False  # already agreed


# ---------------------------------------------------------------------------------------------
# Reads


def test_periods_come_with_their_slices(cycle, call):
    periods = call("pegawai", "get", "/api/kinerja/periode").json()
    assert [p["id"] for p in periods] == [cycle.period.pk]
    assert periods[0]["status"] == "planning" and periods[0]["scheme"] == "TRIWULAN"
    assert [x["code"] for x in periods[0]["slices"]] == ["TW1", "TW2", "TW3", "TW4"]


READERS = {
    "pegawai": 200,
    "penilai": 200,
    "atasan": 200,
    "kadis": 200,
    "admin": 200,
    "auditor": 200,
    "pimpinan": 200,
    "pppk": 404,
    "lain": 404,
    "kadis_lain": 404,
    "panitia": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("who", "status"), READERS.items())
def test_who_may_read_an_skp(cycle, call, who, status):
    detail = call(who, "get", f"/api/kinerja/skp/{cycle.skp.pk}")
    assert detail.status_code == status
    listed = {x["id"] for x in call(who, "get", "/api/kinerja/skp?limit=100").json()["items"]}
    assert (cycle.skp.pk in listed) == (status == 200)
    if status == 404:
        assert detail.json() == call(who, "get", "/api/kinerja/skp/999999").json() == {"detail": "Tidak ditemukan."}


def test_skp_detail_has_the_plan_realisations_and_evidence_metadata_only(cycle, call, city, settings, tmp_path):
    settings.PRIVATE_STORAGE_DIR = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    cycle.to_status(PeriodStatus.DOING)
    pegawai = city.user("pegawai")
    real = s.realisation_save(actor=pegawai, indicator=cycle.quant, slice=cycle.slices()[0], value="4")
    stored = s.evidence_add_file(actor=pegawai, realisation=real, upload=SimpleUploadedFile("laporan.pdf", PDF))
    link = s.evidence_add_link(actor=pegawai, realisation=real, url="https://contoh.example/laporan")
    gone = s.evidence_add_link(actor=pegawai, realisation=real, url="https://contoh.example/lama")
    s.evidence_remove(actor=pegawai, evidence=gone)

    response = call("penilai", "get", f"/api/kinerja/skp/{cycle.skp.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "agreed" and body["version"] == cycle.skp.version
    assert body["penilai"]["nip"] == city.employees["penilai"].nip
    assert [(r["kind"], r["text"]) for r in body["rhk"]] == [
        ("UTAMA", cycle.utama.text),
        ("TAMBAHAN", cycle.tambahan.text),
    ]
    quant = body["rhk"][0]["indicators"][0]
    assert quant["target_value"] == "10.00" and quant["kind"] == "KUANTITATIF" and quant["aspect"] == "KUANTITAS"
    [realisation] = quant["realisations"]
    assert realisation["slice_code"] == "TW1" and realisation["value"] == "4.00" and realisation["version"] == 1
    evidence = {e["id"]: e for e in realisation["evidence"]}
    assert set(evidence) == {stored.pk, link.pk}  # the withdrawn link no longer counts
    assert evidence[stored.pk]["filename"] == "laporan.pdf"
    assert evidence[stored.pk]["content_type"] == "application/pdf" and evidence[stored.pk]["size"] == len(PDF)
    assert evidence[link.pk]["url"] == "https://contoh.example/laporan"
    assert stored.stored_name not in response.content.decode()
    assert str(tmp_path) not in response.content.decode()
    assert not {"stored_name", "path"} & set(evidence[stored.pk])
    assert body["can"] == {
        "edit": False,
        "submit": False,
        "review": False,
        "record_realisation": False,
        "rate": False,
        "view_evaluation": True,
    }
    mine = call("pegawai", "get", f"/api/kinerja/skp/{cycle.skp.pk}").json()["can"]
    assert mine["edit"] and mine["record_realisation"] and not mine["view_evaluation"]


def test_skp_list_filters_and_pages(cycle, call, city):
    pppk = city.user("pppk")
    s.skp_start(actor=pppk, period=cycle.period, employee=city.employees["pppk"])
    team = call("penilai", "get", f"/api/kinerja/skp?period={cycle.period.pk}&limit=1").json()
    assert team["count"] == 2 and len(team["items"]) == 1
    one = call("penilai", "get", f"/api/kinerja/skp?employee_nip={city.employees['pppk'].nip}").json()
    assert [x["employee"]["nip"] for x in one["items"]] == [city.employees["pppk"].nip]
    assert call("lain", "get", "/api/kinerja/skp").json() == {"items": [], "count": 0}
    assert call("auditor", "get", "/api/kinerja/skp").json()["count"] == 2


# ---------------------------------------------------------------------------------------------
# Writes: who may, over the API


def _writes(cycle) -> dict[str, tuple[str, str, dict | None]]:
    """Every write endpoint: method, path and a body that would be valid for the right person."""
    skp, v = cycle.skp, cycle.skp.version
    indicator = {"text": "Indikator", "kind": "KUALITATIF", "target_text": "Diterima", "version": v}
    return {
        "start": ("post", "/api/kinerja/skp", {"period_id": cycle.period.pk}),
        "rhk_create": ("post", f"/api/kinerja/skp/{skp.pk}/rhk", {"text": "RHK", "version": v}),
        "rhk_update": ("put", f"/api/kinerja/rhk/{cycle.utama.pk}", {"text": "RHK", "version": v}),
        "rhk_delete": ("delete", f"/api/kinerja/rhk/{cycle.tambahan.pk}?version={v}", None),
        "indicator_create": ("post", f"/api/kinerja/rhk/{cycle.utama.pk}/indikator", indicator),
        "indicator_update": ("put", f"/api/kinerja/indikator/{cycle.qual.pk}", indicator),
        "indicator_delete": ("delete", f"/api/kinerja/indikator/{cycle.qual.pk}?version={v}", None),
        "submit": ("post", f"/api/kinerja/skp/{skp.pk}/ajukan", {"version": v}),
        "review": ("post", f"/api/kinerja/skp/{skp.pk}/tinjau", {"agree": True, "version": v}),
        "realisation": (
            "put",
            f"/api/kinerja/indikator/{cycle.quant.pk}/realisasi/TW1",
            {"value": "3", "version": None},
        ),
        "evidence": (
            "post",
            f"/api/kinerja/indikator/{cycle.quant.pk}/realisasi/TW1/bukti",
            {"url": "https://contoh.example/x"},
        ),
        "rate": (
            "post",
            f"/api/kinerja/skp/{skp.pk}/evaluasi",
            {
                "work_level": "SESUAI",
                "behaviour_levels": ALL_SESUAI,
                "behaviour_level": "SESUAI",
                "work_justification": "x",
                "behaviour_justification": "x",
                "version": None,
            },
        ),
    }


# Who may use each write: the SKP's employee ("owner") or its pejabat penilai.
WRITE_ACTORS = {
    "rhk_create": "owner",
    "rhk_update": "owner",
    "rhk_delete": "owner",
    "indicator_create": "owner",
    "indicator_update": "owner",
    "indicator_delete": "owner",
    "submit": "owner",
    "review": "penilai",
    "realisation": "owner",
    "evidence": "owner",
    "rate": "penilai",
}
# Everyone else who can see the SKP gets 403; whoever cannot see it gets 404.
REFUSED = {
    "auditor": 403,  # reads everything, writes nothing
    "admin": 403,
    "pimpinan": 403,
    "atasan": 403,  # sees the SKP as atasan penilai; neither plans nor rates it
    "kadis": 403,  # head of the dinas: reads its SKPs
    "penilai": 403,
    "pegawai": 403,
    "lain": 404,
    "pppk": 404,
    "outsider": 404,
}
OWN_PERSONA = {"owner": "pegawai", "penilai": "penilai"}


@pytest.mark.parametrize(
    ("key", "who", "expected"),
    [
        (key, who, status)
        for key, actor in WRITE_ACTORS.items()
        for who, status in REFUSED.items()
        if who != OWN_PERSONA[actor]
    ],
)
def test_write_refusals(cycle, call, key, who, expected):
    method, path, body = _writes(cycle)[key]
    call(who, "get", "/api/kinerja/periode")  # the token (and its audit event) exists before we count
    before = (_skp_version(cycle.skp), Event.objects.count())
    response = call(who, method, path, body)
    assert response.status_code == expected, response.content
    assert response.json()["detail"] in ("Anda tidak berwenang melakukan ini.", "Tidak ditemukan.")
    assert (_skp_version(cycle.skp), Event.objects.count()) == before


@pytest.mark.parametrize("who", ["auditor", "admin", "outsider"])
def test_only_an_employee_starts_their_own_skp(cycle, call, who):
    method, path, body = _writes(cycle)["start"]
    assert call(who, method, path, body).status_code == 403


def test_starting_twice_returns_the_same_skp(cycle, call, city):
    first = call("pppk", "post", "/api/kinerja/skp", {"period_id": cycle.period.pk})
    assert first.status_code == 201 and first.json()["status"] == "draft"
    again = call("pppk", "post", "/api/kinerja/skp", {"period_id": cycle.period.pk})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert call("pppk", "post", "/api/kinerja/skp", {"period_id": 999999}).status_code == 404


def test_starting_in_a_closed_period_is_a_400_with_the_reason(cycle, call):
    cycle.to_status(PeriodStatus.EVALUATION)
    response = call("pppk", "post", "/api/kinerja/skp", {"period_id": cycle.period.pk})
    assert response.status_code == 400
    assert "ditutup" in response.json()["detail"]


# ---------------------------------------------------------------------------------------------
# The planning flow over the API: plan → submit → return → fix → submit → agree


def test_plan_submit_return_and_agree_over_the_api(cycle, call, city):
    started = call("pppk", "post", "/api/kinerja/skp", {"period_id": cycle.period.pk}).json()
    skp_id, version = started["id"], started["version"]

    # Submitting an empty plan is refused with the reason.
    empty = call("pppk", "post", f"/api/kinerja/skp/{skp_id}/ajukan", {"version": version})
    assert empty.status_code == 400 and "RHK utama" in empty.json()["detail"]

    rhk = call("pppk", "post", f"/api/kinerja/skp/{skp_id}/rhk", {"text": "Operasional layanan", "version": version})
    assert rhk.status_code == 201
    rhk_id, version = rhk.json()["rhk"]["id"], rhk.json()["skp"]["version"]
    assert rhk.json()["rhk"]["kind"] == "UTAMA" and rhk.json()["rhk"]["indicators"] == []

    bad = call(
        "pppk",
        "post",
        f"/api/kinerja/rhk/{rhk_id}/indikator",
        {"text": "Tiket selesai", "target_value": "0", "target_unit": "tiket", "version": version},
    )
    assert bad.status_code == 400 and "nol" in bad.json()["detail"]
    ind = call(
        "pppk",
        "post",
        f"/api/kinerja/rhk/{rhk_id}/indikator",
        {"text": "Tiket selesai", "target_value": "120,5", "target_unit": "tiket", "version": version},
    )
    assert ind.status_code == 201
    assert ind.json()["indicator"]["target_value"] == "120.50"
    version = ind.json()["skp"]["version"]
    ind_id = ind.json()["indicator"]["id"]
    changed = call(
        "pppk",
        "put",
        f"/api/kinerja/indikator/{ind_id}",
        {"text": "Tiket selesai tepat waktu", "target_value": 100, "target_unit": "tiket", "version": version},
    )
    assert changed.status_code == 200 and changed.json()["indicator"]["target_value"] == "100.00"
    version = changed.json()["skp"]["version"]

    submitted = call("pppk", "post", f"/api/kinerja/skp/{skp_id}/ajukan", {"version": version})
    assert submitted.status_code == 200
    assert (
        submitted.json()["status"] == "submitted"
        and submitted.json()["penilai"]["nip"] == city.employees["penilai"].nip
    )
    version = submitted.json()["version"]
    # Submitted: the employee can no longer edit, and says why.
    locked = call("pppk", "put", f"/api/kinerja/rhk/{rhk_id}", {"text": "Ubah", "version": version})
    assert locked.status_code == 400 and "tidak dapat diubah" in locked.json()["detail"]
    assert call("penilai", "get", f"/api/kinerja/skp/{skp_id}").json()["can"]["review"] is True

    no_comment = call("penilai", "post", f"/api/kinerja/skp/{skp_id}/tinjau", {"agree": False, "version": version})
    assert no_comment.status_code == 400 and "perbaiki" in no_comment.json()["detail"]
    returned = call(
        "penilai",
        "post",
        f"/api/kinerja/skp/{skp_id}/tinjau",
        {"agree": False, "comment": "Tambahkan RHK tambahan", "version": version},
    )
    assert returned.json()["status"] == "returned" and returned.json()["return_comment"] == "Tambahkan RHK tambahan"
    version = returned.json()["version"]

    extra = call(
        "pppk",
        "post",
        f"/api/kinerja/skp/{skp_id}/rhk",
        {"text": "Dokumentasi layanan", "kind": "TAMBAHAN", "version": version},
    )
    extra_id, version = extra.json()["rhk"]["id"], extra.json()["skp"]["version"]
    deleted = call("pppk", "delete", f"/api/kinerja/rhk/{extra_id}?version={version}")
    assert deleted.status_code == 200 and deleted.json()["version"] == version + 1
    version = deleted.json()["version"]
    again = call("pppk", "post", f"/api/kinerja/skp/{skp_id}/ajukan", {"version": version})
    version = again.json()["version"]
    agreed = call("penilai", "post", f"/api/kinerja/skp/{skp_id}/tinjau", {"agree": True, "version": version})
    assert agreed.status_code == 200
    assert agreed.json()["status"] == "agreed" and agreed.json()["agreed_version"] == 4

    skp = Skp.objects.get(pk=skp_id)
    assert skp.status == SkpStatus.AGREED
    assert list(skp.versions.values_list("status", flat=True)) == ["submitted", "returned", "submitted", "agreed"]
    assert Event.objects.filter(action="performance.skp.agree", subject_employee_id=skp.employee_id).count() == 1


def test_a_change_after_agreement_needs_a_new_agreement(cycle, call):
    response = call(
        "pegawai",
        "put",
        f"/api/kinerja/rhk/{cycle.utama.pk}",
        {"text": "Layanan aplikasi daerah berjalan andal dan aman", "version": cycle.skp.version},
    )
    assert response.status_code == 200
    assert response.json()["skp"] == {"id": cycle.skp.pk, "status": "draft", "version": cycle.skp.version + 1}
    assert response.json()["rhk"]["text"].endswith("dan aman")


def test_indicator_with_a_realisation_cannot_be_deleted(cycle, call, city):
    cycle.to_status(PeriodStatus.DOING)
    s.realisation_save(actor=city.user("pegawai"), indicator=cycle.quant, slice=cycle.slices()[0], value="1")
    response = call("pegawai", "delete", f"/api/kinerja/indikator/{cycle.quant.pk}?version={cycle.skp.version}")
    assert response.status_code == 400 and "realisasi" in response.json()["detail"]


def test_bad_enum_values_are_refused_before_the_service(cycle, call):
    response = call(
        "pegawai",
        "post",
        f"/api/kinerja/skp/{cycle.skp.pk}/rhk",
        {"text": "RHK", "kind": "LAINNYA", "version": cycle.skp.version},
    )
    assert response.status_code == 422


# ---------------------------------------------------------------------------------------------
# Stale versions


def test_a_stale_version_is_409_and_changes_nothing(cycle, call):
    skp = cycle.skp
    stale = skp.version - 1
    cases = [
        ("post", f"/api/kinerja/skp/{skp.pk}/rhk", {"text": "RHK", "version": stale}),
        ("put", f"/api/kinerja/rhk/{cycle.utama.pk}", {"text": "RHK", "version": stale}),
        ("delete", f"/api/kinerja/rhk/{cycle.tambahan.pk}?version={stale}", None),
        (
            "put",
            f"/api/kinerja/indikator/{cycle.qual.pk}",
            {"text": "x", "kind": "KUALITATIF", "target_text": "y", "version": stale},
        ),
        ("delete", f"/api/kinerja/indikator/{cycle.qual.pk}?version={stale}", None),
    ]
    for method, path, body in cases:
        response = call("pegawai", method, path, body)
        assert response.status_code == 409, (path, response.content)
        assert "diubah orang lain" in response.json()["detail"]
    assert _skp_version(skp) == skp.version


def test_submit_and_review_with_a_stale_version_are_409(cycle, call, city):
    rhk = call("pegawai", "put", f"/api/kinerja/rhk/{cycle.utama.pk}", {"text": "RHK", "version": cycle.skp.version})
    version = rhk.json()["skp"]["version"]
    assert (
        call("pegawai", "post", f"/api/kinerja/skp/{cycle.skp.pk}/ajukan", {"version": version - 1}).status_code == 409
    )
    submitted = call("pegawai", "post", f"/api/kinerja/skp/{cycle.skp.pk}/ajukan", {"version": version}).json()
    stale = call("penilai", "post", f"/api/kinerja/skp/{cycle.skp.pk}/tinjau", {"agree": True, "version": version})
    assert stale.status_code == 409
    assert Skp.objects.get(pk=cycle.skp.pk).status == SkpStatus.SUBMITTED
    ok = call(
        "penilai", "post", f"/api/kinerja/skp/{cycle.skp.pk}/tinjau", {"agree": True, "version": submitted["version"]}
    )
    assert ok.json()["status"] == "agreed"


# ---------------------------------------------------------------------------------------------
# Realisation and evidence


def test_realisation_is_saved_per_slice_with_its_version(cycle, call):
    path = f"/api/kinerja/indikator/{cycle.quant.pk}/realisasi/TW2"
    early = call("pegawai", "put", path, {"value": "3", "version": None})
    assert early.status_code == 400 and "periode berjalan" in early.json()["detail"]

    cycle.to_status(PeriodStatus.DOING)
    first = call("pegawai", "put", path, {"value": "7,5", "text": "Tujuh aplikasi", "version": None})
    assert first.status_code == 200
    assert first.json()["slice_code"] == "TW2" and first.json()["value"] == "7.50" and first.json()["version"] == 1
    # A second client that also thought there was none yet is told someone saved first.
    assert call("pegawai", "put", path, {"value": "8", "version": None}).status_code == 409
    second = call("pegawai", "put", path, {"value": 8, "version": 1})
    assert second.json()["value"] == "8.00" and second.json()["version"] == 2
    assert call("pegawai", "put", path, {"value": "9", "version": 1}).status_code == 409
    assert call("pegawai", "put", path, {"value": "-1", "version": 2}).status_code == 400
    assert (
        call("pegawai", "put", f"/api/kinerja/indikator/{cycle.quant.pk}/realisasi/S1", {"version": None}).status_code
        == 404
    )

    detail = call("penilai", "get", f"/api/kinerja/skp/{cycle.skp.pk}").json()
    [real] = detail["rhk"][0]["indicators"][0]["realisations"]
    assert (real["slice_code"], real["value"], real["version"]) == ("TW2", "8.00", 2)


def test_evidence_links_are_added_once_per_token(cycle, call):
    cycle.to_status(PeriodStatus.DOING)
    base = f"/api/kinerja/indikator/{cycle.quant.pk}/realisasi/TW1"
    none_yet = call("pegawai", "post", f"{base}/bukti", {"url": "https://contoh.example/a"})
    assert none_yet.status_code == 400 and "realisasi" in none_yet.json()["detail"]
    call("pegawai", "put", base, {"value": "2", "version": None})
    token = str(uuid.uuid4())
    first = call("pegawai", "post", f"{base}/bukti", {"url": "https://contoh.example/a", "client_token": token})
    again = call("pegawai", "post", f"{base}/bukti", {"url": "https://contoh.example/a", "client_token": token})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["kind"] == "link"
    bad = call("pegawai", "post", f"{base}/bukti", {"url": "ftp://contoh.example/a"})
    assert bad.status_code == 400 and "https://" in bad.json()["detail"]


# ---------------------------------------------------------------------------------------------
# Evaluation


def _evaluation_ready(cycle, city):
    cycle.to_status(PeriodStatus.DOING)
    pegawai = city.user("pegawai")
    tw = cycle.slices()
    s.realisation_save(actor=pegawai, indicator=cycle.quant, slice=tw[3], value="12")
    qual = s.realisation_save(actor=pegawai, indicator=cycle.qual, slice=tw[3], text="Materi disetujui")
    s.realisation_assess(actor=city.user("penilai"), realisation=qual, level="SESUAI")
    cycle.to_status(PeriodStatus.EVALUATION)


def _rating(work="DI_ATAS", version=None, **extra):
    return {"work_level": work, "behaviour_levels": ALL_SESUAI, "behaviour_level": "SESUAI", "version": version} | extra


def test_the_evaluation_is_hidden_from_the_employee_until_final(cycle, call, city):
    _evaluation_ready(cycle, city)
    path = f"/api/kinerja/skp/{cycle.skp.pk}/evaluasi"
    assert call("pegawai", "get", path).status_code == 404
    assert call("lain", "get", path).status_code == 404

    before = call("penilai", "get", path).json()
    assert before["status"] == "open" and before["version"] is None and before["predikat"] is None
    assert before["suggestion"]["level"] == "DI_ATAS"
    utama, tambahan = before["achievements"]
    assert utama["kind"] == "UTAMA" and utama["level"] == "DI_ATAS"
    assert utama["indicators"][0]["capaian"] == "120.00"
    assert tambahan["indicators"][0]["level"] == "SESUAI"

    differs = call("penilai", "post", path, _rating("SESUAI"))
    assert differs.status_code == 400 and "alasan" in differs.json()["detail"]
    rated = call("penilai", "post", path, _rating())
    assert rated.status_code == 200
    assert rated.json()["status"] == "rated" and rated.json()["predikat"] == "BAIK"
    assert rated.json()["suggested_work_level"] == "DI_ATAS"
    version = rated.json()["version"]
    # Rated but not final: still hidden from the employee, visible to the line and the office.
    assert call("pegawai", "get", path).status_code == 404
    assert call("atasan", "get", path).json()["predikat"] == "BAIK"
    assert call("auditor", "get", path).json()["predikat"] == "BAIK"
    assert call("auditor", "post", path, _rating(version=version)).status_code == 403
    assert call("pegawai", "post", path, _rating(version=version)).status_code == 403

    # Optimistic locking on the evaluation: null means "not rated yet".
    assert call("penilai", "post", path, _rating(version=None)).status_code == 409
    assert call("penilai", "post", path, _rating(version=version - 1)).status_code == 409
    rerated = call(
        "penilai", "post", path, _rating("SESUAI", version=version, work_justification="Satu aplikasi tertunda")
    )
    assert rerated.status_code == 200 and rerated.json()["version"] == version + 1

    dinas = cycle.skp.unit.parent.parent
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=dinas, predikat="BAIK")
    s.unit_finalise(actor=city.user("admin"), period=cycle.period, unit=dinas, reason="Unit kecil")
    final = call("pegawai", "get", path)
    assert final.status_code == 200
    assert final.json()["status"] == "final" and final.json()["predikat"] == "BAIK"
    assert final.json()["work_justification"] == "Satu aplikasi tertunda"
    locked = call("penilai", "post", path, _rating(version=final.json()["version"]))
    assert locked.status_code == 400 and locked.json()["detail"]


@pytest.mark.parametrize(("who", "status"), READERS.items())
def test_who_may_read_a_rated_evaluation(cycle, call, city, who, status):
    _evaluation_ready(cycle, city)
    s.evaluation_rate(
        actor=city.user("penilai"),
        skp=cycle.skp,
        work_level="DI_ATAS",
        behaviour_levels=ALL_SESUAI,
        behaviour_level="SESUAI",
    )
    expected = 404 if who == "pegawai" else status  # the employee waits for the final result
    response = call(who, "get", f"/api/kinerja/skp/{cycle.skp.pk}/evaluasi")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["predikat"] == "BAIK"


# ---------------------------------------------------------------------------------------------
# Results and distribution


def _grow_team(city, period, extra: int) -> list[Skp]:
    """Add `extra` employees to the seksi (through the roster import) with agreed SKPs."""
    from accounts.models import User
    from org.models import Employee
    from org.services import roster_import

    rows = base_rows()
    nips = [f"199301012019011{i + 10:03d}" for i in range(extra)]
    for i, nip in enumerate(nips):
        rows.append(
            roster_row(
                nip,
                f"Staf Tambahan {i}",
                "L",
                "01/01/1993",
                "III/a",
                "Analis Layanan",
                "Pelaksana",
                "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan",
                "PNS",
            )
        )
    result = roster_import(actor=None, data=csv_bytes(rows), filename="tambah.csv")
    assert result.ok, [e.message for e in result.errors]
    skps = []
    for i, nip in enumerate(nips):
        key = f"staf{i}"
        city.employees[key] = Employee.objects.get(nip=nip)
        city.users[key] = User.objects.get(employee=city.employees[key])
        skps.append(make_agreed_skp(city, period, who=key)[0])
    return skps


def _rate_all(city, period):
    for skp in Skp.objects.filter(period=period, status=SkpStatus.AGREED):
        s.evaluation_rate(
            actor=city.user("penilai"),
            skp=skp,
            work_level="SESUAI",
            behaviour_levels=ALL_SESUAI,
            behaviour_level="SESUAI",
            work_justification="Dinilai dari bukti",
            behaviour_justification="Dinilai dari pengamatan",
        )


def _hasil_queries(call, who, path) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = call(who, "get", path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("who", ["admin", "penilai", "pegawai"])
def test_results_take_the_same_number_of_queries_at_two_sizes(cycle, call, city, who, django_assert_max_num_queries):
    cycle.to_status(PeriodStatus.DOING)
    cycle.to_status(PeriodStatus.EVALUATION)
    _rate_all(city, cycle.period)
    seksi = cycle.skp.unit
    path = f"/api/kinerja/hasil?period={cycle.period.pk}&unit={seksi.parent.parent.pk}&limit=100"
    call(who, "get", "/api/kinerja/periode")  # the token is made outside the counted requests
    with django_assert_max_num_queries(10):
        small, small_body = _hasil_queries(call, who, path)

    cycle.to_status(PeriodStatus.DOING)
    _grow_team(city, cycle.period, 6)
    cycle.to_status(PeriodStatus.EVALUATION)
    _rate_all(city, cycle.period)
    with django_assert_max_num_queries(10):
        large, large_body = _hasil_queries(call, who, path)
    assert small == large, (small, large)
    if who == "pegawai":
        assert small_body["count"] == large_body["count"] == 1
    else:
        assert large_body["count"] == small_body["count"] + 6
        assert all(r["evaluation"]["predikat"] == "BAIK" for r in large_body["items"])


def test_results_follow_what_each_caller_may_read(cycle, call, city):
    _evaluation_ready(cycle, city)
    s.evaluation_rate(
        actor=city.user("penilai"),
        skp=cycle.skp,
        work_level="DI_ATAS",
        behaviour_levels=ALL_SESUAI,
        behaviour_level="SESUAI",
    )
    path = f"/api/kinerja/hasil?period={cycle.period.pk}"
    [own] = call("pegawai", "get", path).json()["items"]
    assert own["skp_id"] == cycle.skp.pk and own["evaluation"] is None  # not final yet
    [team] = call("penilai", "get", path).json()["items"]
    assert team["evaluation"]["predikat"] == "BAIK" and team["evaluation"]["status"] == "rated"
    assert team["unit"]["name"] == "Seksi Layanan" and team["skp_status"] == "agreed"
    assert call("lain", "get", path).json()["count"] == 0
    other_dinas = city.employees["lain"].unit_id
    assert call("admin", "get", f"{path}&unit={other_dinas}").json()["count"] == 0
    assert call("admin", "get", f"{path}&unit={cycle.skp.unit_id}").json()["count"] == 1
    assert call("admin", "get", f"{path}&unit=999999").status_code == 404

    dinas = cycle.skp.unit.parent.parent
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=dinas, predikat="BAIK")
    s.unit_finalise(actor=city.user("admin"), period=cycle.period, unit=dinas, reason="Unit kecil")
    [own] = call("pegawai", "get", path).json()["items"]
    assert own["evaluation"] == {
        "status": "final",
        "work_level": "DI_ATAS",
        "behaviour_level": "SESUAI",
        "predikat": "BAIK",
        "published_on": None,
        "changed_by_objection": False,
    }


def test_distribution_is_for_office_roles(cycle, call, city):
    _evaluation_ready(cycle, city)
    s.evaluation_rate(
        actor=city.user("penilai"),
        skp=cycle.skp,
        work_level="DI_ATAS",
        behaviour_levels=ALL_SESUAI,
        behaviour_level="SESUAI",
    )
    dinas = cycle.skp.unit.parent.parent
    path = f"/api/kinerja/unit/{dinas.pk}/distribusi?period={cycle.period.pk}"
    unset = call("admin", "get", path).json()
    assert unset["org_predikat"] is None and unset["total"] == 1 and unset["violations"] == []
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=dinas, predikat="BAIK")
    body = call("auditor", "get", path).json()
    assert body["org_predikat"] == "BAIK" and body["counts"]["BAIK"] == 1 and body["total"] == 1
    assert {(lim["op"], tuple(lim["predikat"])) for lim in body["limits"]} == {
        ("max", ("BAIK",)),
        ("some", ("BUTUH_PERBAIKAN", "KURANG")),
    }
    baik = next(lim for lim in body["limits"] if lim["op"] == "max")
    assert baik["share"] == "0.70" and baik["count"] == 1 and baik["allowed"] == 0 and baik["holds"] is False
    assert {tuple(v["predikat"]) for v in body["violations"]} == {("BAIK",), ("BUTUH_PERBAIKAN", "KURANG")}
    for who in ("pegawai", "penilai", "kadis", "panitia"):
        assert call(who, "get", path).status_code == 403
    assert call("admin", "get", f"/api/kinerja/unit/999999/distribusi?period={cycle.period.pk}").status_code == 404


# ---------------------------------------------------------------------------------------------
# OpenAPI


def test_the_openapi_document_lists_the_kinerja_operations(client):
    doc = client.get("/api/openapi.json").json()
    paths = doc["paths"]
    expected = {
        "/api/kinerja/periode": {"get"},
        "/api/kinerja/skp": {"get", "post"},
        "/api/kinerja/skp/{skp_id}": {"get"},
        "/api/kinerja/skp/{skp_id}/rhk": {"post"},
        "/api/kinerja/rhk/{rhk_id}": {"put", "delete"},
        "/api/kinerja/rhk/{rhk_id}/indikator": {"post"},
        "/api/kinerja/indikator/{indicator_id}": {"put", "delete"},
        "/api/kinerja/skp/{skp_id}/ajukan": {"post"},
        "/api/kinerja/skp/{skp_id}/tinjau": {"post"},
        "/api/kinerja/indikator/{indicator_id}/realisasi/{slice_code}": {"put"},
        "/api/kinerja/indikator/{indicator_id}/realisasi/{slice_code}/bukti": {"post"},
        "/api/kinerja/skp/{skp_id}/evaluasi": {"get", "post"},
        "/api/kinerja/hasil": {"get"},
        "/api/kinerja/unit/{unit_id}/distribusi": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) >= methods, path
        for method in methods:
            assert paths[path][method]["tags"] == ["kinerja"]
    evidence = paths["/api/kinerja/indikator/{indicator_id}/realisasi/{slice_code}/bukti"]["post"]
    assert "not uploaded over the API" in evidence["description"]
    schemas = doc["components"]["schemas"]
    assert schemas["Level"]["enum"] == ["DI_ATAS", "SESUAI", "DI_BAWAH"]
    assert "SANGAT_BAIK" in schemas["Predikat"]["enum"]
    assert {"type": "string"} in schemas["RealisationOut"]["properties"]["value"]["anyOf"]
    assert "stored_name" not in schemas["EvidenceOut"]["properties"]
    assert set(paths["/api/kinerja/skp/{skp_id}/rhk"]["post"]["responses"]) >= {"201", "400", "403", "404", "409"}


def test_an_agreed_skp_made_by_services_reads_back_the_same(cycle, call):
    """The API shows exactly what the services wrote (a smoke check against drift)."""
    body = call("pegawai", "get", f"/api/kinerja/skp/{cycle.skp.pk}").json()
    content = s.skp_content(cycle.skp)
    assert [r["id"] for r in body["rhk"]] == [r["id"] for r in content["rhk"]]
    assert [[i["id"] for i in r["indicators"]] for r in body["rhk"]] == [
        [i["id"] for i in r["indicators"]] for r in content["rhk"]
    ]
