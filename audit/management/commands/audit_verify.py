from django.core.management.base import BaseCommand, CommandError

from audit.messages import chain_broken, chain_intact
from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Periksa rantai hash jejak audit; laporkan catatan pertama yang diubah atau hilang."

    def handle(self, *args, **options):
        checked, brk = audit_chain_verify()
        if brk is None:
            self.stdout.write(self.style.SUCCESS(chain_intact(checked)))
            return
        raise CommandError(chain_broken(checked, brk))
