"""gunicorn settings for MyAlmaty Ideas: `gunicorn -c deploy/gunicorn.conf.py app:app`.

Every value can be changed from the environment (see docs/deploy.md); the defaults suit one
host with a reverse proxy in front.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

# Where the reverse proxy finds us. In a container, GUNICORN_BIND=0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Processes answering requests. Pages wait mostly on the database, so two per core plus one;
# more than eight rarely helps one host (scale out with more hosts instead).
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# The app's settings check (memory:// rate limits with several workers) reads the number here
# (and `-w`/`--workers` from the command line, which overrides it).
os.environ["WEB_CONCURRENCY"] = str(workers)
# Threaded workers (gthread), four threads each. For short writes on an idle host sync workers
# are faster (`python -m bench --ideas 2000 --only-submissions --threads N`: 378-380 against
# 294-300 submissions per second on SQLite, 326 against 301 on PostgreSQL, none lost, no 5xx),
# but a sync worker is held whole by every slow request (an export streaming for seconds, a
# remote database's round trips); with threads the rest of its requests go on. docs/deploy.md
# has the figures. GUNICORN_THREADS=1 gives sync workers back.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"

# The app is built once, in the master process, before any worker starts. Production's start
# check (settings, compiled catalogues) therefore runs once: gunicorn stops at once with the
# reasons, and a worker replaced later (max_requests) never finds a half-upgraded tree between
# `git pull` and `translate compile`. New code needs a restart, not a reload (HUP).
preload_app = True

# Exports and discussion packs asked for on the page are written by the job worker; a scripted
# `/organise/exports/download` still streams inside the request: give it time. A request slower
# than this is killed and logged, and the worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5

# Replace each worker after a few thousand requests: a slow leak never grows for weeks.
max_requests = 2000
max_requests_jitter = 200

# Heartbeat files on a RAM disk: a container's overlay file system can stall them.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# Access and error lines on standard error/output, for the journal or the container log. The
# access line ends with the request id that the app's own lines carry.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'

_production = os.environ.get("MYALMATY_ENV") == "production"
if (os.environ.get("LOG_FORMAT") or ("json" if _production else "text")) == "json":
    # gunicorn's own lines as JSON too, so the log collector reads one format.
    logconfig_dict = {
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger", "asctime": "time"},
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json",
                        "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json",
                              "stream": "ext://sys.stderr"},
        },
        # Each line once (not again through the root logger); libraries' chatter only from
        # WARNING up (the app's own `myalmaty` lines are configured by the app itself).
        "root": {"level": "WARNING", "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False,
                               "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False,
                                "qualname": "gunicorn.access"},
        },
    }

# Prometheus metrics from every worker, added up at /metrics (see myalmaty/core/metrics.py).
_metrics = os.environ.get("METRICS_ENABLED", "").strip().lower() in {"1", "true", "yes", "on"}
if _metrics:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="myalmaty-metrics-")
    else:  # counts of a previous run would be added to this one's
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def post_worker_init(worker):
    # Each worker builds its index of similar ideas in a background thread as soon as it has
    # the app, while it serves (SIMILARITY_WARMUP). Not in the master before the fork: that
    # would hold back every worker for the whole build, and a thread does not cross a fork.
    from myalmaty.ideas.similarity import start_warm_up

    app = worker.wsgi
    if hasattr(app, "config"):
        start_warm_up(app)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
