from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Periksa rantai hash jejak audit; laporkan catatan pertama yang diubah atau hilang."

    def handle(self, *args, **options):
        checked, brk = audit_chain_verify()
        if brk is None:
            self.stdout.write(self.style.SUCCESS(_("Rantai utuh: %(n)s catatan diperiksa.") % {"n": checked}))
            return
        reasons = {
            "gap": _("catatan hilang"),
            "hash": _("isi catatan diubah"),
            "prev_hash": _("catatan tidak tersambung ke sebelumnya"),
        }
        raise CommandError(
            _("Rantai putus di catatan #%(seq)s (%(reason)s); %(n)s catatan sebelumnya utuh.")
            % {"seq": brk.seq, "reason": reasons[brk.kind], "n": checked}
        )
