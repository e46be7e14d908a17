"""Who may see or do what with criteria: the one place the criteria pages and services ask.

- Everyone logged in reads the published library.
- A drafting round belongs to its unit: every active ASN of the unit (its whole subtree) may
  propose, comment and vote while it is open, and sees who proposed what and the tallies.
- Only the head of that unit decides (adopts or rejects, with a reason). The head, or admin
  BKPSDM, opens and closes rounds.
- Heads of the units above read the rounds below them; admin, pimpinan and auditor read every round
  and the participation summary, which a unit head also reads for their own unit.
Membership is read from the organisation as it is now, never stored.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.models import Role
from accounts.permissions import has_role, headed_unit_path

OFFICE_READERS = (Role.ADMIN, Role.PIMPINAN, Role.AUDITOR)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def employee_of(user):
    """The user's active employee record with unit and position, or None."""
    if not _authenticated(user) or getattr(user, "employee_id", None) is None:
        return None
    employee = user.employee
    return employee if employee.is_active else None


def is_office_reader(user) -> bool:
    return has_role(user, *OFFICE_READERS)


def can_view_library(user) -> bool:
    return _authenticated(user)


def is_member(user, unit) -> bool:
    """An active ASN of `unit` or of a unit below it."""
    employee = employee_of(user)
    return employee is not None and employee.unit.path.startswith(unit.path)


def is_unit_head(user, unit) -> bool:
    """The holder of the head position of `unit` itself (not of a unit above it)."""
    return headed_unit_path(user) == unit.path


def can_open_round(user, unit) -> bool:
    return has_role(user, Role.ADMIN) or is_unit_head(user, unit)


def can_open_any_round(user) -> bool:
    return has_role(user, Role.ADMIN) or bool(headed_unit_path(user))


def units_user_may_open_for_q(user) -> Q | None:
    """A filter for the units a user may open rounds for; None means every unit."""
    if has_role(user, Role.ADMIN):
        return None
    path = headed_unit_path(user)
    if not path:
        return Q(pk__in=[])
    return Q(path=path)


def can_view_round(user, round_) -> bool:
    if not _authenticated(user):
        return False
    if is_office_reader(user):
        return True
    if is_member(user, round_.unit):
        return True
    path = headed_unit_path(user)
    return bool(path) and round_.unit.path.startswith(path)


def rounds_scope_q(user) -> Q | None:
    """A filter for the rounds a user may read; None means all of them."""
    if is_office_reader(user):
        return None
    scope = Q(pk__in=[])
    employee = employee_of(user)
    if employee is not None:
        # Rounds of the member's own unit and of every unit above it.
        scope |= Q(unit_id__in=employee.unit.ancestor_ids())
    path = headed_unit_path(user)
    if path:
        scope |= Q(unit__path__startswith=path)
    return scope


def can_take_part(user, round_) -> bool:
    """Propose, comment and vote (the round must also be open; the services check that)."""
    return is_member(user, round_.unit)


def unit_head_vacant(unit) -> bool:
    """No active employee holds the unit's head post (or the unit is the organisation itself, whose
    head, the Kepala Daerah, is not on the roster)."""
    from org.models import Employee

    return not Employee.objects.filter(unit=unit, position__is_head=True, is_active=True).exists()


def can_decide(user, round_) -> bool:
    """The head of the round's unit decides; where that post is vacant (or it is the whole
    organisation), the pimpinan decides in their place."""
    if is_unit_head(user, round_.unit):
        return True
    return has_role(user, Role.PIMPINAN) and unit_head_vacant(round_.unit)


def can_close_round(user, round_) -> bool:
    return has_role(user, Role.ADMIN) or is_unit_head(user, round_.unit)


def can_view_participation(user) -> bool:
    return is_office_reader(user) or bool(headed_unit_path(user))


def participation_scope_path(user) -> str | None:
    """The subtree a user reads participation for: None for every unit, else the headed unit's path."""
    if is_office_reader(user):
        return None
    path = headed_unit_path(user)
    if not path:
        raise PermissionDenied
    return path
