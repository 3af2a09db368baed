"""The job queue, read from RQ's own registries: jobs waiting, running, scheduled, failed; the
workers; the failed jobs with their error, and a button to run one again."""

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from rq import Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job

from sms_service import audit
from sms_service.broadcasts.schedule import show_local
from sms_service.console.blueprint import blueprint
from sms_service.console.roles import requires

SHOWN_FAILED = 50


def error_of(job):
    """The last line of the job's traceback: the exception and its message."""
    result = job.latest_result()
    lines = [line for line in ((result and result.exc_string) or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


@blueprint.get("/queue")
@requires("admin")
def queue():
    rq_queue = current_app.extensions["queue"]
    connection = rq_queue.connection
    registries = {
        "queued": rq_queue.count,
        "started": rq_queue.started_job_registry.count,
        "scheduled": rq_queue.scheduled_job_registry.count,
        "deferred": rq_queue.deferred_job_registry.count,
        "failed": rq_queue.failed_job_registry.count,
        "finished": rq_queue.finished_job_registry.count,
    }
    failed_ids = rq_queue.failed_job_registry.get_job_ids(0, SHOWN_FAILED - 1, desc=True)
    failed = [job for job in Job.fetch_many(failed_ids, connection=connection) if job is not None]
    workers = Worker.all(queue=rq_queue)
    return render_template("console/queue.html", name=rq_queue.name, counts=registries, failed=failed,
                           workers=workers, error_of=error_of, show_local=show_local)


@blueprint.post("/queue/failed/<job_id>/requeue")
@requires("admin")
def requeue_job(job_id):
    rq_queue = current_app.extensions["queue"]
    try:
        job = rq_queue.failed_job_registry.requeue(job_id)
    except (NoSuchJobError, InvalidJobOperation):
        abort(404, f"There is no failed job {job_id!r} (it may have been run again already).")
    with current_app.extensions["database"].transaction() as session:
        audit.record(session, g.staff.username, "queue.requeue", f"job {job_id}", function=job.func_name)
    flash(f"Job {job_id} is queued again.")
    return redirect(url_for("console.queue"))
