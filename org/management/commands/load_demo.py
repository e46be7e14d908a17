from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, RoleGrant, User
from audit.services import event_record
from org.demo import generate_city
from org.models import Employee
from org.roster_file import write_roster
from org.services import roster_import
from performance.demo import load_performance_demo

DEMO_PASSWORD = "terang-demo"  # noqa: S105  (demo data only; printed for the person trying Terang)


class Command(BaseCommand):
    help = "Muat kota contoh (sintetis, mirip Sawahlunto) dan akun demo untuk setiap peran. Aman diulang."

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, default=2500)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, employees, seed, **options):
        if Employee.objects.exists():
            self.stdout.write(_("Data sudah ada; kota contoh tidak dimuat ulang."))
        else:
            rows = generate_city(employees, seed=seed)
            data = write_roster(rows, "csv")
            result = roster_import(actor=None, data=data, filename="kota-contoh.csv")
            if not result.ok:
                for e in result.errors[:20]:
                    self.stderr.write(f"{e.row} {e.column}: {e.message}")
                raise CommandError(_("Kota contoh gagal dimuat."))
            n = result.summary["created"]
            self.stdout.write(
                ngettext("Kota contoh dimuat: %(n)s pegawai.", "Kota contoh dimuat: %(n)s pegawai.", n) % {"n": n}
            )
        accounts = self._accounts()
        load_performance_demo(stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(_("Akun demo (kata sandi untuk semua: %(pw)s):") % {"pw": DEMO_PASSWORD})
        for label, login, detail in accounts:
            self.stdout.write(f"  {label:<24} {login:<22} {detail}")

    @transaction.atomic
    def _accounts(self):
        """Demo logins for every role; every demo employee can log in with the demo password."""
        hashed = make_password(DEMO_PASSWORD)
        if not User.objects.filter(username="admin").exists():
            # One hash for all demo employees: the demo is about trying roles, not about secrecy.
            User.objects.filter(employee__isnull=False, password="!").update(password=hashed)  # noqa: S106
        officers = [
            ("admin", "Admin BKPSDM", [Role.ADMIN], True),
            ("auditor", "Auditor Inspektorat", [Role.AUDITOR], False),
            ("panitia", "Panitia Seleksi", [Role.PANITIA], False),
        ]
        for username, name, roles, superuser in officers:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": name,
                    "email": f"{username}@sawahlunto.example",
                    "password": hashed,
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            for role in roles:
                RoleGrant.objects.get_or_create(user=user, role=role)
            if created:
                event_record(actor=None, action="accounts.demo_user.create", obj=user, changes={"roles": roles})
        accounts = [
            (_("Admin BKPSDM"), "admin", ""),
            (_("Auditor"), "auditor", ""),
            (_("Panitia seleksi"), "panitia", ""),
        ]
        sekda = Employee.objects.filter(position__name="Sekretaris Daerah", is_active=True).first()
        if sekda is not None:
            RoleGrant.objects.get_or_create(user=sekda.user, role=Role.PIMPINAN)
            accounts.append((_("Pimpinan (Sekda)"), sekda.nip, sekda.email))
        # A pelaksana in Kominfo with a full line above them: pegawai, penilai, atasan penilai.
        candidates = (
            Employee.objects.filter(
                is_active=True,
                position__kind__in=["PELAKSANA", "FUNGSIONAL"],
                penilai__isnull=False,
                atasan_penilai__isnull=False,
            )
            .select_related("penilai", "atasan_penilai")
            .order_by("nip")
        )
        staff = candidates.filter(unit__name__startswith="Seksi Aplikasi").first() or candidates.first()
        if staff is not None:
            accounts.append((_("Pegawai"), staff.nip, staff.email))
            accounts.append((_("Pejabat penilai"), staff.penilai.nip, staff.penilai.email))
            accounts.append((_("Atasan pejabat penilai"), staff.atasan_penilai.nip, staff.atasan_penilai.email))
        return accounts
