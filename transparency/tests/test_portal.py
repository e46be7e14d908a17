"""The public portal and its open data: open to anyone, only precomputed aggregates of groups of at
least 5, consented recognitions, cache-friendly headers, and a small fixed number of queries."""

import csv
import io
import json
import re
from datetime import date
from itertools import count

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from org.models import Employee, Position, PositionKind, Unit, UnitKind
from performance.models import Evaluation, EvaluationStatus, Period, PeriodStatus, Skp, SkpStatus
from transparency.models import DisclosurePolicy, Recognition
from transparency.services import recognition_unit_for, refresh_aggregates
from transparency.tests.year import grow, grow_by, publish, published_year, rated_year

pytestmark = pytest.mark.django_db

PORTAL = reverse("transparency:portal")
CSV_URL = reverse("transparency:data_csv")
JSON_URL = reverse("transparency:data_json")
ABOUT = reverse("transparency:about_data")
HIDDEN_SMALL = "disembunyikan: kurang dari 5 orang"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def unit_url(unit) -> str:
    return reverse("transparency:portal_unit", args=[unit.pk])


@pytest.fixture
def year(city):
    y = published_year(city)
    refresh_aggregates(y.period)
    return y


# ---------------------------------------------------------------------------------------------
# Open to everyone


@pytest.mark.parametrize("who", ["anonymous", "pegawai", "outsider", "admin"])
def test_portal_pages_are_open_to_anyone(year, client, city, who):
    if who != "anonymous":
        client.force_login(city.user(who), backend="accounts.backends.NipOrEmailBackend")
    for url in (PORTAL, unit_url(year.dinas("pegawai")), CSV_URL, JSON_URL, ABOUT):
        assert client.get(url).status_code == 200, url


def test_the_portal_shows_a_unit_of_fewer_than_5_as_hidden_and_why(year, client):
    page = text(client.get(PORTAL))
    row = re.search(r"Dinas Sosial (.*?)(Dinas|Angka dihitung)", page).group(1)
    assert HIDDEN_SMALL in row and "UU 27/2022" in row
    unit_page = text(client.get(unit_url(year.dinas("lain"))))
    assert HIDDEN_SMALL in unit_page and "Jumlah pegawai" not in unit_page


def test_the_portal_never_names_people_or_shows_personal_figures(year, client, city):
    page = client.get(PORTAL).content.decode() + client.get(unit_url(year.dinas("pegawai"))).content.decode()
    for e in Employee.objects.all():
        assert e.name not in page and e.nip not in page
    assert "4120" not in page  # a score


def test_only_consented_recognitions_are_shown_and_withdrawal_removes_them(year, client, city):
    employee = city.employees["pegawai"]
    unit = recognition_unit_for(employee)
    shown = Recognition.objects.create(
        employee=employee, unit=unit, title="Inovator layanan digital", year=2025, consent_given_at=timezone.now()
    )
    Recognition.objects.create(employee=city.employees["pppk"], unit=unit, title="Pegawai teladan", year=2025)
    for url in (PORTAL, unit_url(unit)):
        page = text(client.get(url))
        assert "Inovator layanan digital" in page and "Pegawai Empat" in page
        assert "Pegawai teladan" not in page and "Pegawai Lima" not in page
    shown.consent_withdrawn_at = timezone.now()
    shown.save()
    assert "Inovator layanan digital" not in text(client.get(PORTAL))


# ---------------------------------------------------------------------------------------------
# Open data


