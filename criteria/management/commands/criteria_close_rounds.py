"""`terang criteria_close_rounds`: close drafting rounds past their closing time and tell their units.

Also announces scheduled rounds whose opening time has come. Meant to run every few minutes from
cron or a systemd timer; running it twice does nothing the second time.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from criteria.services import rounds_announce_due, rounds_close_due


class Command(BaseCommand):
    help = "Tutup putaran penyusunan kriteria yang sudah lewat waktunya dan beri tahu unitnya."

    def handle(self, *args, **options):
        announced = rounds_announce_due()
        closed = rounds_close_due()
        self.stdout.write(
            _("%(closed)s putaran ditutup, %(announced)s putaran diumumkan dibuka.")
            % {"closed": closed, "announced": announced}
        )
