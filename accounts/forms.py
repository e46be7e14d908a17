from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("NIP atau email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}),
    )
    error_messages = {
        "invalid_login": _("NIP/email atau kata sandi salah. Periksa lalu coba lagi."),
        "inactive": _("Akun ini tidak aktif. Hubungi admin BKPSDM."),
    }


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"), max_length=100, help_text=_("Untuk apa token ini dipakai, misalnya “SIASN sinkron”.")
    )


class ActivationPasswordResetForm(PasswordResetForm):
    """Password reset that also reaches accounts never given a password (imported employees).

    Their first password is set through this same email link, so the office never handles it.
    """

    def get_users(self, email):
        from accounts.models import User

        return (u for u in User.objects.filter(email__iexact=email, is_active=True) if _email_matches(u.email, email))


def _email_matches(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()
