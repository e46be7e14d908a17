"""The documents of the performance cycle: the SKP and the Dokumen Evaluasi Kinerja Pegawai as A4 PDFs
shaped like the official forms (WeasyPrint renders an HTML template), and a unit's results as xlsx.

Each PDF has an `*_html` builder beside it, so what the document says can be read and tested as text.
"""

import io
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from org.models import Employee, Unit
from org.roster_file import neutralise
from org.rules import PANGKAT
from performance import selectors_eval as sel
from performance.models import EvaluationStatus, ObjectionStatus, Period, RhkKind, Skp, SkpStatus
from performance.services import peer_summary

_PLACE_PREFIXES = ("pemerintah kabupaten ", "pemerintah kota ", "pemerintah provinsi ", "pemerintah ")


def document_place() -> str:
    """The place written above the signatures: the region's name ("Sawahlunto"), or a setting."""
    place = getattr(settings, "TERANG_DOCUMENT_PLACE", "")
    if place:
        return place
    name = settings.TERANG_ORGANISATION_NAME
    for prefix in _PLACE_PREFIXES:
        if name.lower().startswith(prefix):
            return name[len(prefix) :]
    return name


def pangkat_golongan(employee: Employee | None) -> str:
    """ "Penata Muda, III/a" for a PNS; "Golongan IX" for a PPPK."""
    if employee is None or not employee.golongan:
        return ""
    name = PANGKAT.get(employee.golongan)
    if name:
        return f"{name}, {employee.golongan}"
    return _("Golongan %(gol)s") % {"gol": employee.golongan}


def _person(employee: Employee | None) -> dict[str, str] | None:
    if employee is None:
        return None
    return {
        "name": employee.full_name,
        "nip": employee.nip,
        "pangkat": pangkat_golongan(employee),
        "jabatan": employee.position.name,
        "unit": employee.unit.name,
    }


def _common(skp: Skp) -> dict[str, Any]:
    period = skp.period
    return {
        "organisation": settings.TERANG_ORGANISATION_NAME,
        "place": document_place(),
        "period": period,
        "period_start": date(period.year, 1, 1),
        "period_end": date(period.year, 12, 31),
        "skp": skp,
        "pegawai": _person(skp.employee),
        "penilai": _person(skp.penilai),
        "atasan": _person(skp.atasan_penilai),
        "printed_on": timezone.localdate(),
    }


def _pd_name(skp: Skp) -> str:
    ids = skp.unit.ancestor_ids()
    if len(ids) < 2:
        return skp.unit.name
    if ids[1] == skp.unit.pk:
        return skp.unit.name
    unit = Unit.objects.filter(pk=ids[1]).only("name").first()
    return unit.name if unit else skp.unit.name


def _rhk_sections(skp: Skp, table: sel.AchievementTable | None = None) -> list[dict[str, Any]]:
    """RHK grouped UTAMA then TAMBAHAN, each with its indicators (and results when `table` is given)."""
    rows = (
        table.rows
        if table is not None
        else [{"rhk": r, "indicators": [{"indicator": i} for i in r.indicators.all()]} for r in skp.rhks.all()]
    )
    sections = []
    for kind, label in ((RhkKind.UTAMA, _("A. KINERJA UTAMA")), (RhkKind.TAMBAHAN, _("B. KINERJA TAMBAHAN"))):
        sections.append({"label": label, "rows": [r for r in rows if r["rhk"].kind == kind]})
    return sections


def skp_document_context(skp: Skp) -> dict[str, Any]:
    context = _common(skp)
    agreed = skp.status == SkpStatus.AGREED
    context.update(
        {
            "perangkat_daerah": _pd_name(skp),
            "sections": _rhk_sections(skp),
            "behaviour": sel.behaviour_rows(skp),
            "agreed": agreed,
            "signed_on": timezone.localtime(skp.agreed_at).date() if agreed and skp.agreed_at else None,
        }
    )
    return context


def skp_document_html(skp: Skp) -> str:
    return render_to_string("performance/pdf/skp.html", skp_document_context(skp))


