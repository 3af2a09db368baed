"""Names the workers' clock queues the figures' count under (workers/figures_jobs.py)."""

ROLLUP_JOB = "workers.figures_jobs.roll_up_figures"
ROLLUP_QUEUED_KEY = "figures:rollup-queued"
