"""The criteria library and how it is drafted together.

A `Criterion` is a published indicator (hasil kerja) or behaviour rubric (perilaku, for one
BerAKHLAK value) owned by a unit and optionally narrowed to a position family. Its wording lives in
`CriterionVersion`s: exactly one is adopted, the earlier ones are kept as superseded. Versions come
only from proposals that the head of the unit adopted at the end of a drafting `Round`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from criteria import rules
from org.models import Employee, PositionKind, Unit
from performance.models import Aspect, IndicatorKind, Period
from performance.rules import BERAKHLAK


class CriterionKind(models.TextChoices):
    HASIL_KERJA = "hasil_kerja", _("Indikator hasil kerja")
    PERILAKU = "perilaku", _("Rubrik perilaku kerja")


# The seven BerAKHLAK values, named as in the regulation (performance.rules keeps their guidance).
VALUE_CHOICES = [(code, name) for code, name, _lines in BERAKHLAK]


class Criterion(models.Model):
    """A criterion in the library, where it applies, and what kind it is."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit kerja"), on_delete=models.PROTECT, related_name="+")
    # Narrows the criterion to one family of posts inside the unit ("Pranata Komputer"), or one kind.
    position_family = models.CharField(_("rumpun jabatan"), max_length=200, blank=True)
    position_kind = models.CharField(_("jenis jabatan"), max_length=20, choices=PositionKind.choices, blank=True)
    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("jenis kriteria"), max_length=12, choices=CriterionKind.choices)
    value = models.CharField(_("nilai BerAKHLAK"), max_length=12, choices=VALUE_CHOICES, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "unit__path", "position_family", "title", "id"]
        verbose_name = _("kriteria")
        verbose_name_plural = _("kriteria")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="perilaku") & ~Q(value="")) | (Q(kind="hasil_kerja") & Q(value="")),
                name="criterion_value_only_for_perilaku",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    ADOPTED = "adopted", _("Berlaku")
    SUPERSEDED = "superseded", _("Digantikan")


# The fields a proposal drafts and a version keeps, in reading order (also the fields of a diff).
VERSION_FIELDS = (
    "text",
    "measure_unit",
    "measurement",
    "evidence",
    "aspect",
    "indicator_kind",
    "example_below",
    "example_meets",
    "example_above",
)


class VersionFields(models.Model):
    """The wording of a criterion: what a proposal drafts and an adopted version keeps."""

    text = models.TextField(_("rumusan indikator"))
    measure_unit = models.CharField(_("satuan"), max_length=40, blank=True)
    measurement = models.TextField(_("cara mengukur"), blank=True)
    evidence = models.TextField(_("bukti dukung yang diharapkan"), blank=True)
    aspect = models.CharField(_("aspek"), max_length=10, choices=Aspect.choices, default=Aspect.KUANTITAS)
    indicator_kind = models.CharField(
        _("cara ukur"), max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.KUANTITATIF
    )
    # For a behaviour rubric: what each expectation level looks like for the value.
    example_below = models.TextField(_("contoh Di Bawah Ekspektasi"), blank=True)
    example_meets = models.TextField(_("contoh Sesuai Ekspektasi"), blank=True)
    example_above = models.TextField(_("contoh Di Atas Ekspektasi"), blank=True)

    class Meta:
        abstract = True

    def version_data(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in VERSION_FIELDS}


class CriterionVersion(VersionFields):
    """One adopted wording of a criterion. Never edited: a change is a new version."""

    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versi"))
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.ADOPTED)
    adopted_at = models.DateTimeField(default=timezone.now)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    adoption_reason = models.TextField(_("alasan penetapan"))
    superseded_at = models.DateTimeField(null=True, blank=True)
    round = models.ForeignKey("Round", on_delete=models.PROTECT, related_name="versions")
    proposal = models.OneToOneField("Proposal", on_delete=models.PROTECT, related_name="adopted_version")

    class Meta:
        ordering = ["criterion_id", "number"]
        verbose_name = _("versi kriteria")
        verbose_name_plural = _("versi kriteria")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "number"], name="criterionversion_unique_number"),
            models.UniqueConstraint(
                fields=["criterion"], condition=Q(status="adopted"), name="criterionversion_one_adopted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} v{self.number}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Terbuka")
    CLOSED = "closed", _("Ditutup")


class Round(models.Model):
    """A drafting round of one unit: its ASN propose, comment and vote until it closes."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit kerja"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        Period, verbose_name=_("periode kinerja"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    opens_at = models.DateTimeField(_("dibuka"))
    closes_at = models.DateTimeField(_("ditutup"))
    status = models.CharField(max_length=6, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # When the unit was told the round is open (at once, or by the command for a scheduled round).
    announced_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("putaran penyusunan kriteria")
        verbose_name_plural = _("putaran penyusunan kriteria")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening"),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    def state(self, now=None) -> rules.RoundState:
        return rules.round_state(
            closed=self.status == RoundStatus.CLOSED,
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            now=now or timezone.now(),
        )


class ProposalKind(models.TextChoices):
    NEW = "new", _("Kriteria baru")
    CHANGE = "change", _("Perubahan kriteria")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Menunggu putusan")
    ADOPTED = "adopted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")


class Proposal(VersionFields):
    """A proposed new criterion, or a change of the wording of an adopted one (its base version)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="proposals")
    proposer = models.ForeignKey(Employee, verbose_name=_("pengusul"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("jenis usulan"), max_length=6, choices=ProposalKind.choices)
    base_version = models.ForeignKey(
        CriterionVersion,
        verbose_name=_("versi yang diubah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_proposals",
    )
    # For a new criterion: what it is and where it applies (a change keeps the criterion's own).
    title = models.CharField(_("judul"), max_length=200)
    criterion_kind = models.CharField(_("jenis kriteria"), max_length=12, choices=CriterionKind.choices)
    value = models.CharField(_("nilai BerAKHLAK"), max_length=12, choices=VALUE_CHOICES, blank=True)
    scope_unit = models.ForeignKey(Unit, verbose_name=_("berlaku di unit"), on_delete=models.PROTECT, related_name="+")
    position_family = models.CharField(_("rumpun jabatan"), max_length=200, blank=True)
    position_kind = models.CharField(_("jenis jabatan"), max_length=20, choices=PositionKind.choices, blank=True)
    rationale = models.TextField(_("alasan usulan"))
    status = models.CharField(max_length=8, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    decision_reason = models.TextField(_("alasan putusan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round_id", "created_at", "id"]
        verbose_name = _("usulan kriteria")
        verbose_name_plural = _("usulan kriteria")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="change") & Q(base_version__isnull=False))
                | (Q(kind="new") & Q(base_version__isnull=True)),
                name="proposal_change_has_base",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(decision_reason=""), name="proposal_decision_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("komentar"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal_id", "created_at", "id"]
        verbose_name = _("komentar usulan")
        verbose_name_plural = _("komentar usulan")

    def __str__(self) -> str:
        return self.body[:60]


class Vote(models.Model):
    """One person's vote on one proposal (+1 agree, −1 disagree); changeable until the round closes."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal_id", "voter_id"]
        verbose_name = _("suara")
        verbose_name_plural = _("suara")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="vote_one_per_person"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_value_plus_or_minus_one"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.voter_id}: {self.value:+d}"
