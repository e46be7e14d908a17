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
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from fairness.engine.adverse import adverse_impact
from fairness.engine.data import InputError
from fairness.engine.io import read_achievement, read_adverse, read_ratings
from fairness.engine.report import analyse

# One translatable message per InputError code; %(name)s placeholders come from err.params (plus the
# derived params of `_message_params`). The codes stay as they are; only their text is translated here,
# because the engine does not import Django.
ERROR_MESSAGES = {
    "empty_file": gettext_lazy("Berkas kosong atau tidak berisi data."),
    "bad_header": gettext_lazy("Kepala kolom tidak sesuai: diharapkan %(expected)s, ditemukan %(found)s."),
    "bad_encoding": gettext_lazy("Berkas tidak dapat dibaca sebagai teks UTF-8."),
    "wrong_column_count": ngettext_lazy(
        "Baris %(row)s: diharapkan %(expected)s kolom, ditemukan %(found)s.",
        "Baris %(row)s: diharapkan %(expected)s kolom, ditemukan %(found)s.",
        "expected",
    ),
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
    # Raised by the Rasch model (fairness.engine.rasch) with a message of its own.
    "non_integer_score": gettext_lazy(
        "Model Rasch memerlukan skor bilangan bulat (kategori skala); penilaian ke-%(position)s bernilai %(value)s."
    ),
    "too_few_categories": gettext_lazy("Model Rasch memerlukan minimal dua kategori skor yang berbeda."),
}

# Messages that embed a count (ngettext_lazy above): the param whose number picks the plural form.
COUNT_PARAMS = {"wrong_column_count": "expected"}

GENERIC_MESSAGE = gettext_lazy("Masukan tidak valid (%(code)s).")


def _message_params(err: InputError) -> dict[str, Any]:
    params = dict(err.params)
    if isinstance(params.get("index"), int):
        # non_integer_score: the engine counts from 0, people count from 1.
        params["position"] = params["index"] + 1
    return params


def input_error_message(err: InputError) -> str:
    """The translated message for an engine InputError (falls back to the engine's own text)."""
    template = ERROR_MESSAGES.get(err.code)
    if template is None:
        return str(GENERIC_MESSAGE) % {"code": err.code}
    params = _message_params(err)
    try:
        if err.code in COUNT_PARAMS:
            return template % params
        return str(template) % params
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
    @property
    def help(self) -> str:
        # A plain str: argparse cannot format a lazy translation as the parser description.
        return _("Analisis keadilan penilaian (keparahan penilai, favoritisme) dan dampak merugikan dari berkas CSV.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ana = sub.add_parser(
            "analyse", help=gettext_lazy("keparahan penilai dan favoritisme dari CSV ratee,rater,criterion,score")
        )
        ana.add_argument("file", help=gettext_lazy("CSV ratee,rater,criterion,score ('-' = stdin)"))
        ana.add_argument(
            "--model",
            choices=["additive", "rasch"],
            default="additive",
            help=gettext_lazy("model: additive (bawaan) atau rasch"),
        )
        ana.add_argument(
            "--format",
            choices=["json", "table"],
            default="json",
            help=gettext_lazy("keluaran: json (bawaan) atau table"),
        )
        ana.add_argument("--achievement", help=gettext_lazy("CSV ratee,achievement berisi capaian objektif (opsional)"))
        adv = sub.add_parser(
            "adverse-impact",
            help=gettext_lazy("dampak merugikan dari CSV group,applicants,selected atau group,selected"),
        )
        adv.add_argument("file", help=gettext_lazy("CSV ('-' = stdin)"))
        adv.add_argument(
            "--format",
            choices=["json", "table"],
            default="json",
            help=gettext_lazy("keluaran: json (bawaan) atau table"),
        )
        adv.add_argument(
            "--min-group-size",
            type=int,
            default=5,
            help=gettext_lazy("kelompok dengan pelamar lebih sedikit dari ini disembunyikan (bawaan 5)"),
        )

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
                ngettext(
                    "%(n)s pegawai di berkas capaian tidak ada dalam data penilaian dan diabaikan (contoh: %(id)s).",
                    "%(n)s pegawai di berkas capaian tidak ada dalam data penilaian dan diabaikan (contoh: %(id)s).",
                    len(unknown),
                )
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
