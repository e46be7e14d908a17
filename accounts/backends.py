"""Log in with a NIP (spaces allowed, as printed on an ID card) or an email address."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User


def normalise_login(value: str) -> str:
    value = (value or "").strip()
    compact = "".join(value.split())
    if compact.isdigit():
        return compact
    return value


class NipOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        login = normalise_login(username)
        if "@" in login:
            candidates = list(User.objects.filter(email__iexact=login)[:2])
            # An email shared by two accounts identifies neither.
            user = candidates[0] if len(candidates) == 1 else None
        else:
            user = User.objects.filter(username=login).first()
        if user is None:
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
