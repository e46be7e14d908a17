from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from org.services import roster_import


class Command(BaseCommand):
    help = "Impor daftar pegawai dari .xlsx atau .csv (semua baris atau tidak sama sekali)."

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("berkas .xlsx atau .csv"))
        parser.add_argument("--dry-run", action="store_true", help=_("periksa saja, jangan simpan"))

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Berkas tidak ditemukan: %(path)s") % {"path": file})
        last = {"stage": None, "shown": -1}

        def progress(stage: str, done: int, total: int) -> None:
            step = 5000
            if stage != last["stage"] or done // step != last["shown"] // step or (total and done == total):
                label = {"read": _("membaca"), "validate": _("memeriksa"), "save": _("menyimpan")}.get(stage, stage)
                suffix = f"/{total}" if total else ""
                self.stderr.write(f"  {label}: {done}{suffix}")
                last["stage"], last["shown"] = stage, done

        result = roster_import(
            actor=None, data=path.read_bytes(), filename=path.name, dry_run=dry_run, progress=progress
        )
        for warning in result.warnings:
            where = _("baris %(row)s") % {"row": warning.row} if warning.row else _("berkas")
            self.stderr.write(
                _("Peringatan, %(where)s, %(column)s: %(message)s")
                % {"where": where, "column": warning.column or "-", "message": warning.message}
            )
        if not result.ok:
            for error in result.errors:
                where = _("baris %(row)s") % {"row": error.row} if error.row else _("berkas")
                self.stderr.write(
                    _("Kesalahan, %(where)s, %(column)s: %(message)s")
                    % {"where": where, "column": error.column or "-", "message": error.message}
                )
            n = len(result.errors)
            raise CommandError(
                ngettext(
                    "%(n)s kesalahan ditemukan; tidak ada yang disimpan.",
                    "%(n)s kesalahan ditemukan; tidak ada yang disimpan.",
                    n,
                )
                % {"n": n}
            )
        s = result.summary
        if dry_run:
            self.stdout.write(
                ngettext(
                    "Pemeriksaan lolos (tidak disimpan): %(rows)s baris; %(created)s baru, "
                    "%(updated)s diperbarui, %(unchanged)s tanpa perubahan.",
                    "Pemeriksaan lolos (tidak disimpan): %(rows)s baris; %(created)s baru, "
                    "%(updated)s diperbarui, %(unchanged)s tanpa perubahan.",
                    result.rows,
                )
                % {"rows": result.rows, **s}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Tersimpan: %(rows)s baris; %(created)s baru, %(updated)s diperbarui, %(unchanged)s tanpa "
                        "perubahan; unit baru: %(units_created)s, jabatan baru: %(positions_created)s.",
                        "Tersimpan: %(rows)s baris; %(created)s baru, %(updated)s diperbarui, %(unchanged)s tanpa "
                        "perubahan; unit baru: %(units_created)s, jabatan baru: %(positions_created)s.",
                        result.rows,
                    )
                    % {"rows": result.rows, **s}
                )
            )
