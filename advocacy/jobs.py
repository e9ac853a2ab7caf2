"""Background work: runs inline by default, or on an RQ queue when ADVOCACY_REDIS_URL is set."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from flask import current_app, has_app_context
from redis import Redis, RedisError
from rq import Queue, get_current_job

from advocacy.bills.service import api_configured, refresh_states
from advocacy.bills.sync import RefreshOutcome
from advocacy.campaigns.replies import send_due_reminders
from advocacy.clients.openstates import BulkSource
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.inbound.health import forget_inbound_log
from advocacy.legislators.photos import fetch_state_photos
from advocacy.legislators.sync import StateOutcome, run_sync
from advocacy.letters.service import forget_anonymous_drafts, purge_personal_details
from advocacy.mail import MailNotSent, OutgoingMail, build_message, send_mail
from advocacy.models import State
from advocacy.rate_limits import forget_expired_limits
from advocacy.reportcards.service import all_states

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


def in_app(work: Callable[..., T], *args: object) -> T:
    """Run `work` in the current application, or, in a worker, in one made for it and closed after."""
    if has_app_context():
        return work(*args)
    from advocacy import create_app

    with create_app().app_context():
        try:
            return work(*args)
        finally:
            db.session.remove()
            db.engine.dispose()  # a worker lives long: leave no connection behind


def sync_job(abbrs: list[str], source: str) -> list[StateOutcome]:
    """Sync lawmakers for these states (queued on `advocacy worker` when Redis is configured)."""
    return in_app(_sync, abbrs, source)


def _sync(abbrs: list[str], source: str) -> list[StateOutcome]:
    states = [db.session.get(State, abbr) for abbr in abbrs]
    bulk = BulkSource(source, timeout=float(current_app.config["HTTP_TIMEOUT"]))
    try:
        outcomes = run_sync(db.session, bulk, [s for s in states if s is not None])
    finally:
        bulk.close()
    current = get_current_job()
    if current is not None:  # on the worker: the photos of new lawmakers come next, there too
        with suppress(RedisError):
            Queue(QUEUE_NAME, connection=current.connection).enqueue(photos_job, abbrs, job_timeout=3600)
    return outcomes


def photos_job(abbrs: list[str]) -> str:
    """Fetch the photos these states' lawmakers do not have yet (on `advocacy worker`)."""
    return in_app(lambda: fetch_state_photos(db.session, current_app.config, abbrs).describe())


REMINDERS_JOB_ID = "daily-reminders"


def reminders_job() -> str:
    """Send the day's reply reminders and keep the retention period (purge, old anonymous drafts),
    then book tomorrow's run (only with Redis: a worker runs it)."""

    def work() -> str:
        config = current_app.config
        with current_app.test_request_context(base_url=config["BASE_URL"]):
            counts = send_due_reminders(db.session, config["SECRET_KEY"], int(config["REMINDER_DAYS"]))
        db.session.commit()
        # The retention period, kept every day without a cron job.
        purge_personal_details(db.session, utcnow() - timedelta(days=int(config["LETTER_RETENTION_DAYS"])))
        forget_anonymous_drafts(db.session, utcnow() - timedelta(days=int(config["ANONYMOUS_DRAFT_DAYS"])))
        forget_inbound_log(db.session, utcnow() - timedelta(days=int(config["INBOUND_LOG_DAYS"])))
        forget_expired_limits(db.session)
        db.session.commit()
        jobs = queue()
        if jobs is not None:
            jobs.enqueue_in(timedelta(days=1), reminders_job, job_id=REMINDERS_JOB_ID)
        return counts.describe()

    return in_app(work)


def bills_job(abbrs: list[str]) -> list[RefreshOutcome]:
    """Refresh these states' bills from Open States (queued on `advocacy worker` with Redis)."""

    def work() -> list[RefreshOutcome]:
        if not api_configured(current_app.config):
            return []  # the key was removed after the refresh was booked: nothing to ask
        states = [state for abbr in abbrs if (state := db.session.get(State, abbr)) is not None]
        return refresh_states(db.session, current_app.config, states, date.today())

    return in_app(work)


BILLS_DAY_JOB_ID = "daily-bill-refreshes"
DAY = timedelta(days=1)


def bills_day_job() -> str:
    """Book a refresh of every state, spread evenly over the next day, then tomorrow's booking.

    The free Open States key allows 250 requests a day and 10 a minute: a state costs one or two
    requests a day (a third once a week for its list of sessions), so 52 states fit, 28 minutes apart.
    """

    def work() -> str:
        jobs = queue()
        if jobs is None:
            return "no Redis: run `advocacy sync-bills` from cron instead"
        jobs.enqueue_in(DAY, bills_day_job, job_id=BILLS_DAY_JOB_ID)
        if not api_configured(current_app.config):
            return "no Open States API key: bills are added by hand"
        abbrs = [state.abbr for state in all_states(db.session)]
        gap = DAY / max(len(abbrs), 1)
        for n, abbr in enumerate(abbrs):
            jobs.enqueue_in(gap * n, bills_job, [abbr], job_timeout=600)
        return f"{len(abbrs)} states booked, {gap.total_seconds() / 60:.0f} minutes apart"

    return in_app(work)


def schedule_daily_jobs(jobs: Queue) -> None:
    """Start the daily reminders and bill refreshes unless a run of each is already waiting."""
    if jobs.fetch_job(REMINDERS_JOB_ID) is None:
        jobs.enqueue(reminders_job, job_id=REMINDERS_JOB_ID)
    if jobs.fetch_job(BILLS_DAY_JOB_ID) is None:
        jobs.enqueue(bills_day_job, job_id=BILLS_DAY_JOB_ID)
