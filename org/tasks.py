"""Background work for roster imports: the check (preview) and the application."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.files import delete_private, read_private
from org.models import ImportStatus, RosterImport

ROSTER_KIND = "roster"


def _progress_writer(job_id):
    last = {"n": -1}

    def report(stage: str, done: int, total: int) -> None:
        # Only committed writes are visible to the page that polls; skip them inside the save transaction.
        if transaction.get_connection().in_atomic_block:
            return
        if done - last["n"] < 1000 and total == 0:
            return
        last["n"] = done
        fields = {"rows_done": done}
        if total:
            fields["rows_total"] = total
        RosterImport.objects.filter(pk=job_id).update(**fields)

    return report


def _run(job_id, *, dry_run: bool) -> None:
    from accounts.models import User
    from org.services import roster_import

    job = RosterImport.objects.get(pk=job_id)
    RosterImport.objects.filter(pk=job_id).update(
        status=ImportStatus.CHECKING if dry_run else ImportStatus.SAVING, rows_done=0
    )
    try:
        data = read_private(ROSTER_KIND, job.stored_name)
        actor = User.objects.get(pk=job.created_by_id)
        result = roster_import(
            actor=actor, data=data, filename=job.filename, dry_run=dry_run, progress=_progress_writer(job_id)
        )
    except Exception:
        RosterImport.objects.filter(pk=job_id).update(status=ImportStatus.FAILED)
        raise
    if result.ok:
        status = ImportStatus.READY if dry_run else ImportStatus.DONE
    else:
        status = ImportStatus.INVALID
    RosterImport.objects.filter(pk=job_id).update(
        status=status,
        rows_total=result.rows,
        rows_done=result.rows,
        summary=result.summary,
        errors=[e.as_dict() for e in result.errors],
        warnings=[w.as_dict() for w in result.warnings],
        applied_at=None if dry_run or not result.ok else timezone.now(),
    )
    if status in (ImportStatus.DONE, ImportStatus.INVALID):
        # Personal data is not kept longer than the import needs it: the result and the audit events stay.
        delete_private(ROSTER_KIND, job.stored_name)


@task()
def roster_import_check(job_id: str) -> None:
    _run(job_id, dry_run=True)


@task()
def roster_import_apply(job_id: str) -> None:
    _run(job_id, dry_run=False)
