"""Background work for fairness: one analysis run (queued by `services.analysis_start`)."""

from django_tasks import task


@task()
def analysis_run(run_id: int) -> None:
    from fairness.services import analysis_execute

    analysis_execute(run_id=run_id)
