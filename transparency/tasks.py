"""Background work for the board and portal: refreshing a published period's aggregates.

Performance services call `aggregates_refresh_enqueue` inside their transaction; it waits for the
commit, so the refresh never reads a change that was rolled back, and stamps the request with the
time of the commit, so one refresh can answer several requests made before it began.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task()
def aggregates_refresh(period_id: int, requested_at: str = "", trigger: str = "") -> None:
    from transparency.services import aggregates_refresh_if_stale

    aggregates_refresh_if_stale(period_id=period_id, requested_at=requested_at, trigger=trigger)


def aggregates_refresh_enqueue(period_id: int, trigger: str = "") -> None:
    """Queue a refresh of the period's aggregates once the current transaction commits."""

    def enqueue() -> None:
        aggregates_refresh.enqueue(period_id=period_id, requested_at=timezone.now().isoformat(), trigger=trigger)

    transaction.on_commit(enqueue)
