"""Who may see or do what in the performance cycle: the one place performance pages and the API ask.

The actors of an SKP are read from the SKP itself (the reporting line as it stood when the SKP was
last submitted), so a later reorganisation never hands someone else's appraisal to a stranger.
"""

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import has_role, headed_unit_path
from performance.models import EvaluationStatus, Objection, ObjectionStatus, PeriodStatus, Skp, SkpStatus

OFFICE_READERS = (Role.ADMIN, Role.PIMPINAN, Role.AUDITOR)


def _eid(user) -> int | None:
    return getattr(user, "employee_id", None) if getattr(user, "is_authenticated", False) else None


def skp_scope_q(user) -> Q | None:
    """A filter for the SKPs a user may read; None means all of them."""
    if has_role(user, *OFFICE_READERS):
        return None
    eid = _eid(user)
    if eid is None:
        return Q(pk__in=[])
    scope = Q(employee_id=eid) | Q(penilai_id=eid) | Q(atasan_penilai_id=eid)
    path = headed_unit_path(user)
    if path:
        scope |= Q(unit__path__startswith=path)
    return scope


def can_view_skp(user, skp: Skp) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, *OFFICE_READERS):
        return True
    eid = _eid(user)
    if eid is None:
        return False
    if eid in (skp.employee_id, skp.penilai_id, skp.atasan_penilai_id):
        return True
    path = headed_unit_path(user)
    return bool(path) and skp.unit.path.startswith(path)


def can_plan(user, employee) -> bool:
    """Only the employee drafts their own SKP."""
    return _eid(user) is not None and _eid(user) == employee.pk and employee.is_active


def can_edit_skp(user, skp: Skp) -> bool:
    return (
        _eid(user) == skp.employee_id
        and skp.status != SkpStatus.SUBMITTED
        and skp.period.status in (PeriodStatus.PLANNING, PeriodStatus.DOING)
        and not _evaluation_locked(skp)
    )


def can_set_expectations(user, skp: Skp) -> bool:
    return (
        is_appraiser(user, skp)
        and skp.period.status in (PeriodStatus.PLANNING, PeriodStatus.DOING)
        and not _evaluation_locked(skp)
    )


def is_appraiser(user, skp: Skp) -> bool:
    """The SKP's pejabat penilai; for those appraised by the Kepala Daerah (no penilai in the roster:
    heads of perangkat daerah), the pimpinan acts for the Kepala Daerah."""
    if skp.penilai_id is None:
        return has_role(user, Role.PIMPINAN)
    return _eid(user) is not None and _eid(user) == skp.penilai_id


def can_review_skp(user, skp: Skp) -> bool:
    """Agree to or return a submitted SKP: its pejabat penilai."""
    return is_appraiser(user, skp) and skp.status == SkpStatus.SUBMITTED


def can_record_realisation(user, skp: Skp) -> bool:
    return (
        _eid(user) == skp.employee_id
        and skp.status == SkpStatus.AGREED
        and skp.period.status in (PeriodStatus.DOING, PeriodStatus.EVALUATION)
        and not _evaluation_locked(skp)
    )


def can_assess(user, skp: Skp) -> bool:
    """Judge kualitatif realisations and rate the year: the pejabat penilai, while evaluation is open."""
    return (
        is_appraiser(user, skp)
        and skp.status == SkpStatus.AGREED
        and skp.period.status in (PeriodStatus.DOING, PeriodStatus.EVALUATION)
        and not _evaluation_locked(skp)
    )


def can_rate(user, skp: Skp) -> bool:
    return can_assess(user, skp) and skp.period.status == PeriodStatus.EVALUATION


def can_talk(user, skp: Skp) -> bool:
    """Dialog kinerja: the employee and their pejabat penilai, both directions."""
    eid = _eid(user)
    return (eid is not None and eid == skp.employee_id) or is_appraiser(user, skp)


def can_request_peer_input(user, skp: Skp) -> bool:
    return is_appraiser(user, skp) or has_role(user, Role.ADMIN)


def can_finalise(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_set_org_result(user) -> bool:
    return has_role(user, Role.ADMIN, Role.PIMPINAN)


def can_publish(user) -> bool:
    """Publication is the head of the organisation's approval."""
    return has_role(user, Role.PIMPINAN)


def can_manage_periods(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_view_dashboard(user) -> bool:
    return has_role(user, *OFFICE_READERS)


def can_view_evaluation(user, skp: Skp) -> bool:
    """The employee sees their evaluation once it is final; appraisers and the office as soon as it exists."""
    if not can_view_skp(user, skp):
        return False
    if _eid(user) == skp.employee_id and not is_appraiser(user, skp):
        return _evaluation_locked(skp)
    return True


def can_object(user, skp: Skp) -> bool:
    evaluation = getattr(skp, "evaluation", None)
    return (
        _eid(user) == skp.employee_id
        and evaluation is not None
        and evaluation.status == EvaluationStatus.PUBLISHED
        and not Objection.objects.filter(evaluation=evaluation).exists()
    )


def is_objection_reviewer(user, objection: Objection) -> bool:
    """The atasan pejabat penilai (PP 30/2019 Pasal 59); the pimpinan where that is the Kepala Daerah."""
    if objection.reviewer_id is None:
        return has_role(user, Role.PIMPINAN)
    return _eid(user) is not None and _eid(user) == objection.reviewer_id


def can_decide_objection(user, objection: Objection) -> bool:
    return objection.status == ObjectionStatus.FILED and is_objection_reviewer(user, objection)


def _evaluation_locked(skp: Skp) -> bool:
    evaluation = getattr(skp, "evaluation", None)
    return evaluation is not None and evaluation.status in (EvaluationStatus.FINAL, EvaluationStatus.PUBLISHED)
