"""Reading the audit log."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from audit.models import Event
from audit.rules import ChainBreak, verify_chain


def events_visible_to(*, user) -> QuerySet[Event]:
    """Admins and auditors read the whole log; everyone else the events about their own record."""
    from accounts.permissions import can_read_full_audit

    qs = Event.objects.all()
    if can_read_full_audit(user):
        return qs
    employee_id = getattr(user, "employee_id", None)
    if employee_id is None:
        return qs.none()
    return qs.filter(subject_employee_id=employee_id)


def _event_rows(chunk_size: int = 5000) -> Iterator[dict[str, Any]]:
    fields = (
        "seq",
        "created_at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "subject_employee_id",
        "changes",
        "reason",
        "prev_hash",
        "hash",
    )
    for row in Event.objects.order_by("seq").values(*fields).iterator(chunk_size=chunk_size):
        row["created_at"] = row["created_at"].isoformat()
        yield row


def audit_chain_verify() -> tuple[int, ChainBreak | None]:
    """Check the whole chain; the count of good events and the first break, if any."""
    from audit.models import ChainHead

    checked, brk = verify_chain(_event_rows())
    if brk is None:
        head = ChainHead.objects.filter(pk=1).first()
        # Events removed from the end leave no gap in the rows but do disagree with the head.
        if head is not None and head.last_seq != checked:
            return checked, ChainBreak(seq=checked + 1, kind="gap", expected=str(head.last_seq), found=str(checked))
    return checked, brk
