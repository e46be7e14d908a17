"""Every page of the foundation against every role: who gets the page, who gets 404 or the login page.

404 (not 403) for a forbidden object, so a page never reveals whether a record exists.
"""

import pytest
from django.urls import reverse

ROLES = ["pegawai", "penilai", "atasan", "kadis", "lain", "admin", "auditor", "pimpinan", "panitia", "outsider"]
ALL = set(ROLES)


def _employee_page(who):
    return lambda city: reverse("org:employee", args=[city.employees[who].pk])


# (name, url builder, roles that get 200; everyone else logged in gets 404)
PAGES = [
    ("home", lambda city: reverse("core:home"), ALL),
    ("tree", lambda city: reverse("org:tree"), ALL),
    ("unit", lambda city: reverse("org:unit", args=[city.employees["pegawai"].unit_id]), ALL),
    # The pegawai's profile: self, the line above, the heads above, office-wide readers.
    (
        "profile of pegawai",
        _employee_page("pegawai"),
        {"pegawai", "penilai", "atasan", "kadis", "pimpinan", "admin", "auditor"},
    ),
    # The head of a dinas: self and office-wide readers only (the Kepala Daerah appraises them).
    ("profile of kadis", _employee_page("kadis"), {"kadis", "pimpinan", "admin", "auditor"}),
    ("profile of lain", _employee_page("lain"), {"lain", "pimpinan", "admin", "auditor"}),
    ("employee list", lambda city: reverse("org:employees"), ALL),
    ("import", lambda city: reverse("org:import"), {"admin"}),
    ("export", lambda city: reverse("org:export"), {"admin", "auditor"}),
    ("import template", lambda city: reverse("org:import_template"), ALL),
    ("audit trail", lambda city: reverse("audit:trail"), ALL),
    ("audit verify", lambda city: reverse("audit:verify"), {"admin", "auditor"}),
    ("api tokens", lambda city: reverse("accounts:tokens"), ALL),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_page_access_by_role(city, client, role, page, url, allowed):
    client.force_login(city.user(role), backend="accounts.backends.NipOrEmailBackend")
    response = client.get(url(city))
    expected = 200 if role in allowed else 404
    assert response.status_code == expected, f"{page} as {role}"


@pytest.mark.parametrize(("page", "url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(city, client, page, url, allowed):
    response = client.get(url(city))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unit_page_links_only_to_profiles_the_viewer_may_open(city, login):
    client = login(city.user("lain"))
    html = client.get(reverse("org:unit", args=[city.employees["pegawai"].unit_id])).content.decode()
    assert "Pegawai Empat" in html  # names and posts are open to every ASN
    assert reverse("org:employee", args=[city.employees["pegawai"].pk]) not in html
    assert city.employees["pegawai"].nip not in html  # the NIP carries a birth date: never on the open list


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("pegawai", {"pegawai"}),
        ("penilai", {"penilai", "pegawai", "pppk"}),
        ("kadis", {"kadis", "atasan", "penilai", "pegawai", "pppk"}),
        ("lain", {"lain"}),
        ("outsider", set()),
        ("admin", {"kadis", "atasan", "penilai", "pegawai", "pppk", "kadis_lain", "lain"}),
    ],
)
def test_employee_list_shows_exactly_the_people_in_scope(city, login, role, expected):
    html = login(city.user(role)).get(reverse("org:employees")).content.decode()
    shown = {key for key, e in city.employees.items() if e.nip in html}
    assert shown == expected


def test_employee_list_finds_by_nip_with_spaces(city, login):
    html = login(city.user("admin")).get(reverse("org:employees"), {"q": "19900404 2015"}).content.decode()
    assert "Pegawai Empat" in html
    assert "Kabid Dua" not in html


def test_audit_trail_shows_an_employee_only_events_about_themselves(city, login):
    client = login(city.user("pegawai"))
    html = client.get(reverse("audit:trail")).content.decode()
    assert city.employees["pegawai"].nip in html
    assert city.employees["lain"].nip not in html
