"""Organisation units, positions, employees and the reporting line."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PEMDA = "pemda", _("Pemerintah daerah")
    PERANGKAT_DAERAH = "perangkat_daerah", _("Perangkat daerah")
    BIDANG = "bidang", _("Bidang/bagian")
    SUBBIDANG = "subbidang", _("Subbidang/subbagian/seksi")
    LAINNYA = "lainnya", _("Unit lain")


class Unit(models.Model):
    """A node of the organisation tree. `path` holds the ids from the root ("/1/5/12/") for subtree reads."""

    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=UnitKind.choices, default=UnitKind.LAINNYA)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_in_parent"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True), name="unit_unique_root_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this unit, read from `path` without a query."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class PositionKind(models.TextChoices):
    JPT_UTAMA = "JPT_UTAMA", _("JPT Utama")
    JPT_MADYA = "JPT_MADYA", _("JPT Madya")
    JPT_PRATAMA = "JPT_PRATAMA", _("JPT Pratama")
    ADMINISTRATOR = "ADMINISTRATOR", _("Administrator")
    PENGAWAS = "PENGAWAS", _("Pengawas")
    PELAKSANA = "PELAKSANA", _("Pelaksana")
    FUNGSIONAL = "FUNGSIONAL", _("Fungsional")


class FunctionalGrade(models.TextChoices):
    NONE = "", _("—")
    AHLI_UTAMA = "AHLI_UTAMA", _("Ahli Utama")
    AHLI_MADYA = "AHLI_MADYA", _("Ahli Madya")
    AHLI_MUDA = "AHLI_MUDA", _("Ahli Muda")
    AHLI_PERTAMA = "AHLI_PERTAMA", _("Ahli Pertama")
    PENYELIA = "PENYELIA", _("Penyelia")
    MAHIR = "MAHIR", _("Mahir")
    TERAMPIL = "TERAMPIL", _("Terampil")
    PEMULA = "PEMULA", _("Pemula")


STRUCTURAL_KINDS = {
    PositionKind.JPT_UTAMA,
    PositionKind.JPT_MADYA,
    PositionKind.JPT_PRATAMA,
    PositionKind.ADMINISTRATOR,
    PositionKind.PENGAWAS,
}


class Position(models.Model):
    """A jabatan in a unit. A structural position (JPT, Administrator, Pengawas) heads its unit."""

    name = models.CharField(_("nama jabatan"), max_length=200)
    kind = models.CharField(_("jenis jabatan"), max_length=20, choices=PositionKind.choices)
    grade = models.CharField(
        _("jenjang fungsional"), max_length=20, choices=FunctionalGrade.choices, blank=True, default=""
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit kerja"), on_delete=models.PROTECT, related_name="positions")
    is_head = models.BooleanField(_("kepala unit"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit_id", "-is_head", "name"]
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="position_unique_name_in_unit"),
            models.UniqueConstraint(fields=["unit"], condition=Q(is_head=True), name="position_one_head_per_unit"),
            models.CheckConstraint(
                condition=Q(kind="FUNGSIONAL", grade__gt="") | (~Q(kind="FUNGSIONAL") & Q(grade="")),
                name="position_grade_only_for_fungsional",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmploymentStatus(models.TextChoices):
    PNS = "PNS", _("PNS")
    PPPK = "PPPK", _("PPPK")


class Gender(models.TextChoices):
    L = "L", _("Laki-laki")
    P = "P", _("Perempuan")


class EmployeeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_unit_tree(self, unit: Unit):
        return self.filter(unit__path__startswith=unit.path)

    def with_org(self):
        return self.select_related("unit", "position", "penilai", "atasan_penilai")


class Employee(models.Model):
    """An ASN (PNS or PPPK), identified by the 18-digit NIP / NI PPPK."""

    nip = models.CharField(_("NIP"), max_length=18, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    gelar_depan = models.CharField(_("gelar depan"), max_length=50, blank=True)
    gelar_belakang = models.CharField(_("gelar belakang"), max_length=80, blank=True)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    status = models.CharField(_("status"), max_length=4, choices=EmploymentStatus.choices)
    golongan = models.CharField(_("golongan/ruang"), max_length=8)
    position = models.ForeignKey(Position, verbose_name=_("jabatan"), on_delete=models.PROTECT, related_name="holders")
    unit = models.ForeignKey(Unit, verbose_name=_("unit kerja"), on_delete=models.PROTECT, related_name="employees")
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    # The reporting line as it is in force (derived, or the override where one is set);
    # stored so team pages read it in one join. Rebuilt by org.services.reporting_lines_rebuild.
    penilai = models.ForeignKey(
        "self",
        verbose_name=_("pejabat penilai"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team",
    )
    atasan_penilai = models.ForeignKey(
        "self",
        verbose_name=_("atasan pejabat penilai"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="second_line",
    )
    # Set by a person (or NIP_ATASAN in the roster) where the default chain does not fit.
    penilai_override = models.ForeignKey(
        "self",
        verbose_name=_("pejabat penilai (ditetapkan)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    atasan_penilai_override = models.ForeignKey(
        "self",
        verbose_name=_("atasan pejabat penilai (ditetapkan)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "nip"]
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        constraints = [
            models.CheckConstraint(condition=~Q(penilai=models.F("id")), name="employee_not_own_penilai"),
            models.CheckConstraint(
                condition=~Q(penilai_override=models.F("id")), name="employee_not_own_penilai_override"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        name = self.name
        if self.gelar_depan:
            name = f"{self.gelar_depan} {name}"
        if self.gelar_belakang:
            name = f"{name}, {self.gelar_belakang}"
        return name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    CHECKING = "checking", _("Memeriksa")
    INVALID = "invalid", _("Ada kesalahan")
    READY = "ready", _("Siap disimpan")
    SAVING = "saving", _("Menyimpan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class RosterImport(models.Model):
    """One uploaded roster file: its check (preview), then, when confirmed, its application."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(_("nama berkas"), max_length=255)
    # Random name under the private storage directory; never served directly.
    stored_name = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor daftar pegawai")
        verbose_name_plural = _("impor daftar pegawai")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
