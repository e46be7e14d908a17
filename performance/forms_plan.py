"""Forms of the planning and doing pages. They parse what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from performance import rules
from performance.models import Aspect, Direction, IndicatorKind, Level, PeerRelation, RhkKind

STALE_FORM = _("Formulir ini tidak lengkap atau kedaluwarsa. Muat ulang halaman lalu coba lagi.")


class VersionedForm(forms.Form):
    """A form made from one version of the SKP: the save is refused if someone saved in between."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages={"required": STALE_FORM})


class StartForm(forms.Form):
    period = forms.IntegerField(widget=forms.HiddenInput)
    copy_previous = forms.BooleanField(
        label=_("Salin RHK dan indikator dari SKP tahun lalu"),
        required=False,
        help_text=_("Target ikut tersalin; realisasi tidak. Semuanya masih dapat diubah sebelum diajukan."),
    )


class RhkForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Jenis RHK"), choices=RhkKind.choices)
    text = forms.CharField(label=_("Rencana hasil kerja"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.TypedChoiceField(
        label=_("RHK atasan yang diintervensi"), required=False, coerce=int, empty_value=None
    )
    perspektif = forms.CharField(
        label=_("Perspektif"),
        required=False,
        max_length=120,
        help_text=_("Hanya untuk SKP pejabat pimpinan tinggi (JPT); selain itu kosongkan."),
    )

    def __init__(self, *args, parent_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        field.choices = [("", _("— belum dipilih —")), *parent_choices]
        if not parent_choices:
            field.help_text = _(
                "Pejabat penilai Anda belum menyusun RHK pada periode ini. Pilihannya muncul setelah ada."
            )


class LibrarySelect(forms.Select):
    """Options carry the library indicator's wording, so picking one can fill the form (criteria.js)."""

    def __init__(self, *args, option_data=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_data = option_data or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


class IndicatorForm(VersionedForm):
    text = forms.CharField(label=_("Indikator kinerja"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    aspect = forms.ChoiceField(label=_("Aspek"), choices=Aspect.choices)
    kind = forms.ChoiceField(
        label=_("Cara ukur"),
        choices=IndicatorKind.choices,
        help_text=_("Kuantitatif: target berupa angka dan satuan. Kualitatif: target berupa uraian."),
    )
    target_value = forms.CharField(label=_("Target (angka)"), required=False, max_length=20)
    target_unit = forms.CharField(label=_("Satuan"), required=False, max_length=40)
    target_text = forms.CharField(
        label=_("Target (uraian)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    direction = forms.ChoiceField(
        label=_("Arah"),
        choices=Direction.choices,
        help_text=_("Untuk waktu dan biaya biasanya makin rendah makin baik."),
    )

    def __init__(self, *args, library=(), **kwargs):
        """`library`: adopted library indicators (criteria.CriterionVersion) the employee may pick."""
        super().__init__(*args, **kwargs)
        if not library:
            return
        data = {
            str(v.pk): {
                "data-text": v.text,
                "data-aspect": v.aspect,
                "data-kind": v.indicator_kind,
                "data-unit": v.measure_unit,
            }
            for v in library
        }
        field = forms.TypedChoiceField(
            label=_("Ambil dari pustaka kriteria"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[
                ("", _("— tulis sendiri —")),
                *(
                    (
                        v.pk,
                        _("%(title)s (v%(n)s, %(unit)s)")
                        % {"title": v.criterion.title, "n": v.number, "unit": v.criterion.unit.name},
                    )
                    for v in library
                ),
            ],
            widget=LibrarySelect(attrs={"data-library-pick": ""}, option_data=data),
            help_text=_("Indikator yang disusun bersama dan ditetapkan kepala unit. Isian di bawah terisi darinya."),
        )
        self.fields = {"criterion_version": field, **self.fields}


class ReviewForm(VersionedForm):
    decision = forms.ChoiceField(choices=[("agree", _("Setujui")), ("return", _("Kembalikan dengan catatan"))])
    comment = forms.CharField(
        label=_("Catatan untuk pegawai"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi bila SKP dikembalikan: tuliskan apa yang perlu diperbaiki."),
    )


class SubmitForm(VersionedForm):
    pass


class ExpectationsForm(VersionedForm):
    """The leader's special expectation for each BerAKHLAK value, with its three guidance lines as help."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name, lines in rules.BERAKHLAK:
            self.fields[f"exp_{code}"] = forms.CharField(
                label=name,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="; ".join(lines),
            )

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"exp_{code}", "") for code, _n, _l in rules.BERAKHLAK}


class ThreadStartForm(forms.Form):
    subject = forms.CharField(label=_("Topik"), required=False, max_length=200)
    body = forms.CharField(label=_("Pesan"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))
    rhk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    value = forms.ChoiceField(label=_("Nilai BerAKHLAK"), required=False)
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, on_value: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if on_value:
            self.fields["value"].required = True
            self.fields["value"].choices = [("", _("— pilih nilai —"))] + [
                (code, name) for code, name, _l in rules.BERAKHLAK
            ]
        else:
            del self.fields["value"]


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Balasan"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)


class PeerRequestForm(forms.Form):
    respondents = forms.TypedMultipleChoiceField(
        label=_("Rekan kerja atau bawahan yang diminta menjawab"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih sekurang-kurangnya satu rekan kerja atau bawahan.")},
    )
    relation = forms.ChoiceField(label=_("Hubungan dengan pegawai"), choices=PeerRelation.choices)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondents"].choices = [(e.pk, f"{e.full_name} — {e.position.name}") for e in candidates]


class PeerAnswerForm(forms.Form):
    """One level for each of the seven BerAKHLAK values; the three guidance lines explain each."""

    comment = forms.CharField(
        label=_("Catatan (tidak wajib)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name, lines in rules.BERAKHLAK:
            self.fields[f"level_{code}"] = forms.ChoiceField(
                label=name,
                choices=Level.choices,
                widget=forms.RadioSelect,
                help_text="; ".join(lines),
                error_messages={"required": _("Pilih satu untuk nilai ini.")},
            )

    def levels(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"level_{code}"] for code, _n, _l in rules.BERAKHLAK}

    def value_rows(self):
        """Each value's field with its three guidance lines, in the regulation's order."""
        return [(self[f"level_{code}"], lines) for code, _n, lines in rules.BERAKHLAK]


class AnnexForm(VersionedForm):
    """The three annex sections of the SKP (Lampiran PermenPANRB 6/2022)."""

    dukungan_sumber_daya = forms.CharField(
        label=_("Dukungan sumber daya"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    skema_pertanggungjawaban = forms.CharField(
        label=_("Skema pertanggungjawaban"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    konsekuensi = forms.CharField(
        label=_("Konsekuensi"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
