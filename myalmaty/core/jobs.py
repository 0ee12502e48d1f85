"""Background jobs: on Redis's queue (RQ) when REDIS_URL is set, otherwise run at once in-process.

With Redis, a request only puts the job on the queue and answers; `flask worker` runs it, and
retries it when it fails (after 10 seconds, a minute, five minutes), so no resident waits on the
mail server, and a mail server that is down for a while loses nothing. Without Redis
(development, tests, the quick start) the same function runs right away, in the request, and a
failure is logged instead of turning the resident's action into an error page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

import redis
from flask import current_app
from rq import Queue, Retry, Worker
from rq.job import Job

from myalmaty.extensions import db

log = logging.getLogger("myalmaty.jobs")

QUEUE_NAME = "myalmaty"
RETRY_INTERVALS = [10, 60, 300]
FAILED_KEPT_SECONDS = 7 * 24 * 60 * 60  # failed jobs stay inspectable for a week


def job_queue(config: Mapping) -> Queue | None:
    """The queue, when REDIS_URL is set; None means jobs run in-process."""
    url = config.get("REDIS_URL")
    if not url:
        return None
    connection = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return Queue(config.get("JOB_QUEUE", QUEUE_NAME), connection=connection)


def _run_now(func: Callable[..., Any], args: tuple) -> None:
    try:
        func(*args)
    except Exception:
        log.exception("Job %s.%s failed", func.__module__, func.__qualname__)


def enqueue(func: Callable[..., Any], *args: Any) -> None:
    """Run `func(*args)` in the background (a module-level function with plain arguments)."""
    queue = job_queue(current_app.config)
    if queue is None:
        _run_now(func, args)
        return
    try:
        queue.enqueue_call(func, args=args, retry=Retry(max=len(RETRY_INTERVALS),
                                                       interval=RETRY_INTERVALS),
                           result_ttl=0, failure_ttl=FAILED_KEPT_SECONDS)
    except redis.RedisError:
        # Better late (the request waits) than never: the resident's mail still goes out.
        log.warning("Job queue unreachable; running %s in the request", func.__qualname__,
                    exc_info=True)
        _run_now(func, args)


def enqueue_at(when: dt.datetime, func: Callable[..., Any], *args: Any) -> bool:
    """Run `func(*args)` at `when` on the queue (the worker's scheduler starts it then).

    Without a queue nothing can wake up later: answers False and runs nothing; the caller
    decides what happens instead (run it at once, or leave it to a periodic command).
    """
    queue = job_queue(current_app.config)
    if queue is None:
        return False
    try:
        queue.enqueue_at(when, func, *args, retry=Retry(max=len(RETRY_INTERVALS),
                                                        interval=RETRY_INTERVALS),
                         result_ttl=0, failure_ttl=FAILED_KEPT_SECONDS)
    except redis.RedisError:
        log.warning("Job queue unreachable; %s was not scheduled", func.__qualname__,
                    exc_info=True)
        return False
    return True


def queue_depth(config: Mapping) -> int | None:
    """Jobs waiting (None without a queue, or when Redis does not answer)."""
    queue = job_queue(config)
    if queue is None:
        return None
    try:
        return queue.count
    except redis.RedisError:
        return None


class AppWorker(Worker):
    """RQ's worker, each job in a forked process of its own that inherits the app context.

    A forked process must not use the database connections it inherited (they belong to the
    worker, and two processes on one socket corrupt each other's conversation): the pool is
    replaced, without closing the parent's connections, before the job runs.
    """

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        db.engine.dispose(close=False)
        super().main_work_horse(job, queue)


def work(queue: Queue, burst: bool = False) -> None:
    """Run jobs until stopped (or, with `burst`, until the queue is empty), in the current app
    context, which each job's process inherits."""
    AppWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True,
                                                         logging_level="INFO")
