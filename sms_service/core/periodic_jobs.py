"""Queueing a periodic job once per interval, however many workers' clocks ask for it."""


def enqueue_once_per(queue, marker_key, seconds, job, force=False, **options):
    """Queue `job` unless one was queued under `marker_key` within `seconds` (by any worker), or
    always when `force`d; True if queued.

    A time-limited key, not the job's status: a job can be stranded looking "queued" (a worker
    stopped while taking it), and a periodic job must never be blocked for long.
    """
    fresh = queue.connection.set(marker_key, 1, nx=not force, ex=max(1, int(seconds)))
    if not (fresh or force):
        return False
    queue.enqueue(job, **options)
    return True
