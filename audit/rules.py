"""Pure hashing rules for the audit chain (no Django)."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64

# The fields that a hash covers, in a fixed order. Changing this list breaks every chain.
HASHED_FIELDS = (
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
)


def event_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the canonical JSON of the hashed fields."""
    body = {name: payload.get(name) for name in HASHED_FIELDS}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + "\n" + canonical).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    kind: str  # "gap" (a missing event), "prev_hash" (linked to the wrong event), "hash" (edited)
    expected: str
    found: str


def verify_chain(events: Iterable[Mapping[str, Any]]) -> tuple[int, ChainBreak | None]:
    """Walk events in sequence order; return how many were checked and the first break, if any."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    for event in events:
        seq = event["seq"]
        if seq != expected_seq:
            return checked, ChainBreak(seq=expected_seq, kind="gap", expected=str(expected_seq), found=str(seq))
        if event["prev_hash"] != prev:
            return checked, ChainBreak(seq=seq, kind="prev_hash", expected=prev, found=event["prev_hash"])
        recomputed = event_hash(prev, event)
        if recomputed != event["hash"]:
            return checked, ChainBreak(seq=seq, kind="hash", expected=recomputed, found=event["hash"])
        prev = event["hash"]
        expected_seq += 1
        checked += 1
    return checked, None