def csv_rows(client, **params) -> list[dict]:
    response = client.get(CSV_URL, params)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_and_json_carry_the_same_aggregates_without_figures_for_hidden_groups(city, client):
    y = rated_year(city)
    grow(y, {"Badan Kecil": 3})
    publish(y)
    refresh_aggregates(y.period)
    rows = {r["perangkat_daerah"]: r for r in csv_rows(client)}
    data = json.loads(client.get(JSON_URL).content)
    records = {r["perangkat_daerah"]: r for r in data["kelompok"]}
    assert set(rows) == set(records) == {"Pemerintah Kota Sawahlunto", "Dinas Kominfo", "Dinas Sosial", "Badan Kecil"}
    assert rows["Dinas Kominfo"]["jumlah_pegawai"] == "5" == str(records["Dinas Kominfo"]["jumlah_pegawai"])
    assert (
        float(rows["Dinas Kominfo"]["rata_rata_capaian_rhk_utama"])
        == records["Dinas Kominfo"]["rata_rata_capaian_rhk_utama"]
        == 106
    )
    for name in ("Dinas Sosial", "Badan Kecil"):
        assert rows[name]["disembunyikan"] == "ya" and rows[name]["alasan_disembunyikan"] == "kurang_dari_minimum"
        assert all(rows[name][c] == "" for c in ("jumlah_pegawai", "baik", "rata_rata_capaian_rhk_utama"))
        assert records[name]["disembunyikan"] is True and records[name]["jumlah_pegawai"] is None
    assert data["ukuran_kelompok_minimum"] == 5


def test_about_data_says_what_is_published_and_why(year, client):
    page = text(client.get(ABOUT))
    for phrase in ("Undang-Undang Nomor 27 Tahun 2022", "kurang dari 5 orang", "mengizinkan", "Yang tidak diumumkan"):
        assert phrase in page


def test_the_portal_says_so_before_any_publication(city, client):
    rated_year(city)
    assert "Belum ada hasil evaluasi kinerja yang diumumkan." in text(client.get(PORTAL))
    assert client.get(CSV_URL).status_code == 404


# ---------------------------------------------------------------------------------------------
# Caching


