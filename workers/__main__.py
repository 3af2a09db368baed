"""`python -m workers [--burst]`: the Procfile's worker process."""

import sys

from workers.runner import run_worker

if __name__ == "__main__":
    run_worker(burst="--burst" in sys.argv[1:])
