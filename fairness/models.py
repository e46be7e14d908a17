"""Fairness in the product: conflicts of interest, stored rater-effect analyses, calibration sessions.

The statistics live in `fairness.engine` (numpy/scipy only); these tables keep what an analysis
found and what a calibration committee decided about it. A calibration never overwrites the
record of the original rating: `CalibrationDecision.original` keeps it beside the new levels.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Employee, Unit
from performance.models import Evaluation, Period


class ConflictRelation(models.TextChoices):
    KELUARGA = "keluarga", _("Keluarga")
    HUBUNGAN_DEKAT = "hubungan_dekat", _("Hubungan dekat")
    LAINNYA = "lainnya", _("Lainnya")


class ConflictOfInterest(models.Model):
    """A declared relation between two employees that may bias one's rating of the other.

    Symmetric in use: a rating by either of the two of the other is flagged. Withdrawn declarations
    are kept (with when and by whom) rather than deleted.
    """

    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        Employee, verbose_name=_("pegawai"), on_delete=models.PROTECT, related_name="conflicts_declared"
    )
    other = models.ForeignKey(
        Employee, verbose_name=_("pegawai lain"), on_delete=models.PROTECT, related_name="conflicts_named"
    )
    relation = models.CharField(_("hubungan"), max_length=16, choices=ConflictRelation.choices)
    note = models.TextField(_("keterangan"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("konflik kepentingan")
        verbose_name_plural = _("konflik kepentingan")
        constraints = [
            models.CheckConstraint(condition=~Q(employee=F("other")), name="coi_two_different_people"),
            models.UniqueConstraint(
                fields=["employee", "other"], condition=Q(withdrawn_at__isnull=True), name="coi_unique_active_pair"
            ),
        ]
        indexes = [models.Index(fields=["other", "employee"])]

    def __str__(self) -> str:
        return f"{self.employee_id} ↔ {self.other_id} ({self.relation})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AnalysisKind(models.TextChoices):
    PERILAKU = "perilaku", _("Perilaku kerja (BerAKHLAK)")
    HASIL_KERJA = "hasil_kerja", _("Hasil kerja")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class AnalysisRun(models.Model):
    """One rater-effect analysis of a period's ratings, for a perangkat daerah or (unit null) everyone.

    `results` holds the engine's report (docs/fairness-cli.md) plus what the product adds: the rated
    pairs with their source, the evaluation of each ratee, the distribution and adverse impact.
    """

    period = models.ForeignKey(Period, verbose_name=_("periode"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("perangkat daerah"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("jenis penilaian"), max_length=12, choices=AnalysisKind.choices)
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=20, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    n_ratings = models.PositiveIntegerField(default=0)
    n_raters = models.PositiveIntegerField(default=0)
    n_ratees = models.PositiveIntegerField(default=0)
    # Raters with a flag the calibration committee reviews, and flagged rater x ratee pairs.
    n_flagged = models.PositiveIntegerField(default=0)
    n_flagged_pairs = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analisis keadilan")
        verbose_name_plural = _("analisis keadilan")
        indexes = [models.Index(fields=["period", "unit", "kind", "status"])]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="analysisrun_progress_max_100")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period_id} · {self.unit_id or '*'} ({self.status})"

    @property
    def busy(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class RaterResult(models.Model):
    """One rater's line of a finished analysis, indexed so "my latest report" is one query.

    `employee` is set for raters who are employees; `user` for the pimpinan rating heads of
    perangkat daerah on the Kepala Daerah's behalf without an employee record.
    """

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="rater_results")
    rater_key = models.CharField(max_length=32)
    employee = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_appraiser = models.BooleanField(default=False)
    severity = models.FloatField(null=True, blank=True)
    se = models.FloatField(null=True, blank=True)
    n = models.PositiveIntegerField(default=0)
    # Severities compare only inside one connected component of the rater x ratee network.
    component = models.PositiveIntegerField(default=0)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run_id", "rater_key"]
        constraints = [models.UniqueConstraint(fields=["run", "rater_key"], name="raterresult_unique_rater")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.rater_key}"


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Terbuka")
    CLOSED = "closed", _("Ditutup")


class CalibrationSession(models.Model):
    """A calibration committee meeting for one period and one perangkat daerah (or everyone)."""

    period = models.ForeignKey(Period, verbose_name=_("periode"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("perangkat daerah"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("judul"), max_length=200)
    status = models.CharField(max_length=8, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CalibrationMember",
        through_fields=("session", "user"),
        related_name="calibration_sessions",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sesi kalibrasi")
        verbose_name_plural = _("sesi kalibrasi")

    def __str__(self) -> str:
        return self.title


class MemberKind(models.TextChoices):
    ADMIN = "admin", _("Admin BKPSDM")
    PIMPINAN = "pimpinan", _("Pimpinan")
    INDEPENDENT = "independen", _("Anggota independen")


class CalibrationMember(models.Model):
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kedudukan"), max_length=12, choices=MemberKind.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session_id", "kind", "added_at"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="calibrationmember_unique_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.kind})"


class DecisionKind(models.TextChoices):
    KEEP = "keep", _("Tetap")
    ADJUST = "adjust", _("Diubah")


class CalibrationDecision(models.Model):
    """What the committee decided about one rating, with the rating as it stood before."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.PROTECT, related_name="decisions")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("keputusan"), max_length=8, choices=DecisionKind.choices)
    original = models.JSONField(default=dict)
    new_work_level = models.CharField(_("hasil kerja baru"), max_length=10, blank=True)
    new_behaviour_level = models.CharField(_("perilaku kerja baru"), max_length=10, blank=True)
    new_predikat = models.CharField(_("predikat baru"), max_length=16, blank=True)
    reason = models.TextField(_("alasan"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("keputusan kalibrasi")
        verbose_name_plural = _("keputusan kalibrasi")
        constraints = [
            models.UniqueConstraint(fields=["session", "evaluation"], name="calibrationdecision_unique_evaluation"),
            models.CheckConstraint(condition=~Q(reason=""), name="calibrationdecision_reason_required"),
            models.CheckConstraint(
                condition=Q(decision="keep") | (~Q(new_work_level="") & ~Q(new_behaviour_level="")),
                name="calibrationdecision_adjust_has_levels",
            ),
        ]
        indexes = [models.Index(fields=["evaluation", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.evaluation_id}: {self.decision}"