def evaluation_document_context(skp: Skp) -> dict[str, Any]:
    """What the Dokumen Evaluasi Kinerja Pegawai prints: the people, the unit's result, both ratings, predikat."""
    evaluation = sel.evaluation_of(skp)
    objection = sel.objection_of(evaluation)
    decided = objection is not None and objection.status == ObjectionStatus.DECIDED
    org = sel.org_result_for(skp)
    table = sel.achievement_table(skp)
    context = _common(skp)
    signed = evaluation.rated_at or evaluation.finalised_at
    context.update(
        {
            "perangkat_daerah": _pd_name(skp),
            "evaluation": evaluation,
            "org_result": org,
            "sections": _rhk_sections(skp, table),
            "suggestion": sel.suggestion_sentence(evaluation.suggestion),
            "behaviour": sel.behaviour_rows(skp, evaluation.behaviour_levels, peer_summary(skp)),
            "predikat_sentence": sel.predikat_sentence(evaluation.work_level, evaluation.behaviour_level),
            "credit": getattr(evaluation, "credit", None),
            "follow_up": getattr(evaluation, "follow_up", None),
            "objection": objection,
            "decided": decided,
            "compare": sel.objection_compare(objection, evaluation) if decided else [],
            "draft": evaluation.status not in (EvaluationStatus.FINAL, EvaluationStatus.PUBLISHED),
            "signed_on": timezone.localtime(signed).date() if signed else None,
            "decided_on": timezone.localtime(objection.decided_at).date() if decided and objection.decided_at else None,
        }
    )
    return context


def evaluation_document_html(skp: Skp) -> str:
    return render_to_string("performance/pdf/evaluation.html", evaluation_document_context(skp))


def html_to_pdf(html: str) -> bytes:
    """A4 PDF from a document template's HTML (no remote resources: everything is inline)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def skp_pdf(skp: Skp) -> bytes:
    return html_to_pdf(skp_document_html(skp))


def evaluation_pdf(skp: Skp) -> bytes:
    return html_to_pdf(evaluation_document_html(skp))


# ---------------------------------------------------------------------------------------------
# Spreadsheet: a unit's results

RESULT_COLUMNS = (
    "NIP",
    "NAMA",
    "JABATAN",
    "UNIT_KERJA",
    "HASIL_KERJA",
    "PERILAKU_KERJA",
    "PREDIKAT",
    "STATUS",
    "DIUBAH_KEBERATAN",
    "ANGKA_KREDIT",
    "TANGGAL_FINAL",
    "TANGGAL_PENGUMUMAN",
)
_TEXT_COLUMNS = {"NIP"}
_DATE_COLUMNS = {"TANGGAL_FINAL", "TANGGAL_PENGUMUMAN"}
_WIDTHS = {"NIP": 21, "NAMA": 30, "JABATAN": 34, "UNIT_KERJA": 40, "ANGKA_KREDIT": 14}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def unit_result_rows(*, period: Period, unit) -> list[dict[str, object]]:
    names = sel.unit_names(unit)
    rows = []
    for e in sel.unit_evaluations_for_export(period=period, unit=unit):
        skp = e.skp
        credit = getattr(e, "credit", None)
        rows.append(
            {
                "NIP": skp.employee.nip,
                "NAMA": skp.employee.full_name,
                "JABATAN": skp.position_name or skp.employee.position.name,
                "UNIT_KERJA": names.get(skp.unit_id, skp.unit.name),
                "HASIL_KERJA": e.get_work_level_display(),
                "PERILAKU_KERJA": e.get_behaviour_level_display(),
                "PREDIKAT": e.get_predikat_display(),
                "STATUS": e.get_status_display(),
                "DIUBAH_KEBERATAN": _("Ya") if e.changed_by_objection else _("Tidak"),
                "ANGKA_KREDIT": credit.points if credit else None,
                "TANGGAL_FINAL": timezone.localtime(e.finalised_at).date() if e.finalised_at else None,
                "TANGGAL_PENGUMUMAN": e.published_on,
            }
        )
    return rows


def unit_results_xlsx(*, period: Period, unit) -> bytes:
    """One row per evaluation: NIP as text, real dates, a frozen bold header, formulas neutralised."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hasil evaluasi")[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(RESULT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column, 18)
    header = []
    for column in RESULT_COLUMNS:
        cell = WriteOnlyCell(sheet, column)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for row in unit_result_rows(period=period, unit=unit):
        out: list[object] = []
        for column in RESULT_COLUMNS:
            value = row.get(column)
            if column in _DATE_COLUMNS and value is not None:
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            elif column in _TEXT_COLUMNS:
                # Typed as text, so Excel never turns an 18-digit NIP into 1.99E+17.
                cell = WriteOnlyCell(sheet, neutralise(str(value)))
                cell.number_format = "@"
                out.append(cell)
            elif isinstance(value, str):
                out.append(neutralise(value))
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
