"""The job queue, read from RQ's own registries: jobs waiting, running, scheduled, failed; the
workers; the failed jobs with their error, and a button to run one again."""

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from rq import Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, validate_job_id

from sms_service.core.clock import show_local
from sms_service.core.log_redaction import redact
from sms_service.domain import audit
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.roles import requires

SHOWN_FAILED = 50


def error_of(job):
    """The last line of the job's traceback: the exception and its message, with any phone
    number in it masked as in the logs (an InvalidPhoneNumber names the number it refused)."""
    result = job.latest_result()
    lines = [line for line in ((result and result.exc_string) or "").strip().splitlines() if line.strip()]
    return redact(lines[-1]) if lines else ""


@blueprint.get("/queue")
@requires("admin")
def queue():
    """RQ's counts summed over the service's queues (replies, default), its workers, the newest
    failed jobs."""
    rq_queues = list(current_app.services.queues.values())
    connection = current_app.services.redis
    registries = {
        "queued": sum(rq_queue.count for rq_queue in rq_queues),
        "started": sum(rq_queue.started_job_registry.count for rq_queue in rq_queues),
        "scheduled": sum(rq_queue.scheduled_job_registry.count for rq_queue in rq_queues),
        "deferred": sum(rq_queue.deferred_job_registry.count for rq_queue in rq_queues),
        "failed": sum(rq_queue.failed_job_registry.count for rq_queue in rq_queues),
        "finished": sum(rq_queue.finished_job_registry.count for rq_queue in rq_queues),
    }
    failed_ids = [job_id for rq_queue in rq_queues
                  for job_id in rq_queue.failed_job_registry.get_job_ids(0, SHOWN_FAILED - 1, desc=True)]
    failed = [job for job in Job.fetch_many(failed_ids[:SHOWN_FAILED], connection=connection) if job is not None]
    workers = Worker.all(connection=connection)
    return render_template("console/queue.html", name=", ".join(rq_queue.name for rq_queue in rq_queues),
                           counts=registries, failed=failed, workers=workers, error_of=error_of, show_local=show_local)


@blueprint.post("/queue/failed/<job_id>/requeue")
@requires("admin")
def requeue_job(job_id):
    job = None
    try:
        validate_job_id(job_id)
    except ValueError:  # RQ refuses such an id (`..`, a space): no job can have it
        abort(404, f"There is no failed job {job_id!r}.")
    for rq_queue in current_app.services.queues.values():
        try:
            job = rq_queue.failed_job_registry.requeue(job_id)
            break
        except (NoSuchJobError, InvalidJobOperation):
            continue
    if job is None:
        abort(404, f"There is no failed job {job_id!r} (it may have been run again already).")
    with current_app.services.database.transaction() as session:
        audit.record(session, g.staff.username, "queue.requeue", f"job {job_id}", function=job.func_name)
    flash(f"Job {job_id} is queued again.")
    return redirect(url_for("console.queue"))