def test_portal_pages_are_publicly_cacheable_and_touch_no_session(year, client):
    for url in (PORTAL, unit_url(year.dinas("pegawai")), CSV_URL, JSON_URL):
        response = client.get(url)
        assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
        assert response.has_header("ETag") and response.has_header("Last-Modified")
        assert not response.cookies, url  # no session or CSRF cookie
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_an_unchanged_page_answers_304_and_a_refresh_or_consent_changes_the_etag(year, client, city):
    etag = client.get(PORTAL)["ETag"]
    assert client.get(PORTAL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    refresh_aggregates(year.period)
    second = client.get(PORTAL, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag
    Recognition.objects.create(employee=city.employees["pegawai"], title="Teladan", year=2025)
    assert client.get(PORTAL, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 200


def test_the_language_link_sets_the_language_and_returns_to_the_page(year, client):
    response = client.get(reverse("transparency:portal_language"), {"ke": "en", "lanjut": ABOUT})
    assert response.status_code == 302 and response["Location"] == ABOUT
    assert response.cookies["django_language"].value == "en"
    outside = client.get(reverse("transparency:portal_language"), {"ke": "en", "lanjut": "https://jahat.example/"})
    assert outside["Location"] == PORTAL


# ---------------------------------------------------------------------------------------------
# Query counts: served from the precomputed tables only


@pytest.mark.parametrize("page", ["portal", "unit", "csv", "json"])
def test_portal_pages_run_a_small_fixed_number_of_queries(city, client, page, django_assert_max_num_queries):
    y = published_year(city)
    refresh_aggregates(y.period)
    Recognition.objects.create(
        employee=city.employees["pegawai"], title="Teladan", year=2025, consent_given_at=timezone.now()
    )
    url = {
        "portal": PORTAL,
        "unit": unit_url(y.dinas("pegawai")),
        "csv": CSV_URL,
        "json": JSON_URL,
    }[page]
    with django_assert_max_num_queries(5) as small:
        assert client.get(url).status_code == 200
    grow_by(y, 60)
    refresh_aggregates(y.period)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    # Never a join over evaluations or SKPs at request time.
    for query in large.captured_queries:
        assert "performance_evaluation" not in query["sql"] and "performance_skp" not in query["sql"]


# ---------------------------------------------------------------------------------------------
# Property: any group below 5 is hidden everywhere


def _build(sizes: list[int]) -> Period:
    """A published period with one perangkat daerah per size, built directly in the tables."""
    nips = count(1)
    root = Unit.objects.create(name="Pemda Uji", kind=UnitKind.PEMDA)
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    today = timezone.localdate()
    period = Period.objects.create(
        year=today.year,
        name="Uji",
        status=PeriodStatus.PUBLISHED,
        planning_opens=date(today.year, 1, 1),
        planning_closes=date(today.year, 1, 31),
        evaluation_opens=date(today.year, 12, 1),
        evaluation_closes=date(today.year, 12, 31),
        published_on=today,
    )
    predikat = ["SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"]
    for i, n in enumerate(sizes):
        unit = Unit.objects.create(name=f"Dinas {i}", kind=UnitKind.PERANGKAT_DAERAH, parent=root, depth=1)
        unit.path = f"{root.path}{unit.pk}/"
        unit.save(update_fields=["path"])
        position = Position.objects.create(name="Pelaksana", kind=PositionKind.PELAKSANA, unit=unit)
        for k in range(n):
            e = Employee.objects.create(
                nip=f"{next(nips):018d}",
                name=f"Orang {i}-{k}",
                gender="L",
                birth_date=date(1990, 1, 1),
                status="PNS",
                golongan="III/a",
                position=position,
                unit=unit,
            )
            skp = Skp.objects.create(
                period=period, employee=e, unit=unit, position_name="Pelaksana", status=SkpStatus.AGREED
            )
            Evaluation.objects.create(
                skp=skp, status=EvaluationStatus.PUBLISHED, published_on=today, predikat=predikat[(i + k) % 5]
            )
    return period


@given(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=6), st.integers(min_value=2, max_value=7))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_group_below_5_is_hidden_in_portal_html_csv_and_json(client, sizes, policy_minimum):
    with transaction.atomic():
        period = _build(sizes)
        DisclosurePolicy.objects.create(organisation=Unit.objects.get(depth=0), min_group_size=policy_minimum)
        refresh_aggregates(period)
        minimum = max(5, policy_minimum)
        units = {u.name: u for u in Unit.objects.filter(depth=1)}
        size = {f"Dinas {i}": n for i, n in enumerate(sizes)}
        html = client.get(PORTAL).content.decode()
        rows = {r["perangkat_daerah"]: r for r in csv_rows(client)}
        records = {r["perangkat_daerah"]: r for r in json.loads(client.get(JSON_URL).content)["kelompok"]}
        shown_total = 0
        for name, n in size.items():
            row_html = re.search(rf'<tr[^>]*data-unit="{units[name].pk}">(.*?)</tr>', html, re.S).group(0)
            unit_page = client.get(unit_url(units[name])).content.decode()
            if n < minimum:
                assert "tr-hidden-row" in row_html and 'class="num"' not in row_html
                assert ("disembunyikan" if n else "belum ada hasil yang diumumkan") in unit_page
                assert "data-chart" not in unit_page
                assert rows[name]["disembunyikan"] == "ya" and rows[name]["jumlah_pegawai"] == ""
                assert records[name]["disembunyikan"] is True
                assert all(
                    records[name][k] is None for k in ("jumlah_pegawai", "baik", "sangat_baik", "kurang_misconduct")
                )
            if rows[name]["disembunyikan"] == "tidak":
                assert int(rows[name]["jumlah_pegawai"]) == n >= minimum
                shown_total += n
        org = records["Pemda Uji"]
        if org["disembunyikan"]:
            assert sum(size.values()) < minimum and org["jumlah_pegawai"] is None
        else:
            # What can be worked out by subtraction is no one, or enough people.
            remainder = org["jumlah_pegawai"] - shown_total
            assert remainder == 0 or remainder >= minimum
        transaction.set_rollback(True)
