"""The disclosure policy, the precomputed figures of the board and portal, and recognitions.

The board (/papan/) and the portal (/publik/) never join over evaluations at request time: they read
`UnitAggregate` and `EmployeeResult`, which `services.refresh_aggregates` rewrites for a published
period in one transaction (after publication, an objection decision or a calibration). Definitions
of the score, the percentiles and the position family: `transparency.rules`.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Employee, Unit
from performance.models import Evaluation, Period
from transparency import rules


class BoardMode(models.TextChoices):
    NAMES = rules.BoardMode.NAMES.value, _("Nama dengan predikat")
    PSEUDONYMS = rules.BoardMode.PSEUDONYMS.value, _("Nama samaran dengan predikat")
    AGGREGATES = rules.BoardMode.AGGREGATES.value, _("Hanya angka agregat")


class DisclosurePolicy(models.Model):
    """What the results board shows of other people, for one organisation (the root unit).

    Without a row the defaults apply: aggregates only, groups of 5 or more, family percentiles shown.
    The public portal uses the minimum group size too, but never below 5 (`rules.PUBLIC_MIN_GROUP`).
    """

    organisation = models.OneToOneField(
        Unit,
        verbose_name=_("organisasi"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
    )
    board_mode = models.CharField(
        _("papan unit menampilkan"), max_length=12, choices=BoardMode.choices, default=BoardMode.AGGREGATES
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("ukuran kelompok minimum"),
        default=rules.PUBLIC_MIN_GROUP,
        validators=[MinValueValidator(rules.BOARD_MIN_GROUP)],
        help_text=_(
            "Angka untuk kelompok yang lebih kecil disembunyikan. Portal publik selalu memakai sekurang-kurangnya 5."
        ),
    )
    show_family_percentiles = models.BooleanField(_("tampilkan persentil dalam rumpun jabatan"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kebijakan keterbukaan")
        verbose_name_plural = _("kebijakan keterbukaan")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_group_size__gte=rules.BOARD_MIN_GROUP), name="disclosurepolicy_min_group_at_least_2"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Kebijakan keterbukaan %(org)s")) % {"org": self.organisation}

    @property
    def public_min_group_size(self) -> int:
        return rules.public_minimum(self.min_group_size)


class AggregateSnapshot(models.Model):
    """When a period's figures were last computed. Its version and time are the portal's ETag and
    Last-Modified."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="aggregate_snapshot")
    version = models.PositiveIntegerField(default=0)
    # Reading began here: every change committed before this moment is in the figures.
    started_at = models.DateTimeField()
    refreshed_at = models.DateTimeField()
    trigger = models.CharField(max_length=40, blank=True)
    employees = models.PositiveIntegerField(default=0)
    min_group_size = models.PositiveSmallIntegerField()
    public_min_group_size = models.PositiveSmallIntegerField()
    criteria_available = models.BooleanField(default=False)

    class Meta:
        ordering = ["-period__year", "period_id"]
        verbose_name = _("perhitungan papan hasil")
        verbose_name_plural = _("perhitungan papan hasil")

    def __str__(self) -> str:
        return f"{self.period_id} v{self.version}"


class SuppressionReason(models.TextChoices):
    NONE = "", _("—")
    SMALL = rules.Suppression.SMALL.value, _("kurang dari ukuran kelompok minimum")
    COMPLEMENT = rules.Suppression.COMPLEMENT.value, _("dapat dihitung dari total dan kelompok lain")


