"""The criteria pages as people use them: who may open what (every page × every persona), the
propose → vote → comment → close → decide flow through the pages, diffs on the pages, the SKP page's
pick from the library, and query counts that stay constant as the library, a round or the
organisation grows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria import services
from criteria.models import CriterionVersion, Proposal, ProposalStatus, Round, Vote
from criteria.tests.conftest import INDICATOR, RUBRIC, adopted_version, open_round, propose
from performance.models import Indicator

pytestmark = pytest.mark.django_db

EMPLOYEES = ["pegawai", "penilai", "atasan", "kadis", "pppk", "kadis_lain", "lain"]
OFFICE = ["admin", "auditor", "pimpinan", "panitia", "outsider"]
EVERYONE = EMPLOYEES + OFFICE


def _html(response) -> str:
    return response.content.decode()


def _login(client, user):
    client.force_login(user, backend="accounts.backends.NipOrEmailBackend")
    return client


# ---------------------------------------------------------------------------------------------
# Who may open what


# The seksi round: its members, the heads above it, and the office-wide readers.
ROUND_READERS = {"pegawai", "pppk", "penilai", "atasan", "kadis", "admin", "auditor", "pimpinan"}
ROUND_OPENERS = {"admin", "penilai", "atasan", "kadis", "kadis_lain"}  # admin, and every unit head
PARTICIPATION_READERS = {"admin", "auditor", "pimpinan", "penilai", "atasan", "kadis", "kadis_lain"}


@pytest.fixture
def pages(city, org):
    version = adopted_version(city, org.seksi)
    round_ = open_round(city, org.seksi, title="Putaran kedua")
    proposal = propose(city, round_, title="Usulan kedua")
    return {
        "library": (reverse("criteria:library"), set(EVERYONE)),
        "criterion": (reverse("criteria:criterion", args=[version.criterion_id]), set(EVERYONE)),
        "rounds": (reverse("criteria:rounds"), set(EVERYONE)),
        "round_new": (reverse("criteria:round_new"), ROUND_OPENERS),
        "round": (reverse("criteria:round", args=[round_.pk]), ROUND_READERS),
        "proposal": (reverse("criteria:proposal", args=[proposal.pk]), ROUND_READERS),
        "participation": (reverse("criteria:participation"), PARTICIPATION_READERS),
    }


@pytest.mark.parametrize("role", EVERYONE)
def test_every_page_answers_each_persona_as_its_scope_says(city, client, pages, role):
    _login(client, city.user(role))
    for name, (url, allowed) in pages.items():
        status = client.get(url).status_code
        if role in allowed:
            assert status == 200, f"{name} as {role}"
        else:
            # A page a role may not open at all is 403; a round outside one's scope is 404, as if absent.
            assert status == (404 if name in ("round", "proposal") else 403), f"{name} as {role}: {status}"


def test_rounds_page_says_when_nothing_is_open(city, client):
    page = _html(_login(client, city.user("outsider")).get(reverse("criteria:rounds")))
    assert "Tidak ada putaran yang sedang terbuka untuk Anda." in page and "Buka putaran baru" not in page


def test_admin_reads_criteria_in_the_django_admin_without_changing_them(client, city, org, django_user_model):
    adopted_version(city, org.seksi)
    admin_client = _login(client, django_user_model.objects.create_superuser("akar", "akar@contoh.example", "x"))
    for model in ("criterion", "criterionversion", "round", "proposal", "comment", "vote"):
        assert admin_client.get(reverse(f"admin:criteria_{model}_changelist")).status_code == 200, model
    assert admin_client.get(reverse("admin:criteria_criterion_add")).status_code == 403


def test_pages_need_a_login(client, pages):
    for url, _allowed in pages.values():
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("role", EVERYONE)
def test_writes_on_a_round_follow_the_same_scope(city, client, seksi_round, role):
    proposal = propose(city, seksi_round)
    _login(client, city.user(role))
    members = {"pegawai", "pppk", "penilai"}
    form = {
        "title": f"Usulan {role}",
        "criterion_kind": "hasil_kerja",
        "scope_unit": seksi_round.unit_id,
        "rationale": "Terukur.",
        **INDICATOR,
    }
    propose_response = client.post(reverse("criteria:propose", args=[seksi_round.pk]), form)
    vote = client.post(reverse("criteria:vote", args=[proposal.pk]), {"value": "1"})
    comment = client.post(reverse("criteria:comment", args=[proposal.pk]), {"body": "Setuju."})
    close = client.post(reverse("criteria:round_close", args=[seksi_round.pk]))
    if role not in ROUND_READERS:
        statuses = (propose_response.status_code, vote.status_code, comment.status_code, close.status_code)
        assert statuses == (404, 404, 404, 404)
        return
    assert Proposal.objects.filter(title=f"Usulan {role}").exists() is (role in members)
    voted = Vote.objects.filter(voter__user=city.user(role)).exists()
    assert voted is (role in members)
    if role in members:
        assert vote.status_code == 302 and comment.status_code == 302
    else:
        assert "Hanya ASN aktif" in _html(vote) and "Hanya ASN aktif" in _html(comment)
    seksi_round.refresh_from_db()
    assert (seksi_round.status == "closed") is (role in {"penilai", "admin"})


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_unit_head_may_decide_through_the_page(city, client, seksi_round, role):
    proposal = propose(city, seksi_round)
    services.round_close(actor=city.user("admin"), round_=seksi_round)
    _login(client, city.user(role))
    response = client.post(
        reverse("criteria:decide", args=[proposal.pk]), {"decision": "adopt", "reason": "Jelas dan terukur."}
    )
    proposal.refresh_from_db()
    if role == "penilai":
        assert response.status_code == 302 and proposal.status == ProposalStatus.ADOPTED
    else:
        assert response.status_code == 404 and proposal.status == ProposalStatus.OPEN


# ---------------------------------------------------------------------------------------------
# The flow through the pages


def test_round_opened_from_the_page_by_the_head(city, client, org):
    client = _login(client, city.user("penilai"))
    page = _html(client.get(reverse("criteria:round_new")))
    assert "Seksi Layanan" in page and "Dinas Sosial" not in page
    closes = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("criteria:round_new"),
        {"unit": org.seksi.pk, "title": "Putaran Seksi Layanan", "closes_at": closes, "description": "Aduan"},
    )
    assert response.status_code == 302
    round_ = Round.objects.get(title="Putaran Seksi Layanan")
    assert response["Location"] == reverse("criteria:round", args=[round_.pk])
    # Someone else's unit is not in the head's choices, so the form refuses it.
    response = client.post(
        reverse("criteria:round_new"), {"unit": org.sosial.pk, "title": "Bukan unit saya", "closes_at": closes}
    )
    assert response.status_code == 200 and not Round.objects.filter(title="Bukan unit saya").exists()


def test_propose_vote_comment_close_and_adopt_through_the_pages(city, client, seksi_round):
    url = reverse("criteria:round", args=[seksi_round.pk])
    pegawai = _login(client, city.user("pegawai"))
    form = {
        "title": "Aduan selesai tepat waktu",
        "criterion_kind": "hasil_kerja",
        "value": "",
        "scope_unit": seksi_round.unit_id,
        "position_family": "",
        "position_kind": "",
        "rationale": "Agar terukur.",
        **INDICATOR,
    }
    response = pegawai.post(reverse("criteria:propose", args=[seksi_round.pk]), form)
    proposal = Proposal.objects.get()
    assert response["Location"] == f"{url}#usulan-{proposal.pk}"

    pppk = _login(client, city.user("pppk"))
    response = pppk.post(reverse("criteria:vote", args=[proposal.pk]), {"value": "1"}, HTTP_HX_REQUEST="true")
    html = _html(response)
    assert "<html" not in html and f'id="usulan-{proposal.pk}"' in html
    assert "Suara Anda tercatat: setuju." in html and "Setuju: 1" in html
    response = pppk.post(reverse("criteria:comment", args=[proposal.pk]), {"body": "Data helpdesk ada."})
    assert response.status_code == 302
    page = _html(pppk.get(url))
    assert "Data helpdesk ada." in page and "Pegawai Empat" in page  # who proposed, and the thread

    head = _login(client, city.user("penilai"))
    assert "Tutup putaran sekarang" in _html(head.get(url))
    head.post(reverse("criteria:round_close", args=[seksi_round.pk]))
    page = _html(head.get(reverse("criteria:proposal", args=[proposal.pk])))
    assert "Putusan kepala unit" in page
    response = head.post(reverse("criteria:decide", args=[proposal.pk]), {"decision": "adopt", "reason": ""})
    assert "Tuliskan alasan putusan" in _html(response)
    head.post(reverse("criteria:decide", args=[proposal.pk]), {"decision": "adopt", "reason": "Disepakati."})
    version = CriterionVersion.objects.get(proposal=proposal)
    library = _html(head.get(reverse("criteria:library")))
    assert "Aduan selesai tepat waktu" in library and "versi 1" in library

    pppk = _login(client, city.user("pppk"))
    response = pppk.post(reverse("criteria:vote", args=[proposal.pk]), {"value": "-1"}, HTTP_HX_REQUEST="true")
    assert "sudah ditutup; suara tidak dapat diberikan atau diubah lagi" in _html(response)
    assert Vote.objects.get().value == 1
    assert version.number == 1


def test_refused_comment_keeps_what_was_typed(city, client, seksi_round):
    proposal = propose(city, seksi_round)
    services.round_close(actor=city.user("penilai"), round_=seksi_round)
    client = _login(client, city.user("pppk"))
    response = client.post(reverse("criteria:comment", args=[proposal.pk]), {"body": "Terlambat sedikit"})
    html = _html(response)
    assert response.status_code == 200 and "komentar tidak dapat ditambahkan lagi" in html


def test_change_proposal_form_is_prefilled_and_the_proposal_shows_its_diff(city, client, org):
    v1 = adopted_version(city, org.seksi)
    round_ = open_round(city, org.seksi, title="Putaran kedua")
    client = _login(client, city.user("pppk"))
    url = reverse("criteria:round", args=[round_.pk])
    page = _html(client.get(f"{url}?dasar={v1.pk}"))
    assert "Usulkan perubahan" in page and INDICATOR["measurement"] in page
    form = {
        **INDICATOR,
        "text": INDICATOR["text"].replace("3 hari", "2 hari"),
        "base_version": v1.pk,
        "rationale": "Lebih cepat.",
    }
    response = client.post(reverse("criteria:propose", args=[round_.pk]), form)
    assert response.status_code == 302
    change = Proposal.objects.get(kind="change")
    page = _html(client.get(reverse("criteria:proposal", args=[change.pk])))
    assert "Perbedaan dengan versi 1" in page
    assert '<del><span class="vh">[dihapus: </span>3<span class="vh">]</span></del>' in page
    assert '<ins><span class="vh">[ditambahkan: </span>2<span class="vh">]</span></ins>' in page


def test_criterion_page_shows_every_version_with_the_diff(city, client, org):
    v1 = adopted_version(city, org.seksi)
    round_ = open_round(city, org.seksi, title="Putaran kedua")
    change = services.proposal_create(
        actor=city.user("pppk"),
        round_=round_,
        base_version=v1,
        fields={**INDICATOR, "evidence": "Rekap tiket helpdesk per bulan, ditandatangani kepala seksi"},
        rationale="Bukti lebih kuat.",
    )
    services.round_close(actor=city.user("penilai"), round_=round_)
    services.proposal_decide(actor=city.user("penilai"), proposal=change, adopt=True, reason="Bukti lebih kuat.")
    page = _html(_login(client, city.user("lain")).get(reverse("criteria:criterion", args=[v1.criterion_id])))
    assert "Versi yang berlaku: versi 2" in page and "Digantikan" in page
    assert "Perubahan dari versi 1" in page
    assert '<ins><span class="vh">[ditambahkan: </span>, ditandatangani kepala seksi' in page
    # Outside the unit: the library is open, the round behind it is not linked.
    assert reverse("criteria:proposal", args=[change.pk]) not in page


def test_library_filters_and_search(city, client, org):
    adopted_version(city, org.seksi)
    adopted_version(
        city,
        org.sosial,
        "kadis_lain",
        who="lain",
        title="Bantuan sosial tepat sasaran",
        fields={**INDICATOR, "text": "Persentase bantuan yang tepat sasaran"},
    )
    adopted_version(
        city, org.seksi, title="Ramah melayani", criterion_kind="perilaku", value="pelayanan", fields=RUBRIC
    )
    client = _login(client, city.user("pegawai"))
    url = reverse("criteria:library")
    page = _html(client.get(url))
    assert "3 kriteria" in page and "Berorientasi Pelayanan" in page and RUBRIC["example_above"] in page
    assert "memahami dan memenuhi kebutuhan masyarakat" in page  # BerAKHLAK guidance
    assert "1 kriteria" in _html(client.get(url, {"q": "tepat sasaran"}))
    mine = _html(client.get(url, {"saya": "1"}))
    assert "2 kriteria" in mine and "Bantuan sosial" not in mine
    assert "1 kriteria" in _html(client.get(url, {"jenis": "perilaku"}))


def test_participation_page_counts_people_once(city, client, seksi_round):
    proposal = propose(city, seksi_round)
    services.vote_cast(actor=city.user("pegawai"), proposal=proposal, value=1)
    services.vote_cast(actor=city.user("pppk"), proposal=proposal, value=1)
    page = _html(_login(client, city.user("penilai")).get(reverse("criteria:participation")))
    assert "Seksi Layanan" in page and "Dinas Sosial" not in page
    # Seksi Layanan: 3 active ASN, 1 proposed, 2 voted, 2 took part (67%).
    assert "67%" in page


# ---------------------------------------------------------------------------------------------
# The SKP page: an indicator from the library


def test_skp_page_offers_the_library_and_links_the_picked_version(cycle, client, org):
    version = adopted_version(cycle.city, org.seksi)
    client = _login(client, cycle.city.user("pegawai"))
    url = reverse("performance:skp", args=[cycle.skp.pk])
    page = _html(client.get(url))
    assert "Ambil dari pustaka kriteria" in page
    assert f'value="{version.pk}"' in page and f'data-text="{INDICATOR["text"]}"' in page
    cycle.skp.refresh_from_db()
    # Without JavaScript the text is blank: the page takes the library wording.
    response = client.post(
        reverse("performance:indicator_add", args=[cycle.utama.pk]),
        {
            "version": cycle.skp.version,
            "criterion_version": version.pk,
            "text": "",
            "aspect": "KUANTITAS",
            "kind": "KUALITATIF",
            "target_value": "95",
            "target_unit": "",
            "target_text": "",
            "direction": "HIGHER_BETTER",
        },
    )
    assert response.status_code == 302, _html(response)
    indicator = Indicator.objects.get(criterion_version=version)
    assert (indicator.text, indicator.aspect, indicator.kind, indicator.target_unit) == (
        INDICATOR["text"],
        "KUALITAS",
        "KUANTITATIF",
        "persen",
    )
    page = _html(client.get(url))
    assert "dari pustaka kriteria, versi 1" in page
    assert reverse("criteria:criterion", args=[version.criterion_id]) in page


def test_skp_page_refuses_a_version_from_elsewhere(cycle, client, org):
    adopted_version(cycle.city, org.seksi)
    other = adopted_version(cycle.city, org.sosial, "kadis_lain", who="lain")
    cycle.skp.refresh_from_db()
    client = _login(client, cycle.city.user("pegawai"))
    response = client.post(
        reverse("performance:indicator_add", args=[cycle.utama.pk]),
        {
            "version": cycle.skp.version,
            "criterion_version": other.pk,
            "text": "x",
            "aspect": "KUANTITAS",
            "kind": "KUANTITATIF",
            "target_value": "5",
            "target_unit": "dokumen",
            "direction": "HIGHER_BETTER",
        },
    )
    assert response.status_code == 200 and not Indicator.objects.filter(criterion_version=other).exists()
    assert "has-error" in _html(response)


# ---------------------------------------------------------------------------------------------
# Query counts stay constant


def _count(client, url, django_assert_max_num_queries, grow, limit: int = 25):
    client.get(url)  # warm per-process caches
    with django_assert_max_num_queries(limit) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    return len(small.captured_queries)


def _many(city, org, n: int, *, who="pegawai", head="penilai", unit=None):
    """`n` proposals with votes and comments in one round, all adopted: n criteria, and a busy round."""
    unit = unit or org.seksi
    round_ = open_round(city, unit, head, title=f"Putaran {n}")
    proposals = [propose(city, round_, who, title=f"Kriteria {i:02d}") for i in range(n)]
    for p in proposals:
        for voter in ("pegawai", "pppk", "penilai"):
            services.vote_cast(actor=city.user(voter), proposal=p, value=1)
        services.comment_add(actor=city.user("pppk"), proposal=p, body="Setuju, terukur.")
    return round_, proposals


def _adopt_all(city, round_, proposals, head="penilai"):
    services.round_close(actor=city.user(head), round_=round_)
    for p in proposals:
        services.proposal_decide(actor=city.user(head), proposal=p, adopt=True, reason="Disepakati.")


def test_library_query_count_does_not_grow(city, client, org, django_assert_max_num_queries):
    adopted_version(city, org.seksi)
    client = _login(client, city.user("pegawai"))

    def grow():
        _adopt_all(city, *_many(city, org, 20))

    for url in (reverse("criteria:library"), reverse("criteria:library") + "?saya=1&q=aduan"):
        _count(client, url, django_assert_max_num_queries, lambda: None)
    _count(client, reverse("criteria:library"), django_assert_max_num_queries, grow)


def test_criterion_page_query_count_does_not_grow_with_versions(city, client, org, django_assert_max_num_queries):
    v = adopted_version(city, org.seksi)
    client = _login(client, city.user("pppk"))

    def grow():
        base = v
        for i in range(6):
            round_ = open_round(city, org.seksi, title=f"Ubah {i}")
            p = services.proposal_create(
                actor=city.user("pppk"),
                round_=round_,
                base_version=base,
                fields={**INDICATOR, "evidence": f"Bukti {i}"},
                rationale="x",
            )
            services.round_close(actor=city.user("penilai"), round_=round_)
            services.proposal_decide(actor=city.user("penilai"), proposal=p, adopt=True, reason="ok")
            base = CriterionVersion.objects.get(proposal=p)

    _count(client, reverse("criteria:criterion", args=[v.criterion_id]), django_assert_max_num_queries, grow)


def test_round_and_proposal_pages_query_count_does_not_grow(city, client, org, django_assert_max_num_queries):
    round_, proposals = _many(city, org, 2)
    client = _login(client, city.user("pegawai"))

    def grow():
        for i in range(15):
            p = propose(city, round_, "pppk", title=f"Tambahan {i}")
            services.vote_cast(actor=city.user("pegawai"), proposal=p, value=-1)
            services.comment_add(actor=city.user("penilai"), proposal=p, body="Perlu data.")
        for _ in range(10):
            services.comment_add(actor=city.user("pegawai"), proposal=proposals[0], body="Tambahan data.")

    urls = [reverse("criteria:round", args=[round_.pk]), reverse("criteria:proposal", args=[proposals[0].pk])]
    for u in urls:
        client.get(u)  # warm per-process caches
    with django_assert_max_num_queries(25) as small_round:
        client.get(urls[0])
    with django_assert_max_num_queries(25) as small_proposal:
        client.get(urls[1])
    grow()
    with django_assert_max_num_queries(len(small_round.captured_queries)):
        assert client.get(urls[0]).status_code == 200
    with django_assert_max_num_queries(len(small_proposal.captured_queries)):
        assert client.get(urls[1]).status_code == 200


def test_rounds_and_participation_query_count_does_not_grow(city, client, org, django_assert_max_num_queries):
    _many(city, org, 1)
    client = _login(client, city.user("admin"))

    def grow():
        _many(city, org, 3, head="atasan", unit=org.bidang)
        _many(city, org, 3, head="kadis", unit=org.dinas)
        for i in range(5):
            open_round(city, org.sosial, "kadis_lain", title=f"Sosial {i}")

    urls = [reverse("criteria:rounds"), reverse("criteria:participation")]
    for u in urls:
        client.get(u)
    smalls = []
    for u in urls:
        with django_assert_max_num_queries(25) as small:
            assert client.get(u).status_code == 200
        smalls.append(len(small.captured_queries))
    grow()
    for u, n in zip(urls, smalls, strict=True):
        with django_assert_max_num_queries(n):
            assert client.get(u).status_code == 200


def test_skp_page_query_count_does_not_grow_with_the_library(cycle, client, org, django_assert_max_num_queries):
    city = cycle.city
    version = adopted_version(city, org.seksi)
    from performance import services as perf

    perf.indicator_save(
        actor=city.user("pegawai"),
        rhk=cycle.utama,
        text=version.text,
        aspect=version.aspect,
        kind=version.indicator_kind,
        target_value="90",
        target_unit="persen",
        criterion_version=version,
    )
    client = _login(client, city.user("pegawai"))

    def grow():
        round_, proposals = _many(city, org, 10)
        _adopt_all(city, round_, proposals)
        for v in CriterionVersion.objects.filter(round=round_)[:5]:
            perf.indicator_save(
                actor=city.user("pegawai"),
                rhk=cycle.utama,
                text=v.text,
                aspect=v.aspect,
                kind=v.indicator_kind,
                target_value="90",
                target_unit="persen",
                criterion_version=v,
            )

    _count(client, reverse("performance:skp", args=[cycle.skp.pk]), django_assert_max_num_queries, grow, limit=30)


def test_beranda_invites_the_unit_to_an_open_round(city, org, login):
    from criteria.tests.conftest import open_round

    page = login(city.user("pegawai")).get("/").content.decode()
    assert "putaran penyusunan kriteria terbuka" not in page
    open_round(city, org.seksi)
    page = login(city.user("pegawai")).get("/").content.decode()
    assert "1 putaran penyusunan kriteria terbuka untuk unit Anda" in page
    # Another dinas is not invited.
    assert "putaran penyusunan kriteria terbuka" not in login(city.user("lain")).get("/").content.decode()
