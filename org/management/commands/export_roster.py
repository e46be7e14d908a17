import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from org.services import roster_export


class Command(BaseCommand):
    help = "Ekspor daftar pegawai aktif dengan kolom yang sama seperti templat impor."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", "-o", help=_("nama berkas keluaran (bawaan: ke stdout)"))

    def handle(self, *args, format, output, **options):
        data = roster_export(actor=None, fmt=format, via="terang export_roster")
        if output:
            with open(output, "wb") as fh:
                fh.write(data)
            self.stderr.write(_("Ditulis ke %(path)s") % {"path": output})
        else:
            sys.stdout.buffer.write(data)
