from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Employee
from org.rules import RuleError, normalize_nip


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas daftar pegawai (.xlsx atau .csv)"),
        help_text=_("Gunakan templat agar nama kolom sesuai. Berkas diperiksa dulu; belum ada yang disimpan."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )


class NipField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            nip = normalize_nip(value)
        except RuleError:
            nip = ""
        employee = Employee.objects.filter(nip=nip).first() if nip else None
        if employee is None:
            raise forms.ValidationError(_("Tidak ada pegawai dengan NIP %(nip)s."), params={"nip": value})
        return employee


class ReportingOverrideForm(forms.Form):
    penilai = NipField(
        label=_("NIP pejabat penilai"),
        required=False,
        help_text=_("Kosongkan untuk memakai pejabat penilai menurut jabatan (rantai bawaan)."),
    )
    atasan_penilai = NipField(
        label=_("NIP atasan pejabat penilai"),
        required=False,
        help_text=_(
            "Kosongkan untuk memakai rantai bawaan: pejabat penilai dari pejabat penilai pegawai ini "
            "(yang diisi di atas, bila ada)."
        ),
    )
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class EmployeeActiveForm(forms.Form):
    active = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Alasan"), max_length=500, widget=forms.TextInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
