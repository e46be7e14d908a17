"""Who may see or do what in fairness: the one place the fairness pages ask.

- Admin BKPSDM: everything (start analyses, manage calibration sessions, see every declaration).
- Pimpinan and auditor: read (analyses, sessions, declarations).
- Calibration committee members: their sessions, and the analyses those sessions draw on.
- Appraisers (and anyone who rated in an analysis): only their own rater report.
- Employees: only their own conflict-of-interest declarations (and those naming them).
Everyone else is refused. Page-level refusals are 403; a named object outside a user's scope is 404,
the same answer as for one that does not exist.
"""

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import has_role

READERS = (Role.ADMIN, Role.PIMPINAN, Role.AUDITOR)


def _eid(user) -> int | None:
    return getattr(user, "employee_id", None) if getattr(user, "is_authenticated", False) else None


def is_reader(user) -> bool:
    """Office-wide read access to analyses, sessions and declarations."""
    return has_role(user, *READERS)


def can_view_overview(user) -> bool:
    return is_reader(user)


def can_start_analysis(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_manage_sessions(user) -> bool:
    """Create sessions, name their members, close them."""
    return has_role(user, Role.ADMIN)


def session_covers_run_q(run) -> Q:
    """Sessions whose committee may read `run`: same period, and a unit that overlaps the run's."""
    q = Q(period_id=run.period_id)
    if run.unit_id is not None:
        q &= Q(unit__isnull=True) | Q(unit_id=run.unit_id)
    return q


def can_view_run(user, run) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_reader(user):
        return True
    from fairness.models import CalibrationSession

    return CalibrationSession.objects.filter(session_covers_run_q(run), memberships__user=user).exists()


def can_view_any_run(user) -> bool:
    """The page-level gate of an analysis page: readers and committee members."""
    return is_reader(user) or is_committee_member(user)


def can_view_sessions(user) -> bool:
    """The page-level gate of the calibration pages: the same readers and committee members."""
    return can_view_any_run(user)


def is_committee_member(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from fairness.models import CalibrationMember

    return CalibrationMember.objects.filter(user=user).exists()


def sessions_scope_q(user) -> Q | None:
    """A filter for the sessions a user may read; None means all of them."""
    if is_reader(user):
        return None
    return Q(memberships__user=user)


def can_view_session(user, session) -> bool:
    if is_reader(user):
        return True
    return session.memberships.filter(user=user).exists()


def can_decide(user, session, members) -> bool:
    """Record a calibration decision: a member of the open session (adjusting also needs admin)."""
    from fairness.models import SessionStatus

    return session.status == SessionStatus.OPEN and any(m.user_id == user.pk for m in members)


def can_view_own_report(user) -> bool:
    """Appraisers (from the reporting line), anyone who was a rater in a finished analysis, and HR."""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.PENILAI, Role.ADMIN):
        return True
    from fairness.models import RaterResult, RunStatus

    who = Q(user=user)
    if _eid(user) is not None:
        who |= Q(employee_id=_eid(user))
    return RaterResult.objects.filter(who, run__status=RunStatus.DONE).exists()


def can_declare_conflict(user) -> bool:
    """Every employee declares their own; HR may record one for anyone."""
    return _eid(user) is not None or has_role(user, Role.ADMIN)


def can_view_all_conflicts(user) -> bool:
    return is_reader(user)


def conflict_subject_q(user) -> Q | None:
    """Whose conflicts a user may declare: themselves and their team; None means anyone (HR)."""
    if has_role(user, Role.ADMIN):
        return None
    eid = _eid(user)
    if eid is None:
        return Q(pk__in=[])
    return Q(pk=eid) | Q(penilai_id=eid, is_active=True)


def own_conflicts_q(user) -> Q:
    """The declarations a user sees as their own: made by them, or naming them on either side."""
    q = Q(declared_by=user)
    eid = _eid(user)
    if eid is not None:
        q |= Q(employee_id=eid) | Q(other_id=eid)
    return q


def can_withdraw_any_conflict(user) -> bool:
    """HR withdraws any active declaration; everyone else only their own (`can_withdraw_conflict`)."""
    return has_role(user, Role.ADMIN)


def can_withdraw_conflict(user, conflict) -> bool:
    if conflict.withdrawn_at is not None:
        return False
    if can_withdraw_any_conflict(user):
        return True
    return conflict.declared_by_id == user.pk or (_eid(user) is not None and _eid(user) == conflict.employee_id)
