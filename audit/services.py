"""Writing to the audit log. Call these inside the transaction of the change they describe."""

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from audit.models import ChainHead, Event
from audit.rules import GENESIS_HASH, event_hash


@dataclass
class EventData:
    action: str
    object_type: str
    object_id: str = ""
    object_repr: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    subject_employee_id: int | None = None


def _plain(value: Any) -> Any:
    """Reduce dates, decimals and UUIDs to JSON primitives, so the stored and hashed forms agree."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _actor_label(actor) -> str:
    if actor is None:
        return "sistem"
    return (actor.get_full_name() or actor.get_username())[:200]


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that changed, as {field: {"old": …, "new": …}}."""
    keys = sorted(set(before) | set(after))
    return {k: {"old": before.get(k), "new": after.get(k)} for k in keys if before.get(k) != after.get(k)}


def events_record(*, actor, events: list[EventData]) -> list[Event]:
    """Append events to the chain in one locked step (bulk: one INSERT for any number of events)."""
    if not events:
        return []
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return events_record(actor=actor, events=events)
    head, _ = ChainHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH})
    head = ChainHead.objects.select_for_update().get(pk=head.pk)
    now = timezone.now()
    label = _actor_label(actor)
    actor_id = actor.pk if actor is not None else None
    seq, prev = head.last_seq, head.last_hash
    rows = []
    for data in events:
        seq += 1
        payload = {
            "seq": seq,
            "created_at": now.isoformat(),
            "actor_id": actor_id,
            "actor_label": label,
            "action": data.action,
            "object_type": data.object_type,
            "object_id": str(data.object_id),
            "object_repr": str(data.object_repr)[:300],
            "subject_employee_id": data.subject_employee_id,
            "changes": _plain(data.changes),
            "reason": data.reason,
        }
        digest = event_hash(prev, payload)
        rows.append(
            Event(
                seq=seq,
                created_at=now,
                actor_id=actor_id,
                actor_label=label,
                action=data.action,
                object_type=data.object_type,
                object_id=payload["object_id"],
                object_repr=payload["object_repr"],
                subject_employee_id=data.subject_employee_id,
                changes=payload["changes"],
                reason=data.reason,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    Event.objects.bulk_create(rows, batch_size=2000)
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
    return rows


def event_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    changes=None,
    reason: str = "",
    subject_employee_id: int | None = None,
) -> Event:
    """Append one event about `obj` (or about `object_type` when there is no object)."""
    data = EventData(
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj) if obj is not None else "",
        changes=changes or {},
        reason=reason,
        subject_employee_id=subject_employee_id,
    )
    return events_record(actor=actor, events=[data])[0]
