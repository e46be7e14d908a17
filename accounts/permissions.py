"""Who may see or do what. The one place the org, audit and accounts pages ask.

Each check reads the facts it needs from the user object and the target; roles that follow
from the reporting line are read from the organisation, never stored.
"""

from django.db.models import Count, Q

from accounts.models import Role


def user_roles(user) -> frozenset[str]:
    """Every role a user holds now, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_terang_roles", None)
    if cached is not None:
        return cached
    from org.models import Employee

    roles = set(user.role_grants.values_list("role", flat=True))
    if user.employee_id is not None:
        roles.add(Role.PEGAWAI)
        eid = user.employee_id
        counts = Employee.objects.filter(Q(penilai_id=eid) | Q(atasan_penilai_id=eid), is_active=True).aggregate(
            team=Count("id", filter=Q(penilai_id=eid)), second=Count("id", filter=Q(atasan_penilai_id=eid))
        )
        if counts["team"]:
            roles.add(Role.PENILAI)
        if counts["second"]:
            roles.add(Role.ATASAN_PENILAI)
    if user.is_superuser:
        roles.add(Role.ADMIN)
    user._terang_roles = frozenset(str(r) for r in roles)
    return user._terang_roles


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & {str(r) for r in roles})


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_read_full_audit(user) -> bool:
    return has_role(user, Role.ADMIN, Role.AUDITOR)


def can_verify_audit(user) -> bool:
    return has_role(user, Role.ADMIN, Role.AUDITOR)


def can_import_roster(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_export_roster(user) -> bool:
    return has_role(user, Role.ADMIN, Role.AUDITOR)


def can_manage_reporting(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_view_all_employees(user) -> bool:
    return has_role(user, Role.ADMIN, Role.PIMPINAN, Role.AUDITOR)


def headed_unit_path(user) -> str | None:
    """The tree path of the unit the user heads, if they hold a unit's head position."""
    employee = getattr(user, "employee", None)
    if employee is None or not employee.is_active:
        return None
    position = employee.position
    if not position.is_head:
        return None
    return employee.unit.path


def employee_scope_q(user) -> Q | None:
    """A filter for the employees a user may see in full; None means everyone."""
    if can_view_all_employees(user):
        return None
    eid = user.employee_id
    if eid is None:
        return Q(pk__in=[])
    scope = Q(pk=eid) | Q(penilai_id=eid) | Q(atasan_penilai_id=eid)
    path = headed_unit_path(user)
    if path:
        scope |= Q(unit__path__startswith=path)
    return scope


def can_view_employee(user, employee) -> bool:
    """Self, the reporting line above, heads of the units above, and the office-wide roles."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_view_all_employees(user):
        return True
    eid = user.employee_id
    if eid is None:
        return False
    if employee.pk == eid:
        return True
    if eid in (employee.penilai_id, employee.atasan_penilai_id):
        return True
    path = headed_unit_path(user)
    return bool(path) and employee.unit.path.startswith(path)
