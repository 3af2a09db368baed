"""What `tasks.py run` and `tasks.py stop` need to run the stack like a service: settings read
before anything is installed, the pid file, the process tree, the embedded Redis and the web's
own answer. Standard library only, like tasks.py itself: it runs before .venv exists.
"""
