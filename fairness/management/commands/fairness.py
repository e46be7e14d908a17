"""`terang fairness`: rater-fairness analysis and adverse impact from CSV files.

    terang fairness analyse FILE.csv [--model additive|rasch] [--format json|table] [--achievement FILE]
    terang fairness adverse-impact FILE.csv [--format json|table] [--min-group-size N]

JSON goes to stdout (contract in docs/fairness-cli.md). Input problems end with a translated
message and exit status 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairness.engine.adverse import adverse_impact
from fairness.engine.data import InputError
from fairness.engine.io import read_achievement, read_adverse, read_ratings
from fairness.engine.report import analyse

# One translatable message per InputError code; %(name)s placeholders come from err.params.
ERROR_MESSAGES = {
    "empty_file": gettext_lazy("Berkas kosong atau tidak berisi data."),
    "bad_header": gettext_lazy("Kepala kolom tidak sesuai: diharapkan %(expected)s, ditemukan %(found)s."),
    "bad_encoding": gettext_lazy("Berkas tidak dapat dibaca sebagai teks UTF-8."),
    "wrong_column_count": gettext_lazy("Baris %(row)s: diharapkan %(expected)s kolom, ditemukan %(found)s."),
    "missing_value": gettext_lazy("Baris %(row)s: kolom %(column)s kosong."),
    "non_numeric_score": gettext_lazy("Baris %(row)s: nilai %(value)s bukan angka."),
    "non_finite_score": gettext_lazy("Baris %(row)s: nilai %(value)s tidak terhingga atau NaN."),
    "duplicate_rating": gettext_lazy(
        "Baris %(row)s: penilaian %(ratee)s oleh %(rater)s pada kriteria %(criterion)s sudah ada di baris "
        "%(first_row)s."
    ),
    "duplicate_ratee": gettext_lazy("Baris %(row)s: pegawai %(ratee)s muncul lebih dari sekali."),
    "too_few_ratings": gettext_lazy("Terlalu sedikit penilaian (%(n)s); minimal %(minimum)s."),
    "one_rater_only": gettext_lazy("Hanya ada satu penilai; keparahan penilai tidak dapat dibandingkan."),
    "one_ratee_only": gettext_lazy("Hanya ada satu pegawai yang dinilai."),
    "length_mismatch": gettext_lazy("Panjang kolom tidak sama: %(lengths)s."),
    "file_not_found": gettext_lazy("Berkas %(path)s tidak ditemukan."),
    "non_integer_count": gettext_lazy(
        "Baris %(row)s: %(column)s harus bilangan bulat tidak negatif, ditemukan %(value)s."
    ),
    "bad_selected_value": gettext_lazy(
        "Baris %(row)s: nilai terpilih %(value)s tidak dikenal (gunakan 0/1, true/false, ya/tidak)."
    ),
    "selected_exceeds_applicants": gettext_lazy(
        "Baris %(row)s: jumlah terpilih (%(selected)s) melebihi jumlah pelamar (%(applicants)s)."
    ),
    "duplicate_group": gettext_lazy("Baris %(row)s: kelompok %(group)s muncul lebih dari sekali."),
    "too_few_groups": gettext_lazy("Diperlukan minimal dua kelompok untuk analisis dampak merugikan."),
    "unknown_model": gettext_lazy("Model %(model)s tidak dikenal; gunakan additive atau rasch."),
    "model_unavailable": gettext_lazy("Model %(model)s belum tersedia di instalasi ini."),
}


def input_error_message(err: InputError) -> str:
    """The translated message for an engine InputError (falls back to the engine's own text)."""
    template = ERROR_MESSAGES.get(err.code)
    if template is None:
        return str(err)
    try:
        return str(template) % err.params
    except (KeyError, TypeError, ValueError):
        return str(err)


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return _("ya") if value else ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, list):
        return ", ".join(_fmt(v, digits) for v in value)
    return str(value)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[_fmt(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


class Command(BaseCommand):
    help = gettext_lazy(
        "Analisis keadilan penilaian (keparahan penilai, favoritisme) dan dampak merugikan dari berkas CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ana = sub.add_parser("analyse", help="ratee,rater,criterion,score CSV")
        ana.add_argument("file", help="CSV: ratee,rater,criterion,score ('-' = stdin)")
        ana.add_argument("--model", choices=["additive", "rasch"], default="additive")
        ana.add_argument("--format", choices=["json", "table"], default="json")
        ana.add_argument("--achievement", help="CSV: ratee,achievement")
        adv = sub.add_parser("adverse-impact", help="group,applicants,selected | group,selected CSV")
        adv.add_argument("file", help="CSV ('-' = stdin)")
        adv.add_argument("--format", choices=["json", "table"], default="json")
        adv.add_argument("--min-group-size", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                if options["action"] == "analyse":
                    result = self._analyse(options)
                else:
                    result = self._adverse(options)
            except InputError as err:
                raise CommandError(input_error_message(err)) from None
            self.stdout.write(result)

    def _source(self, path: str) -> Any:
        return sys.stdin if path == "-" else path

    def _analyse(self, options: dict[str, Any]) -> str:
        ratings = read_ratings(self._source(options["file"]))
        achievement = None
        unknown: list[str] = []
        if options.get("achievement"):
            achievement, unknown = read_achievement(options["achievement"], ratings.ratee_ids)
        report = analyse(ratings, model=options["model"], achievement=achievement)
        if unknown:
            report["notes"].append(
                _("%(n)s pegawai di berkas capaian tidak ada dalam data penilaian dan diabaikan (contoh: %(id)s).")
                % {"n": len(unknown), "id": unknown[0]}
            )
        if options["format"] == "json":
            return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False)
        return self._analyse_table(report)

    def _analyse_table(self, report: dict[str, Any]) -> str:
        unit = _("logit") if report["model"] == "rasch" else _("satuan nilai")
        parts = [
            _("Model: %(model)s (keparahan dalam %(unit)s; lebih tinggi = lebih keras)")
            % {"model": report["model"], "unit": unit}
        ]
        parts.append(_("Penilai"))
        parts.append(
            _table(
                [_("id"), _("keparahan"), _("SE"), _("infit"), _("outfit"), _("n"), _("komponen"), _("penanda")],
                [
                    [r["id"], r["severity"], r["se"], r["infit"], r["outfit"], r["n"], r["component"], r["flags"]]
                    for r in report["raters"]
                ],
            )
        )
        parts.append(_("Kriteria"))
        parts.append(_table([_("id"), _("kesulitan")], [[c["id"], c["difficulty"]] for c in report["criteria"]]))
        parts.append(_("Pegawai"))
        parts.append(
            _table(
                [_("id"), _("ukuran"), _("skor terkoreksi"), _("n"), _("komponen")],
                [[r["id"], r["measure"], r["adjusted_score"], r["n"], r["component"]] for r in report["ratees"]],
            )
        )
        flagged = [i for i in report["interactions"] if i["flag"]]
        parts.append(
            _("Interaksi penilai×pegawai yang ditandai: %(n)s dari %(total)s")
            % {"n": len(flagged), "total": len(report["interactions"])}
        )
        if flagged:
            parts.append(
                _table(
                    [_("penilai"), _("pegawai"), _("n"), _("bias"), _("t"), _("q")],
                    [[i["rater"], i["ratee"], i["n"], i["bias"], i["t"], i["q"]] for i in flagged],
                )
            )
        if report.get("achievement_departures") is not None:
            dep = [d for d in report["achievement_departures"] if d["flag"]]
            parts.append(_("Penyimpangan dari capaian objektif yang ditandai: %(n)s") % {"n": len(dep)})
            if dep:
                parts.append(
                    _table(
                        [_("penilai"), _("pegawai"), _("penyimpangan"), _("z"), _("q")],
                        [[d["rater"], d["ratee"], d["departure"], d["z"], d["q"]] for d in dep],
                    )
                )
        rel = report["reliability"]
        parts.append(_("Reliabilitas"))
        rows: list[list[Any]] = []
        for name, entry in (rel.get("icc") or {}).items():
            if entry is not None:
                rows.append([name, entry["value"], entry["ci95"]])
        for level, value in (rel.get("krippendorff_alpha") or {}).items():
            rows.append([f"alpha ({level})", value, None])
        if rows:
            parts.append(_table([_("ukuran"), _("nilai"), _("IK 95%")], rows))
        for reason in (rel.get("reason"), rel.get("alpha_reason")):
            if reason:
                parts.append("  " + reason)
        conn = report["connectivity"]
        parts.append(_("Komponen terhubung: %(n)s") % {"n": conn["components"]})
        parts.append(
            _table(
                [_("komponen"), _("penilai"), _("pegawai"), _("penilaian")],
                [[s["component"], s["raters"], s["ratees"], s["ratings"]] for s in conn["sizes"][:20]],
            )
        )
        if report["notes"]:
            parts.append(_("Catatan"))
            parts += ["- " + n for n in report["notes"]]
        return "\n\n".join(parts)

    def _adverse(self, options: dict[str, Any]) -> str:
        if options["min_group_size"] < 1:
            raise CommandError(_("--min-group-size harus bilangan bulat positif."))
        counts = read_adverse(self._source(options["file"]))
        result = adverse_impact(counts, min_group_size=options["min_group_size"])
        if options["format"] == "json":
            return json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False)
        parts = [
            _("Rasio dampak terhadap kelompok dengan tingkat seleksi tertinggi (%(ref)s); ditandai bila < 0,80.")
            % {"ref": result["reference"] or "-"},
            _table(
                [
                    _("kelompok"),
                    _("pelamar"),
                    _("terpilih"),
                    _("tingkat"),
                    _("rasio"),
                    _("ditandai"),
                    _("p Fisher"),
                    _("disembunyikan"),
                ],
                [
                    [
                        g["group"],
                        g["applicants"],
                        g["selected"],
                        g["rate"],
                        g["impact_ratio"],
                        g["flag"],
                        g["fisher_p"],
                        g["suppressed"],
                    ]
                    for g in result["groups"]
                ],
            ),
        ]
        parts += ["- " + n for n in result["notes"]]
        return "\n\n".join(parts)
