from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from fairness.models import AnalysisKind, ConflictRelation, DecisionKind, MemberKind
from org.forms import NipField
from org.models import Unit
from performance.models import Level


def _unit_choices(units: list[Unit]) -> list[tuple[str, str]]:
    return [("", _("Seluruh organisasi")), *((str(u.pk), u.name) for u in units)]


class AnalysisStartForm(forms.Form):
    unit = forms.ChoiceField(label=_("Cakupan"), required=False)
    kind = forms.ChoiceField(label=_("Penilaian yang dianalisis"), choices=AnalysisKind.choices)

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = _unit_choices(units)

    def clean_unit(self) -> Unit | None:
        value = self.cleaned_data.get("unit") or ""
        return self.units.get(value) if value else None


class ConflictForm(forms.Form):
    """`employee` is a choice of the declarer and their team; HR types any NIP instead."""

    employee = forms.ChoiceField(label=_("Pegawai yang memiliki hubungan"))
    other = NipField(
        label=_("NIP pegawai lain"),
        help_text=_("Orang yang memiliki hubungan dengan pegawai di atas, misalnya keluarga atau sahabat dekat."),
    )
    relation = forms.ChoiceField(label=_("Hubungan"), choices=ConflictRelation.choices)
    note = forms.CharField(
        label=_("Keterangan (tidak wajib)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, subjects, any_employee: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if any_employee:
            self.fields["employee"] = NipField(label=_("NIP pegawai yang memiliki hubungan"))
        else:
            self.subjects = {str(e.pk): e for e in subjects}
            self.fields["employee"].choices = [(str(e.pk), f"{e.full_name} ({e.nip})") for e in subjects]

    def clean_employee(self):
        value = self.cleaned_data.get("employee")
        if hasattr(self, "subjects"):
            employee = self.subjects.get(value or "")
            if employee is None:
                raise forms.ValidationError(_("Pilih pegawai dari daftar."))
            return employee
        return value


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penarikan (tidak wajib)"), required=False, max_length=500)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Judul sesi"), max_length=200)
    unit = forms.ChoiceField(label=_("Cakupan"), required=False)

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = _unit_choices(units)

    def clean_unit(self) -> Unit | None:
        value = self.cleaned_data.get("unit") or ""
        return self.units.get(value) if value else None


class MemberForm(forms.Form):
    username = forms.CharField(
        label=_("NIP atau nama pengguna"),
        max_length=150,
        help_text=_("Untuk pegawai, nama pengguna adalah NIP."),
    )
    kind = forms.ChoiceField(label=_("Kedudukan"), choices=MemberKind.choices)

    def clean_username(self) -> User:
        value = (self.cleaned_data.get("username") or "").strip()
        user = User.objects.filter(username=value).first()
        if user is None:
            raise forms.ValidationError(_("Tidak ada pengguna %(name)s."), params={"name": value})
        return user


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan"), choices=DecisionKind.choices, widget=forms.RadioSelect)
    work_level = forms.ChoiceField(
        label=_("Hasil kerja (bila diubah)"), choices=[("", "—"), *Level.choices], required=False
    )
    behaviour_level = forms.ChoiceField(
        label=_("Perilaku kerja (bila diubah)"), choices=[("", "—"), *Level.choices], required=False
    )
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == DecisionKind.ADJUST:
            for name in ("work_level", "behaviour_level"):
                if not data.get(name):
                    self.add_error(name, _("Pilih penilaian yang baru."))
        return data
