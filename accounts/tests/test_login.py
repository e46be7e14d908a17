"""Logging in with a NIP or an email, lockout, and setting a first password by email."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_login_with_the_nip_as_printed_with_spaces(city, client):
    response = _login(client, "19900404 201503 2 004")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home")).content.decode()
    assert "Pegawai Empat" in home
    assert "Perlu tindakan Anda" in home


@pytest.mark.django_db
def test_login_with_email_in_any_case(city, client):
    response = _login(client, "Pegawai.Empat@Contoh.example")
    assert response.status_code == 302


@pytest.mark.django_db
def test_wrong_password_says_so_in_indonesian_and_keeps_the_user_out(city, client):
    response = _login(client, "199004042015032004", "salah-sandi")
    assert response.status_code == 200
    assert "NIP/email atau kata sandi salah" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password(city, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "199004042015032004", "salah-sandi")
    response = _login(client, "199004042015032004")
    assert response.status_code == 429
    page = response.content.decode()
    assert "dikunci sementara" in page
    # The waiting time shown is the configured one (AXES_COOLOFF_HOURS), not a fixed text.
    assert f"Tunggu {int(settings.AXES_COOLOFF_TIME * 60)} menit" in page


@pytest.mark.django_db
def test_imported_employee_sets_a_first_password_through_the_email_link(city, client):
    from accounts.models import User

    user = User.objects.get(username="199207072018012007")
    user.set_unusable_password()
    user.save()
    client.post(reverse("accounts:password_reset"), {"email": "pegawai.tujuh@contoh.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": "Kopi-Sawahlunto-77", "new_password2": "Kopi-Sawahlunto-77"})
    assert response.status_code == 302
    assert _login(client, "199207072018012007", "Kopi-Sawahlunto-77").status_code == 302


@pytest.mark.django_db
def test_password_reset_does_not_reveal_unknown_addresses(city, client):
    response = client.post(reverse("accounts:password_reset"), {"email": "tidak.ada@contoh.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_admin_saves_never_copy_password_hashes_into_the_audit_log(city, rf):
    from django.contrib.admin.sites import site

    from accounts.models import User
    from audit.models import Event

    request = rf.post("/admin/accounts/user/add/")
    request.user = city.user("admin")
    model_admin = site._registry[User]
    user = User(username="petugas2")
    user.set_password("sandi-panjang-2026!")
    model_admin.save_model(request, user, form=None, change=False)
    user.set_password("sandi-baru-2026!")
    model_admin.save_model(request, user, form=None, change=True)
    events = list(Event.objects.filter(object_type="accounts.user", object_id=str(user.pk)).order_by("seq"))
    assert [e.action for e in events] == ["admin.accounts.user.add", "admin.accounts.user.change"]
    assert all("argon2" not in str(e.changes) for e in events)
    assert events[1].changes["password"] == {"old": "[disembunyikan]", "new": "[diubah]"}
