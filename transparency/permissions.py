"""Who may see what on the results board. The public portal needs no permission: it only ever holds
figures for groups of at least the public minimum and recognitions their owners consented to show.

On the board everyone sees their own result, the organisation's summary and their own perangkat
daerah's board as the disclosure policy allows. Office readers (admin BKPSDM, pimpinan, auditor) may
open any perangkat daerah's board, under the same policy. Nobody sees another person's score,
percentile or reasons here.
"""

from accounts.models import Role
from accounts.permissions import has_role

OFFICE_READERS = (Role.ADMIN, Role.PIMPINAN, Role.AUDITOR)


def can_view_board(user) -> bool:
    """ASN (a login linked to an employee) and office readers; not a login with neither."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "employee_id", None) is not None:
        return True
    return has_role(user, *OFFICE_READERS)


def can_pick_unit(user) -> bool:
    """Open another perangkat daerah's board than one's own."""
    return has_role(user, *OFFICE_READERS)


def can_set_consent(user, recognition) -> bool:
    """Only the recognised employee gives or withdraws consent to publish."""
    eid = getattr(user, "employee_id", None) if getattr(user, "is_authenticated", False) else None
    return eid is not None and eid == recognition.employee_id
