"""Forms of the evaluation pages. They parse and keep what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from performance import rules
from performance.models import Level, OrgPredikat, PeriodStatus, Scheme

LEVEL_CHOICES = [(lv.value, Level(lv.value).label) for lv in rules.LEVEL_ORDER]


def value_field_name(code: str) -> str:
    return f"value_{code}"


class RatingForm(forms.Form):
    """The pejabat penilai's two ratings, the level of each BerAKHLAK value, and the reasons."""

    work_level = forms.ChoiceField(label=_("Penilaian hasil kerja"), choices=LEVEL_CHOICES, widget=forms.RadioSelect)
    behaviour_level = forms.ChoiceField(
        label=_("Penilaian perilaku kerja"), choices=LEVEL_CHOICES, widget=forms.RadioSelect
    )
    work_justification = forms.CharField(
        label=_("Alasan penilaian hasil kerja"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi bila penilaian Anda berbeda dari saran."),
    )
    behaviour_justification = forms.CharField(
        label=_("Alasan penilaian perilaku kerja"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi bila penilaian Anda berbeda dari penilaian per nilai atau dari masukan 360."),
    )
    note = forms.CharField(label=_("Catatan untuk pegawai"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name, _lines in rules.BERAKHLAK:
            self.fields[value_field_name(code)] = forms.ChoiceField(
                label=name,
                choices=LEVEL_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Pilih tingkat untuk nilai ini.")},
            )

    def behaviour_levels(self) -> dict[str, str]:
        return {code: self.cleaned_data[value_field_name(code)] for code, _n, _l in rules.BERAKHLAK}


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan keberatan"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Jelaskan bagian mana dari hasil yang Anda anggap keliru dan mengapa, dengan bukti bila ada."),
    )


class DecisionForm(forms.Form):
    KEEP, CHANGE = "keep", "change"
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[(KEEP, _("Hasil tetap")), (CHANGE, _("Hasil diubah"))],
        widget=forms.RadioSelect,
    )
    work_level = forms.ChoiceField(
        label=_("Hasil kerja yang baru"), choices=[("", "—"), *LEVEL_CHOICES], required=False
    )
    behaviour_level = forms.ChoiceField(
        label=_("Perilaku kerja yang baru"), choices=[("", "—"), *LEVEL_CHOICES], required=False
    )
    reason = forms.CharField(label=_("Alasan keputusan"), widget=forms.Textarea(attrs={"rows": 4}))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Nama"), max_length=120, required=False, help_text=_("Misalnya: Kinerja 2026."))
    scheme = forms.ChoiceField(label=_("Evaluasi periodik"), choices=Scheme.choices, initial=Scheme.TRIWULAN)
    planning_opens = forms.DateField(label=_("Perencanaan dibuka"), widget=DateInput())
    planning_closes = forms.DateField(label=_("Batas penetapan SKP"), widget=DateInput())
    evaluation_opens = forms.DateField(label=_("Evaluasi dibuka"), widget=DateInput())
    evaluation_closes = forms.DateField(label=_("Evaluasi ditutup"), widget=DateInput())
    objection_days = forms.IntegerField(
        label=_("Batas keberatan (hari)"),
        min_value=1,
        max_value=90,
        initial=rules.OBJECTION_DAYS,
        help_text=_("PP 30/2019 Pasal 59: 14 hari sejak hasil diumumkan."),
    )


class PeriodStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Tahap"), choices=[c for c in PeriodStatus.choices if c[0] != PeriodStatus.PUBLISHED]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class OrgResultForm(forms.Form):
    predikat = forms.ChoiceField(label=_("Capaian kinerja organisasi"), choices=OrgPredikat.choices)
    note = forms.CharField(
        label=_("Catatan atau dasar penetapan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FinaliseForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib bila distribusi predikat tidak sesuai pola organisasi."),
    )
