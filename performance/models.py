"""The performance cycle of PermenPANRB 6/2022: periods, SKP, realisation, feedback, ratings, objections.

Rule numbers (matrix, quotas, thresholds) live in `performance.rules`; the rule *settings* that an
office may change (quotas, thresholds, objection days) are stored on the period as data.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Employee, Unit


class Scheme(models.TextChoices):
    TRIWULAN = "TRIWULAN", _("Triwulan")
    SEMESTER = "SEMESTER", _("Semester")


class PeriodStatus(models.TextChoices):
    PLANNING = "planning", _("Perencanaan")
    DOING = "doing", _("Pelaksanaan")
    EVALUATION = "evaluation", _("Evaluasi")
    PUBLISHED = "published", _("Diumumkan")
    CLOSED = "closed", _("Ditutup")


class Level(models.TextChoices):
    DI_ATAS = "DI_ATAS", _("Di Atas Ekspektasi")
    SESUAI = "SESUAI", _("Sesuai Ekspektasi")
    DI_BAWAH = "DI_BAWAH", _("Di Bawah Ekspektasi")


class Predikat(models.TextChoices):
    SANGAT_BAIK = "SANGAT_BAIK", _("Sangat Baik")
    BAIK = "BAIK", _("Baik")
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN", _("Butuh Perbaikan")
    KURANG = "KURANG", _("Kurang/Misconduct")
    SANGAT_KURANG = "SANGAT_KURANG", _("Sangat Kurang")


class OrgPredikat(models.TextChoices):
    ISTIMEWA = "ISTIMEWA", _("Istimewa")
    BAIK = "BAIK", _("Baik")
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN", _("Butuh Perbaikan")
    KURANG = "KURANG", _("Kurang")
    SANGAT_KURANG = "SANGAT_KURANG", _("Sangat Kurang")


class Period(models.Model):
    """A performance year with its periodic evaluations and the dates of each stage."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    name = models.CharField(_("nama"), max_length=120)
    scheme = models.CharField(_("evaluasi periodik"), max_length=10, choices=Scheme.choices, default=Scheme.TRIWULAN)
    status = models.CharField(_("tahap"), max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.PLANNING)
    planning_opens = models.DateField(_("perencanaan dibuka"))
    planning_closes = models.DateField(_("batas penetapan SKP"))
    evaluation_opens = models.DateField(_("evaluasi dibuka"))
    evaluation_closes = models.DateField(_("evaluasi ditutup"))
    published_on = models.DateField(_("tanggal pengumuman"), null=True, blank=True)
    objection_days = models.PositiveSmallIntegerField(_("batas keberatan (hari)"), default=14)
    # Rule settings as data (validated by performance.rules on save through the service).
    distribution_rules = models.JSONField(_("pola distribusi"), default=dict, blank=True)
    achievement_rule = models.JSONField(_("aturan capaian"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("periode kinerja")
        verbose_name_plural = _("periode kinerja")
        constraints = [
            models.UniqueConstraint(fields=["year", "scheme"], name="period_unique_year_scheme"),
            models.CheckConstraint(
                condition=Q(planning_closes__gte=models.F("planning_opens")), name="period_planning_order"
            ),
            models.CheckConstraint(
                condition=Q(evaluation_closes__gte=models.F("evaluation_opens")), name="period_evaluation_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Slice(models.Model):
    """One periodic evaluation inside a period (Triwulan I … IV, or Semester I/II)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="slices")
    code = models.CharField(max_length=4)
    label = models.CharField(_("nama"), max_length=40)
    start = models.DateField(_("mulai"))
    end = models.DateField(_("selesai"))

    class Meta:
        ordering = ["period_id", "start"]
        constraints = [models.UniqueConstraint(fields=["period", "code"], name="slice_unique_code")]

    def __str__(self) -> str:
        return self.label


class OrgResult(models.Model):
    """The capaian kinerja organisasi of a perangkat daerah, set by the next-higher leader; it picks the quota."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="org_results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    predikat = models.CharField(_("predikat organisasi"), max_length=16, choices=OrgPredikat.choices)
    note = models.TextField(_("catatan"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="orgresult_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.predikat}"


class SkpStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    AGREED = "agreed", _("Disetujui")


class Skp(models.Model):
    """An employee's Sasaran Kinerja Pegawai for a period. The reporting line is kept as it stood."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="skps")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="skps")
    penilai = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    atasan_penilai = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    position_name = models.CharField(max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=SkpStatus.choices, default=SkpStatus.DRAFT)
    return_comment = models.TextField(_("catatan pengembalian"), blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_version = models.PositiveIntegerField(null=True, blank=True)
    # The three annex sections of the SKP.
    dukungan_sumber_daya = models.TextField(_("dukungan sumber daya"), blank=True)
    skema_pertanggungjawaban = models.TextField(_("skema pertanggungjawaban"), blank=True)
    konsekuensi = models.TextField(_("konsekuensi"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["period_id", "employee_id"]
        verbose_name = _("SKP")
        verbose_name_plural = _("SKP")
        constraints = [models.UniqueConstraint(fields=["period", "employee"], name="skp_unique_employee_period")]

    def __str__(self) -> str:
        return f"SKP {self.employee_id} {self.period_id}"


class RhkKind(models.TextChoices):
    UTAMA = "UTAMA", _("Utama")
    TAMBAHAN = "TAMBAHAN", _("Tambahan")


class Rhk(models.Model):
    """A Rencana Hasil Kerja, cascading from the superior's RHK that it intervenes."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="rhks")
    kind = models.CharField(_("jenis"), max_length=10, choices=RhkKind.choices, default=RhkKind.UTAMA)
    text = models.TextField(_("rencana hasil kerja"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("RHK atasan yang diintervensi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    perspektif = models.CharField(_("perspektif"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["skp_id", "order", "id"]
        verbose_name = _("RHK")
        verbose_name_plural = _("RHK")

    def __str__(self) -> str:
        return self.text[:80]


class Aspect(models.TextChoices):
    KUANTITAS = "KUANTITAS", _("Kuantitas")
    KUALITAS = "KUALITAS", _("Kualitas")
    WAKTU = "WAKTU", _("Waktu")
    BIAYA = "BIAYA", _("Biaya")


class IndicatorKind(models.TextChoices):
    KUANTITATIF = "KUANTITATIF", _("Kuantitatif")
    KUALITATIF = "KUALITATIF", _("Kualitatif")


class Direction(models.TextChoices):
    HIGHER_BETTER = "HIGHER_BETTER", _("Makin tinggi makin baik")
    LOWER_BETTER = "LOWER_BETTER", _("Makin rendah makin baik")


class Indicator(models.Model):
    """An Indikator Kinerja Individu with its target: a number with a unit, or a described target."""

    rhk = models.ForeignKey(Rhk, on_delete=models.CASCADE, related_name="indicators")
    text = models.TextField(_("indikator"))
    aspect = models.CharField(_("aspek"), max_length=10, choices=Aspect.choices, default=Aspect.KUANTITAS)
    kind = models.CharField(
        _("cara ukur"), max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.KUANTITATIF
    )
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(_("satuan"), max_length=40, blank=True)
    target_text = models.TextField(_("target (uraian)"), blank=True)
    direction = models.CharField(max_length=14, choices=Direction.choices, default=Direction.HIGHER_BETTER)
    order = models.PositiveSmallIntegerField(default=0)
    # The adopted library version this indicator was taken from (criteria app), if any.
    criterion_version = models.ForeignKey(
        "criteria.CriterionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["rhk_id", "order", "id"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="KUALITATIF") | Q(target_value__isnull=False), name="indicator_quantitative_has_target"
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0), name="indicator_target_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Expectation(models.Model):
    """The leader's special expectation (ekspektasi khusus pimpinan) for one BerAKHLAK value."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="expectations")
    value = models.CharField(max_length=12)
    text = models.TextField(_("ekspektasi khusus pimpinan"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["skp", "value"], name="expectation_unique_value")]

    def __str__(self) -> str:
        return self.value


class SkpVersion(models.Model):
    """A frozen copy of an SKP at submission, return and agreement: every version is kept."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=SkpStatus.choices)
    content = models.JSONField()
    comment = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["skp_id", "number"]
        constraints = [models.UniqueConstraint(fields=["skp", "number"], name="skpversion_unique_number")]

    def __str__(self) -> str:
        return f"SKP {self.skp_id} v{self.number}"


class Realisation(models.Model):
    """What was achieved on one indicator in one periodic evaluation, with its evidence."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="realisations")
    slice = models.ForeignKey(Slice, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("realisasi"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("uraian realisasi"), blank=True)
    # For a kualitatif indicator the pejabat penilai judges the realisation against the described target.
    assessed_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["indicator_id", "slice_id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "slice"], name="realisation_unique_slice"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="realisation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.slice_id}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("Berkas")
    LINK = "link", _("Tautan")


class Evidence(models.Model):
    """A bukti dukung: a checked file kept under a random private name, or a link."""

    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=4, choices=EvidenceKind.choices)
    url = models.URLField(max_length=500, blank=True)
    title = models.CharField(_("judul"), max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    stored_name = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    # A form's one-time token: a second click of the same form finds the first upload.
    client_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["realisation_id", "created_at"]
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")

    def __str__(self) -> str:
        return self.title or self.filename or self.url


class Thread(models.Model):
    """A dialog kinerja between an employee and their appraiser, on an RHK or on a behaviour value."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="threads")
    rhk = models.ForeignKey(Rhk, null=True, blank=True, on_delete=models.CASCADE, related_name="threads")
    value = models.CharField(max_length=12, blank=True)
    subject = models.CharField(_("topik"), max_length=200)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_message_at"]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("pesan"))
    created_at = models.DateTimeField(default=timezone.now)
    client_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["thread_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class PeerRelation(models.TextChoices):
    PEER = "peer", _("Rekan kerja")
    SUBORDINATE = "subordinate", _("Bawahan")


class PeerRequest(models.Model):
    """A request for 360 input on an employee's behaviour. Answers are shown only in aggregate."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="peer_requests")
    respondent = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="peer_requests")
    relation = models.CharField(max_length=12, choices=PeerRelation.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    levels = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skp", "respondent"], name="peerrequest_unique_respondent"),
        ]

    def __str__(self) -> str:
        return f"360 {self.skp_id} ← {self.respondent_id}"


class EvaluationStatus(models.TextChoices):
    OPEN = "open", _("Belum dinilai")
    RATED = "rated", _("Sudah dinilai")
    FINAL = "final", _("Final")
    PUBLISHED = "published", _("Diumumkan")


class Evaluation(models.Model):
    """The annual evaluation of one SKP: suggestion, the appraiser's ratings with reasons, and predikat."""

    skp = models.OneToOneField(Skp, on_delete=models.PROTECT, related_name="evaluation")
    status = models.CharField(max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.OPEN)
    suggested_work_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    suggestion = models.JSONField(default=dict, blank=True)
    work_level = models.CharField(_("hasil kerja"), max_length=10, choices=Level.choices, blank=True)
    work_justification = models.TextField(_("alasan penilaian hasil kerja"), blank=True)
    behaviour_levels = models.JSONField(default=dict, blank=True)
    behaviour_level = models.CharField(_("perilaku kerja"), max_length=10, choices=Level.choices, blank=True)
    behaviour_justification = models.TextField(_("alasan penilaian perilaku"), blank=True)
    predikat = models.CharField(_("predikat"), max_length=16, choices=Predikat.choices, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    changed_by_objection = models.BooleanField(default=False)
    # Set when a calibration committee changed the rating (fairness.CalibrationDecision keeps both).
    changed_by_calibration = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("evaluasi kinerja")
        verbose_name_plural = _("evaluasi kinerja")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Evaluasi SKP {self.skp_id}"


class UnitFinalisation(models.Model):
    """HR's finalisation of a unit's evaluations, with the distribution warnings they accepted and why."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="finalisations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(default=dict)
    violations = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="finalisation_unique_unit")]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.unit_id}"


class ObjectionStatus(models.TextChoices):
    FILED = "filed", _("Diajukan")
    DECIDED = "decided", _("Diputus")


class Objection(models.Model):
    """A keberatan (PP 30/2019 Pasal 59): to the atasan pejabat penilai; the decision is final."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="objection")
    reason = models.TextField(_("alasan keberatan"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(Employee, null=True, on_delete=models.PROTECT, related_name="objections_to_review")
    status = models.CharField(max_length=8, choices=ObjectionStatus.choices, default=ObjectionStatus.FILED)
    original = models.JSONField(default=dict)
    changed = models.BooleanField(default=False)
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("keberatan")
        verbose_name_plural = _("keberatan")

    def __str__(self) -> str:
        return f"Keberatan {self.evaluation_id}"


class FollowUpKind(models.TextChoices):
    DEVELOPMENT = "development", _("Pengembangan kompetensi")
    REASSIGNMENT = "reassignment", _("Penempatan yang lebih sesuai")


class FollowUp(models.Model):
    """What a weak result opens for later domains (learning, careers): a recommendation to act on."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="follow_up")
    kind = models.CharField(max_length=14, choices=FollowUpKind.choices)
    predikat = models.CharField(max_length=16, choices=Predikat.choices)
    is_open = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.evaluation_id}"


class CreditAward(models.Model):
    """Annual credit points of a functional post: coefficient × predikat factor (PermenPANRB 1/2023)."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="credit")
    grade = models.CharField(max_length=20)
    coefficient = models.DecimalField(max_digits=6, decimal_places=2)
    factor = models.DecimalField(max_digits=4, decimal_places=2)
    months = models.PositiveSmallIntegerField(default=12)
    points = models.DecimalField(max_digits=8, decimal_places=3)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.points} ({self.evaluation_id})"


class Notification(models.Model):
    """A short message to one user with a link; shown on their home page until read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
