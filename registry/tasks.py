"""Background jobs of the registry app, run by the django-tasks-db worker
(`manage.py db_worker`), or by `manage.py rq_worker` with the Redis backend
(core.tasks_rq)."""

from django.tasks import task

from registry.imports.jobs import import_job_run


@task()
def run_register_import(job_id: int) -> str:
    """Imports an uploaded register book (registry.imports.jobs); returns the job's final status."""
    return import_job_run(job_id=job_id)
