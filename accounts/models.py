"""Users and the roles they hold.

Roles that follow from the reporting line (penilai, atasan penilai) are never stored: they are
read from the organisation. Stored roles are the ones an office grants (admin BKPSDM, pimpinan,
panitia seleksi, auditor).
"""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PEGAWAI = "pegawai", _("Pegawai")
    PENILAI = "penilai", _("Pejabat penilai")
    ATASAN_PENILAI = "atasan_penilai", _("Atasan pejabat penilai")
    ADMIN = "admin", _("Admin BKPSDM")
    PIMPINAN = "pimpinan", _("Pimpinan")
    PANITIA = "panitia", _("Panitia seleksi")
    AUDITOR = "auditor", _("Auditor")


GRANTABLE_ROLES = (Role.ADMIN, Role.PIMPINAN, Role.PANITIA, Role.AUDITOR)


class User(AbstractUser):
    """A login. `username` is the NIP for employees; officers without a NIP use a short name."""

    employee = models.OneToOneField(
        "org.Employee",
        verbose_name=_("pegawai"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    email = models.EmailField(_("email"), blank=True, db_index=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleGrant(models.Model):
    """A role granted to a user by the office (never one derived from the reporting line)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("peran"), max_length=20, choices=[(r.value, r.label) for r in GRANTABLE_ROLES])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique_user_role")]
        verbose_name = _("pemberian peran")
        verbose_name_plural = _("pemberian peran")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @staticmethod
    def generate() -> str:
        return "trg_" + secrets.token_urlsafe(32)
