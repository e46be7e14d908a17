import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from org.exports import roster_rows
from org.roster_file import write_roster


class Command(BaseCommand):
    help = "Ekspor daftar pegawai aktif dengan kolom yang sama seperti templat impor."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", "-o", help=_("nama berkas keluaran (bawaan: ke stdout)"))

    def handle(self, *args, format, output, **options):
        data = write_roster(roster_rows(), format)
        if output:
            with open(output, "wb") as fh:
                fh.write(data)
            self.stderr.write(_("Ditulis ke %(path)s") % {"path": output})
        else:
            sys.stdout.buffer.write(data)
