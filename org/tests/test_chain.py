"""The default reporting chain (domain.md §1) and cycle detection, as pure rules."""

from hypothesis import given
from hypothesis import strategies as st

from org.chain import HEAD_RANK, Person, UnitNode, derive_penilai, find_cycles, resolve_lines

# A dinas (1) > bidang (2) > seksi (3); heads: 10 JPT Pratama, 20 Administrator, 30 Pengawas.
UNITS = {
    1: UnitNode(1, None, 10, HEAD_RANK["JPT_PRATAMA"]),
    2: UnitNode(2, 1, 20, HEAD_RANK["ADMINISTRATOR"]),
    3: UnitNode(3, 2, 30, HEAD_RANK["PENGAWAS"]),
}
PEOPLE = {
    10: Person(10, 1, "JPT_PRATAMA"),
    20: Person(20, 2, "ADMINISTRATOR"),
    30: Person(30, 3, "PENGAWAS"),
    40: Person(40, 3, "PELAKSANA"),
    41: Person(41, 3, "FUNGSIONAL", "AHLI_PERTAMA"),
    42: Person(42, 3, "FUNGSIONAL", "AHLI_MUDA"),
    43: Person(43, 3, "FUNGSIONAL", "AHLI_MADYA"),
    44: Person(44, 3, "FUNGSIONAL", "TERAMPIL"),
}


def test_default_chain_follows_the_regulation_table():
    lines = resolve_lines(PEOPLE, UNITS)
    assert lines[40] == (30, 20)  # Pelaksana: Pengawas, then Administrator
    assert lines[30] == (20, 10)  # Pengawas: Administrator, then JPT Pratama
    assert lines[20] == (10, None)  # Administrator: JPT Pratama, then Kepala Daerah
    assert lines[10] == (None, None)  # JPT Pratama: Kepala Daerah
    assert lines[41][0] == 30  # JF Ahli Pertama: Pengawas
    assert lines[44][0] == 30  # JF Keterampilan: Pengawas
    assert lines[42][0] == 20  # JF Ahli Muda: at least Administrator
    assert lines[43][0] == 10  # JF Ahli Madya: JPT Pratama


def test_a_vacant_head_passes_the_appraisal_one_level_up():
    units = {**UNITS, 3: UnitNode(3, 2, None, 0)}
    assert derive_penilai(PEOPLE[40], units) == 20


def test_overrides_win_over_the_default():
    people = {**PEOPLE, 40: Person(40, 3, "PELAKSANA", penilai_override=10, atasan_override=10)}
    assert resolve_lines(people, UNITS)[40] == (10, 10)


def test_find_cycles_names_every_member_of_a_loop():
    assert find_cycles({1: 2, 2: 3, 3: 1, 4: 1, 5: None}) == [[1, 2, 3]]
    assert find_cycles({1: 1}) == [[1]]
    assert find_cycles({1: 2, 2: None}) == []


kinds = st.sampled_from(["PELAKSANA", "PENGAWAS", "ADMINISTRATOR", "JPT_PRATAMA", "FUNGSIONAL"])


@st.composite
def organisations(draw):
    n_units = draw(st.integers(1, 12))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, n_units)]
    people = {}
    heads = {}
    for pid in range(draw(st.integers(1, 40))):
        unit = draw(st.integers(0, n_units - 1))
        kind = draw(kinds)
        grade = (
            draw(st.sampled_from(["AHLI_PERTAMA", "AHLI_MUDA", "AHLI_MADYA", "TERAMPIL"]))
            if kind == "FUNGSIONAL"
            else ""
        )
        people[pid] = Person(pid, unit, kind, grade)
        if kind in HEAD_RANK and unit not in heads and draw(st.booleans()):
            heads[unit] = pid
    units = {
        u: UnitNode(u, parents[u], heads.get(u), HEAD_RANK[people[heads[u]].kind] if u in heads else 0)
        for u in range(n_units)
    }
    return people, units


@given(organisations())
def test_the_default_chain_never_loops_and_always_goes_up_in_rank(org):
    people, units = org
    lines = resolve_lines(people, units)
    assert find_cycles({pid: line[0] for pid, line in lines.items()}) == []
    for pid, (penilai, _second) in lines.items():
        if penilai is not None:
            assert penilai != pid
            assert people[penilai].kind in HEAD_RANK
