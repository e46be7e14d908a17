"""Criteria fixtures on the shared `city`: the pegawai's seksi (headed by `penilai`), its bidang
(`atasan`) and dinas (`kadis`), and the other dinas (`kadis_lain`, `lain`)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from criteria import services

INDICATOR = {
    "text": "Persentase aduan layanan aplikasi yang selesai dalam 3 hari kerja",
    "measure_unit": "persen",
    "measurement": "Aduan selesai dalam 3 hari kerja dibagi seluruh aduan bulan itu, dari catatan helpdesk.",
    "evidence": "Rekap tiket helpdesk per bulan",
    "aspect": "KUALITAS",
    "indicator_kind": "KUANTITATIF",
}
RUBRIC = {
    "text": "Menanggapi pengguna layanan dengan ramah dan tuntas",
    "measurement": "Pengamatan atasan dan umpan balik pengguna",
    "example_below": "Sering membiarkan aduan tanpa tanggapan lebih dari sehari",
    "example_meets": "Menanggapi setiap aduan pada hari yang sama",
    "example_above": "Menanggapi cepat dan menawarkan perbaikan layanan",
}


@dataclass
class Org:
    seksi: object
    bidang: object
    dinas: object
    sosial: object


@pytest.fixture
def org(city) -> Org:
    e = city.employees
    return Org(seksi=e["pegawai"].unit, bidang=e["atasan"].unit, dinas=e["kadis"].unit, sosial=e["kadis_lain"].unit)


def open_round(city, unit, who: str = "penilai", *, days: int = 7, title: str = "Putaran uji", **kw):
    return services.round_open(
        actor=city.user(who), unit=unit, title=title, closes_at=timezone.now() + timedelta(days=days), **kw
    )


def propose(city, round_, who: str = "pegawai", *, title: str = "Aduan selesai tepat waktu", fields=None, **kw):
    return services.proposal_create(
        actor=city.user(who),
        round_=round_,
        title=title,
        criterion_kind=kw.pop("criterion_kind", "hasil_kerja"),
        fields=fields or INDICATOR,
        rationale=kw.pop("rationale", "Agar waktu layanan terukur sama bagi semua."),
        **kw,
    )


def adopted_version(city, unit, head: str = "penilai", **kw):
    """A criterion adopted through a whole round of `unit` (opened and decided by its head)."""
    from criteria.models import CriterionVersion

    round_ = open_round(city, unit, head)
    proposal = propose(city, round_, **kw)
    services.round_close(actor=city.user(head), round_=round_)
    services.proposal_decide(actor=city.user(head), proposal=proposal, adopt=True, reason="Disepakati unit.")
    return CriterionVersion.objects.select_related("criterion").get(proposal=proposal)


@pytest.fixture
def seksi_round(city, org):
    return open_round(city, org.seksi, "penilai", title="Putaran Seksi Layanan 2026")