class UnitAggregate(models.Model):
    """One perangkat daerah's figures for a published period (unit null: the whole organisation).

    Names and every figure are copied here so the portal reads this one table. Counts are of
    published results; `suppressed_*` say whether the board and the portal may show the figures.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit_name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)  # display order (by name; the organisation first)
    n = models.PositiveIntegerField(default=0)
    sangat_baik = models.PositiveIntegerField(default=0)
    baik = models.PositiveIntegerField(default=0)
    butuh_perbaikan = models.PositiveIntegerField(default=0)
    kurang = models.PositiveIntegerField(default=0)
    sangat_kurang = models.PositiveIntegerField(default=0)
    # Mean over the employees with a measured capaian of their mean capaian of RHK utama (%).
    avg_capaian = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    capaian_n = models.PositiveIntegerField(default=0)
    changed_by_objection = models.PositiveIntegerField(default=0)
    changed_by_calibration = models.PositiveIntegerField(default=0)
    # From the latest finished fairness analysis of this scope (None: no analysis).
    fairness_run_id = models.PositiveIntegerField(null=True, blank=True)
    fairness_kind = models.CharField(max_length=12, blank=True)
    fairness_finished_at = models.DateTimeField(null=True, blank=True)
    reliability_icc = models.FloatField(null=True, blank=True)
    reliability_alpha = models.FloatField(null=True, blank=True)
    raters = models.PositiveIntegerField(null=True, blank=True)
    flagged_raters = models.PositiveIntegerField(null=True, blank=True)
    # From the criteria app (empty when it has nothing yet): drafting participation and adopted criteria.
    participation = models.JSONField(default=dict, blank=True)
    adopted_criteria = models.JSONField(default=list, blank=True)
    suppressed_board = models.BooleanField(default=False)
    board_reason = models.CharField(max_length=12, choices=SuppressionReason.choices, blank=True)
    suppressed_public = models.BooleanField(default=False)
    public_reason = models.CharField(max_length=12, choices=SuppressionReason.choices, blank=True)

    class Meta:
        ordering = ["period_id", "position"]
        verbose_name = _("angka agregat unit")
        verbose_name_plural = _("angka agregat unit")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unitaggregate_unique_unit"),
            models.UniqueConstraint(
                fields=["period"], condition=Q(unit__isnull=True), name="unitaggregate_one_organisation_row"
            ),
            # A hidden figure must say why.
            models.CheckConstraint(
                condition=Q(suppressed_public=False) | ~Q(public_reason=""), name="unitaggregate_public_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.unit_name}"

    @property
    def is_organisation(self) -> bool:
        return self.unit_id is None

    def counts(self) -> dict[str, int]:
        """Counts by stored predikat code, best first."""
        return {
            "SANGAT_BAIK": self.sangat_baik,
            "BAIK": self.baik,
            "BUTUH_PERBAIKAN": self.butuh_perbaikan,
            "KURANG": self.kurang,
            "SANGAT_KURANG": self.sangat_kurang,
        }


class EmployeeResult(models.Model):
    """One employee's published result on the board: score, percentiles and pseudonym."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+")
    perangkat_daerah = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    family_key = models.CharField(max_length=220)
    family_name = models.CharField(max_length=200, blank=True)
    predikat = models.CharField(max_length=16)
    avg_capaian = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(max_digits=9, decimal_places=2)
    pct_unit = models.FloatField(null=True, blank=True)
    unit_n = models.PositiveIntegerField(default=0)
    pct_family = models.FloatField(null=True, blank=True)
    family_n = models.PositiveIntegerField(default=0)
    pseudonym = models.CharField(max_length=40)
    changed_by_objection = models.BooleanField(default=False)
    changed_by_calibration = models.BooleanField(default=False)

    class Meta:
        ordering = ["period_id", "perangkat_daerah_id", "pseudonym"]
        verbose_name = _("hasil pegawai di papan")
        verbose_name_plural = _("hasil pegawai di papan")
        constraints = [
            models.UniqueConstraint(fields=["period", "employee"], name="employeeresult_unique_employee"),
            models.UniqueConstraint(fields=["period", "pseudonym"], name="employeeresult_unique_pseudonym"),
            models.CheckConstraint(
                condition=Q(pct_unit__isnull=True) | (Q(pct_unit__gte=0) & Q(pct_unit__lte=100)),
                name="employeeresult_pct_unit_range",
            ),
            models.CheckConstraint(
                condition=Q(pct_family__isnull=True) | (Q(pct_family__gte=0) & Q(pct_family__lte=100)),
                name="employeeresult_pct_family_range",
            ),
        ]
        indexes = [models.Index(fields=["period", "perangkat_daerah"])]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.employee_id}"


class Recognition(models.Model):
    """A recognition (penghargaan) recorded by BKPSDM. It reaches the public portal only while the
    employee's own consent stands: given on their board page, withdrawable there at any time."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("pegawai"), on_delete=models.PROTECT, related_name="recognitions"
    )
    # The perangkat daerah it is shown under; filled from the employee's unit when left empty.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("perangkat daerah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"depth": 1},
    )
    title = models.CharField(_("penghargaan"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    year = models.PositiveSmallIntegerField(_("tahun"))
    consent_given_at = models.DateTimeField(_("izin tampil diberikan"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("izin tampil ditarik"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "title", "id"]
        verbose_name = _("penghargaan")
        verbose_name_plural = _("penghargaan")
        indexes = [models.Index(fields=["consent_given_at", "consent_withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def is_public(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None
