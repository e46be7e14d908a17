"""The reads the public portal uses, as plain data: participation per unit and the adopted library,
each in a constant number of queries."""

import pytest

from conftest import make_period
from criteria import selectors, services
from criteria.tests.conftest import RUBRIC, adopted_version, open_round, propose

pytestmark = pytest.mark.django_db


def _by_name(rows):
    return {r["unit_name"]: r for r in rows}


def test_participation_counts_each_person_once_per_unit_and_rolls_up(city, org):
    seksi_round = open_round(city, org.seksi)
    p = propose(city, seksi_round)  # pegawai proposes
    services.vote_cast(actor=city.user("pegawai"), proposal=p, value=1)  # and votes: still one person
    services.comment_add(actor=city.user("pppk"), proposal=p, body="Setuju.")
    dinas_round = open_round(city, org.dinas, "kadis")
    q = propose(city, dinas_round, "atasan", title="Dinas")
    services.vote_cast(actor=city.user("pegawai"), proposal=q, value=-1)

    rows = _by_name(selectors.participation_by_unit())
    seksi, dinas = rows["Seksi Layanan"], rows["Dinas Kominfo"]
    assert (seksi["employees"], seksi["proposers"], seksi["commenters"], seksi["voters"]) == (3, 1, 1, 1)
    assert seksi["participants"] == 2 and seksi["share"] == pytest.approx(2 / 3)
    # The dinas counts its whole subtree (5 ASN), each person once, in both rounds.
    assert (dinas["employees"], dinas["participants"], dinas["rounds"]) == (5, 3, 2)
    assert rows["Bidang Aplikasi"]["rounds"] == 1  # the seksi round, below the bidang
    assert "Dinas Sosial" not in rows
    assert set(seksi) >= {"unit_id", "unit_kind", "unit_path", "parent_id", "depth"}


def test_participation_by_period_and_by_chosen_units(city, org):
    period = make_period(city.user("admin"))
    with_period = open_round(city, org.seksi, period=period)
    propose(city, with_period)
    open_round(city, org.sosial, "kadis_lain")
    assert selectors.participation_by_unit(period=period.pk)[-1]["participants"] == 1
    rows = _by_name(selectors.participation_by_unit(period, unit_ids=[org.sosial.pk, org.seksi.pk]))
    assert set(rows) == {"Dinas Sosial", "Seksi Layanan"}
    assert rows["Dinas Sosial"]["rounds"] == 0  # its round is not in this period
    assert rows["Dinas Sosial"]["share"] == 0.0
    assert _by_name(selectors.participation_by_unit(scope_path=org.seksi.path)).keys() == {"Seksi Layanan"}


def test_participation_query_count_is_constant(city, org, django_assert_max_num_queries):
    open_round(city, org.seksi)
    with django_assert_max_num_queries(6) as small:
        selectors.participation_by_unit()
    for unit, head, who in ((org.bidang, "atasan", "pegawai"), (org.sosial, "kadis_lain", "lain")):
        r = open_round(city, unit, head)
        for i in range(4):
            p = propose(city, r, who, title=f"U{i}")
            services.comment_add(actor=city.user(who), proposal=p, body="ok")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(selectors.participation_by_unit()) > 4


def test_adopted_criteria_are_plain_data_without_personal_data(city, org):
    adopted_version(city, org.seksi)
    adopted_version(city, org.seksi, title="Ramah", criterion_kind="perilaku", value="pelayanan", fields=RUBRIC)
    adopted_version(city, org.sosial, "kadis_lain", who="lain", title="Bantuan tepat sasaran")
    everything = selectors.adopted_criteria()
    assert len(everything) == 3
    rubric = next(c for c in everything if c["kind"] == "perilaku")
    assert rubric["value_name"] == "Berorientasi Pelayanan" and rubric["examples"]["DI_ATAS"] == RUBRIC["example_above"]
    assert rubric["version"] == 1 and rubric["scope"] == "Seksi Layanan"
    text = repr(everything)
    for name in ("Pegawai Empat", "Kasi Tiga", "Pegawai Tujuh", "Kadis Enam"):
        assert name not in text
    kominfo = selectors.adopted_criteria(unit_ids=[org.dinas.pk])  # the dinas and the units below it
    assert {c["title"] for c in kominfo} == {"Aduan selesai tepat waktu", "Ramah"}


def test_adopted_criteria_query_count_is_constant(city, org, django_assert_max_num_queries):
    adopted_version(city, org.seksi)
    with django_assert_max_num_queries(2) as small:
        selectors.adopted_criteria(unit_ids=[org.dinas.pk])
    for i in range(5):
        adopted_version(city, org.seksi, title=f"K{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(selectors.adopted_criteria(unit_ids=[org.dinas.pk])) == 6
