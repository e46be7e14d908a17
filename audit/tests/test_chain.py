"""The audit log is append-only and hash-chained; verification finds the first break."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AppendOnlyError, Event
from audit.rules import GENESIS_HASH, event_hash, verify_chain
from audit.selectors import audit_chain_verify
from audit.services import EventData, event_record, events_record


def _record(n: int) -> list[Event]:
    return events_record(
        actor=None,
        events=[
            EventData(action="uji.tindakan", object_type="uji", object_id=str(i), changes={"i": i}) for i in range(n)
        ],
    )


def _disable_guard():
    """Tampering for the test: lift the database's append-only trigger, as an intruder with DBA rights would."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Ends with the test's transaction; turns off ordinary triggers for this session only.
            cur.execute("SET LOCAL session_replication_role = replica")
        else:
            cur.execute("DROP TRIGGER audit_event_no_update")
            cur.execute("DROP TRIGGER audit_event_no_delete")


@pytest.mark.django_db
def test_events_link_to_their_predecessor():
    events = _record(3)
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert [e.seq for e in events] == [1, 2, 3]
    assert audit_chain_verify() == (3, None)


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = event_record(actor=None, action="uji", object_type="uji")
    event.reason = "diubah"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.all().update(reason="x")


@pytest.mark.django_db
def test_the_database_refuses_a_raw_update():
    event_record(actor=None, action="uji", object_type="uji")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_event SET reason = 'diubah'")


@pytest.mark.django_db
def test_verify_names_the_first_edited_event():
    _record(5)
    _disable_guard()
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_event SET reason = 'dipalsukan' WHERE seq = 3")
    checked, brk = audit_chain_verify()
    assert checked == 2
    assert (brk.seq, brk.kind) == (3, "hash")


@pytest.mark.django_db
def test_verify_names_a_missing_event():
    _record(5)
    _disable_guard()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE seq = 2")
    checked, brk = audit_chain_verify()
    assert (checked, brk.seq, brk.kind) == (1, 2, "gap")


@pytest.mark.django_db
def test_verify_notices_events_removed_from_the_end():
    _record(4)
    _disable_guard()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE seq = 4")
    checked, brk = audit_chain_verify()
    assert (checked, brk.kind) == (3, "gap")


@pytest.mark.django_db
def test_audit_verify_command_exits_non_zero_on_a_break(capsys):
    _record(3)
    call_command("audit_verify")
    assert "3" in capsys.readouterr().out
    _disable_guard()
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_event SET action = 'lain' WHERE seq = 1")
    with pytest.raises(CommandError, match="#1"):
        call_command("audit_verify")


payloads = st.fixed_dictionaries(
    {
        "action": st.text(min_size=1, max_size=20),
        "changes": st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3),
        "reason": st.text(max_size=20),
    }
)


@given(st.lists(payloads, min_size=1, max_size=8), st.data())
def test_any_single_field_edit_breaks_the_chain_at_that_event(items, data):
    chain, prev = [], GENESIS_HASH
    for seq, item in enumerate(items, start=1):
        row = {
            "seq": seq,
            "created_at": "2026-01-01T00:00:00+00:00",
            "actor_id": None,
            "actor_label": "",
            "object_type": "uji",
            "object_id": "",
            "object_repr": "",
            "subject_employee_id": None,
            **item,
        }
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(prev, row)
        chain.append(row)
    assert verify_chain(chain) == (len(chain), None)
    victim = data.draw(st.integers(min_value=0, max_value=len(chain) - 1))
    chain[victim] = {**chain[victim], "reason": chain[victim]["reason"] + "!"}
    checked, brk = verify_chain(chain)
    assert checked == victim
    assert brk.seq == victim + 1
