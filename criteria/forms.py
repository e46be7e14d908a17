"""Forms of the criteria pages. They parse what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.models import VALUE_CHOICES, VERSION_FIELDS, CriterionKind
from org.models import PositionKind
from performance.models import Aspect, IndicatorKind

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class RoundForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit kerja"), coerce=int)
    title = forms.CharField(label=_("Judul putaran"), max_length=200)
    period = forms.TypedChoiceField(
        label=_("Periode kinerja"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Periode yang SKP-nya akan memakai kriteria hasil putaran ini (tidak wajib)."),
    )
    description = forms.CharField(
        label=_("Keterangan untuk ASN unit"),
        required=False,
        max_length=4000,
        widget=_area(),
        help_text=_("Misalnya: indikator apa yang paling perlu diperjelas tahun ini."),
    )
    opens_at = forms.DateTimeField(
        label=_("Dibuka"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Kosongkan untuk membuka sekarang. Seluruh ASN unit diberi tahu saat putaran dibuka."),
    )
    closes_at = forms.DateTimeField(
        label=_("Ditutup"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Sampai waktu ini ASN dapat mengusulkan, berkomentar, dan mengubah suaranya."),
    )

    def __init__(self, *args, units=(), periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, "\u2003" * u.depth + u.name) for u in units]
        self.fields["period"].choices = [("", _("— tanpa periode —")), *((p.pk, p.name) for p in periods)]


class ProposalForm(forms.Form):
    """A new criterion (title, kind, where it applies, wording), or with `base` a change of wording."""

    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Judul kriteria"), max_length=200)
    criterion_kind = forms.ChoiceField(
        label=_("Jenis kriteria"),
        choices=CriterionKind.choices,
        help_text=_("Indikator hasil kerja dapat dipakai di SKP. Rubrik perilaku menjabarkan satu nilai BerAKHLAK."),
    )
    value = forms.ChoiceField(
        label=_("Nilai BerAKHLAK (untuk rubrik perilaku)"),
        required=False,
        choices=[("", _("— bukan rubrik perilaku —")), *VALUE_CHOICES],
    )
    scope_unit = forms.TypedChoiceField(label=_("Berlaku di unit"), coerce=int)
    position_family = forms.ChoiceField(
        label=_("Hanya untuk rumpun jabatan"),
        required=False,
        help_text=_("Kosongkan bila berlaku untuk semua jabatan di unit itu."),
    )
    position_kind = forms.ChoiceField(
        label=_("Hanya untuk jenis jabatan"),
        required=False,
        choices=[("", _("— semua jenis jabatan —")), *PositionKind.choices],
    )
    text = forms.CharField(
        label=_("Rumusan indikator atau perilaku"),
        max_length=4000,
        widget=_area(2),
        help_text=_("Satu kalimat yang dapat diperiksa, misalnya: Persentase aduan layanan yang selesai dalam 3 hari."),
    )
    aspect = forms.ChoiceField(label=_("Aspek"), choices=Aspect.choices, required=False)
    indicator_kind = forms.ChoiceField(
        label=_("Cara ukur"),
        choices=IndicatorKind.choices,
        required=False,
        help_text=_("Kuantitatif: target berupa angka dan satuan. Kualitatif: target berupa uraian."),
    )
    measure_unit = forms.CharField(label=_("Satuan"), required=False, max_length=40)
    measurement = forms.CharField(
        label=_("Cara mengukur"),
        required=False,
        max_length=4000,
        widget=_area(2),
        help_text=_("Apa yang dihitung, dari data mana, dan kapan; agar setiap ASN menghitung dengan cara yang sama."),
    )
    evidence = forms.CharField(
        label=_("Bukti dukung yang diharapkan"), required=False, max_length=4000, widget=_area(2)
    )
    example_below = forms.CharField(
        label=_("Contoh Di Bawah Ekspektasi"), required=False, max_length=4000, widget=_area(2)
    )
    example_meets = forms.CharField(
        label=_("Contoh Sesuai Ekspektasi"), required=False, max_length=4000, widget=_area(2)
    )
    example_above = forms.CharField(
        label=_("Contoh Di Atas Ekspektasi"), required=False, max_length=4000, widget=_area(2)
    )
    rationale = forms.CharField(
        label=_("Alasan usulan"),
        max_length=4000,
        widget=_area(2),
        help_text=_("Apa yang menjadi lebih jelas, lebih terukur, atau lebih adil dengan usulan ini."),
    )

    NEW_ONLY = ("title", "criterion_kind", "value", "scope_unit", "position_family", "position_kind")

    def __init__(self, *args, base=None, units=(), families=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        if base is not None:
            for name in self.NEW_ONLY:
                del self.fields[name]
            if base.criterion.kind == CriterionKind.PERILAKU:
                for name in ("aspect", "indicator_kind", "measure_unit"):
                    del self.fields[name]
            else:
                for name in ("example_below", "example_meets", "example_above"):
                    del self.fields[name]
            return
        self.fields["scope_unit"].choices = [(u.pk, "\u2003" * u.depth + u.name) for u in units]
        self.fields["position_family"].choices = [("", _("— semua rumpun jabatan —")), *((f, f) for f in families)]

    def version_fields(self) -> dict[str, str]:
        cd = self.cleaned_data
        return {n: cd.get(n, "") or "" for n in VERSION_FIELDS}


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Komentar"), max_length=4000, widget=_area(2))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Putusan"),
        choices=[("adopt", _("Terima: terbitkan sebagai versi baru")), ("reject", _("Tolak"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih terima atau tolak.")},
    )
    reason = forms.CharField(
        label=_("Alasan putusan"),
        max_length=4000,
        widget=_area(3),
        help_text=_("Wajib. Alasan ini dibaca seluruh ASN unit, termasuk pengusul."),
        error_messages={"required": _("Tuliskan alasan putusan; alasan ini dibaca seluruh ASN unit.")},
    )
