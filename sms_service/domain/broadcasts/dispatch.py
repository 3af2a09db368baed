"""Putting broadcast work on the RQ queue. Jobs are named by dotted path, so the web process
never imports the worker's code."""

from sms_service.core.periodic_jobs import enqueue_once_per

SEND_JOB = "workers.broadcast_jobs.send_broadcast"
TICK_JOB = "workers.broadcast_jobs.tick"
TICK_JOB_ID = "broadcasts-tick"
TICK_QUEUED_KEY = "broadcasts:tick-queued"
# A sender or tick that outlives this has hung; RQ stops it and the tick recovers its work.
SPARE_SECONDS = 120


class BroadcastDispatch:
    def __init__(self, queue, settings):
        self.queue = queue
        self.settings = settings

    def _sender_timeout(self):
        return int(self.settings.slice_seconds + self.settings.lease_seconds + SPARE_SECONDS)

    def senders(self, broadcast_id, count=None, force=False):
        """Start senders for a broadcast. Unless `force`d (staff asked, or a sender hands over),
        not when some were asked for within the last two ticks and may not have started yet
        (workers busy): the tick must not pile idle senders up behind a long job."""
        marker = f"broadcasts:{broadcast_id}:senders-requested"
        fresh = self.queue.connection.set(marker, 1, nx=not force, ex=self.settings.tick_seconds * 2)
        if not (fresh or force):
            return 0
        count = count or self.settings.senders
        for _ in range(count):
            self.queue.enqueue(SEND_JOB, broadcast_id, job_timeout=self._sender_timeout(), result_ttl=3600)
        return count

    def sender_at(self, broadcast_id, when):
        self.queue.enqueue_at(when, SEND_JOB, broadcast_id, job_timeout=self._sender_timeout(), result_ttl=3600)

    def tick_now(self, force=False):
        """Queue a tick, unless one was queued within the last tick interval (by any worker) and
        this is not `force`d (staff just created a broadcast to send now)."""
        return enqueue_once_per(self.queue, TICK_QUEUED_KEY, self.settings.tick_seconds, TICK_JOB, force=force,
                                job_id=TICK_JOB_ID, result_ttl=0, job_timeout=SPARE_SECONDS)
