"""Background work: runs inline by default, or on an RQ queue when ADVOCACY_REDIS_URL is set.

This module is the mechanism only (submit, threads, an application for a worker); the app's own
jobs are in advocacy/tasks.py."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app, has_app_context
from redis import Redis, RedisError
from rq import Queue

from advocacy.extensions import db
from advocacy.mail import MailNotSent, OutgoingMail, build_message, send_mail

QUEUE_NAME = "advocacy"
T = TypeVar("T")


@dataclass(frozen=True)
class Submitted:
    """What became of a job: its outcome when it ran inline, or its id when it was queued."""

    job_id: str = ""
    outcomes: list | None = None  # the job's own results when it ran inline
    in_thread: bool = False  # started in a thread of this process, which records its own results

    @property
    def queued(self) -> bool:
        return bool(self.job_id)


def queue() -> Queue | None:
    url = current_app.config["REDIS_URL"]
    return Queue(QUEUE_NAME, connection=Redis.from_url(url)) if url else None


# A request that queues a job waits at most this long for Redis before doing the job itself.
SUBMIT_TIMEOUT = 2.0


def submit(job: Callable[..., list], *args: object, background: bool = False) -> Submitted:
    """Queue the job when Redis is configured; otherwise, or when Redis does not answer, run it
    now, in this process (logged, so whoever runs the site sees that the worker was bypassed).

    With `background`, "now" is in a thread with its own application context, so the request that
    asked answers at once; such a job bounds its own time (a bill refresh has its caps) and
    records its own results.
    """
    url = current_app.config["REDIS_URL"]
    if url:
        connection = Redis.from_url(url, socket_connect_timeout=SUBMIT_TIMEOUT, socket_timeout=SUBMIT_TIMEOUT)
        try:
            return Submitted(
                job_id=Queue(QUEUE_NAME, connection=connection).enqueue(job, *args, job_timeout=1800).id
            )
        except RedisError as error:
            current_app.logger.warning("Redis did not answer (%s): %s runs here and now", error, job.__name__)
    if background:
        _start_thread(job, args)
        return Submitted(in_thread=True)
    return Submitted(outcomes=job(*args))


_threads: set[threading.Thread] = set()  # jobs running in threads of this process
_threads_lock = threading.Lock()


def _start_thread(job: Callable[..., object], args: tuple) -> None:
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                job(*args)
            except Exception:  # nobody waits for this thread: its failure goes to the log
                app.logger.exception("%s failed in its thread", job.__name__)
            finally:
                db.session.remove()
                with _threads_lock:
                    _threads.discard(threading.current_thread())

    # A daemon: a server that stops does not wait for a refresh to end.
    thread = threading.Thread(target=run, name=f"job-{job.__name__}", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()


def wait_for_jobs_in_threads(timeout: float = 60.0) -> None:
    """Block until the jobs this process started in threads have ended (tests, shutdown)."""
    with _threads_lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)


def send_after_answer(mail: OutgoingMail) -> None:
    """Send `mail` once the request has its answer: a job, on the queue when Redis is configured,
    otherwise in a thread of this process.

    Registering and asking for a new password must answer alike, in words and in time, whether
    or not the address has an account and whether or not the mail server is up: the time a mail
    server takes, and its failures, would tell. A failure is logged for whoever runs the site.
    MAIL_AFTER_ANSWER = False sends at once instead (most tests read the mail right away).
    """
    build_message(mail.to, mail.subject, mail.body)  # a bad address fails here, in the request
    if not current_app.config["MAIL_AFTER_ANSWER"]:
        mail_job(mail)
        return
    submit(mail_job, mail, background=True)


def mail_job(mail: OutgoingMail) -> list[str]:
    """Send one message; a failure is logged, and the job's result says which."""

    def deliver() -> list[str]:
        try:
            send_mail(mail.to, mail.subject, mail.body)
        except MailNotSent as error:
            current_app.logger.warning("%r was not sent: %s", mail.subject, error)
            return [f"not sent: {error}"]
        return ["sent"]

    return in_app(deliver)


_make_app: Callable[[], Flask] | None = None  # the factory, as create_app handed it over


def use_factory(make_app: Callable[[], Flask]) -> None:
    """Called by create_app: how a worker with no application makes one for its job."""
    global _make_app
    _make_app = make_app


def in_app(work: Callable[..., T], *args: object) -> T:
    """Run `work` in the current application, or, in a worker, in one made for it and closed after."""
    if has_app_context():
        return work(*args)
    if _make_app is None:
        raise RuntimeError("no application to run the job in: start workers with `advocacy worker`")
    with _make_app().app_context():
        try:
            return work(*args)
        finally:
            db.session.remove()
            db.engine.dispose()  # a worker lives long: leave no connection behind
