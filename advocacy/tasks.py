"""The app's background jobs: lawmaker syncs and photos, bill refreshes, the daily reminders and
retention, the daily bill alerts. Each runs through advocacy.jobs: inline, in a thread, or on
`advocacy worker`."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta

from flask import current_app
from redis import RedisError
from rq import Queue, get_current_job

from advocacy.alerts.sending import deliver_alerts, send_alerts
from advocacy.alerts.service import UNCONFIRMED_DAYS, clear_sent_alerts, forget_unconfirmed_followers
from advocacy.bills.service import api_configured, refresh_states
from advocacy.bills.sync import RefreshOutcome
from advocacy.clients.openstates import BulkSource
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.inbound.health import forget_inbound_log
from advocacy.jobs import QUEUE_NAME, in_app, queue
from advocacy.legislators.photos import fetch_state_photos
from advocacy.legislators.sync import StateOutcome, run_sync
from advocacy.letters.outbox import Delivery, DeliveryOutcome
from advocacy.letters.replies import send_due_reminders
from advocacy.letters.service import forget_anonymous_drafts, purge_personal_details
from advocacy.models import AlertMessage, State
from advocacy.rate_limits import forget_expired_limits
from advocacy.reportcards.service import all_states


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
        clear_sent_alerts(db.session, utcnow() - timedelta(days=int(config["LETTER_RETENTION_DAYS"])))
        forget_unconfirmed_followers(db.session, utcnow() - timedelta(days=UNCONFIRMED_DAYS))
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

    The free Open States key allows 250 requests a day and 10 a minute: a state costs two requests a
    day (its changed bills, its upcoming hearings), once a week one more for its list of sessions and,
    on the state's own day of the week, its committees' pages (at most 5 for Missouri): at most 196
    a day for 52 states, 28 minutes apart (docs/letters-and-campaigns.md has the figures).
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


ALERTS_JOB_ID = "daily-alerts"


def alerts_job() -> str:
    """Make and send the day's bill alerts, then book tomorrow's run (only with Redis: a worker
    runs it; without, `advocacy send-alerts` from cron)."""

    def work() -> str:
        run = send_alerts(db.session, utcnow().date(), utcnow())
        jobs = queue()
        if jobs is not None:
            _book_retries(jobs, run.deliveries)
            jobs.enqueue_in(DAY, alerts_job, job_id=ALERTS_JOB_ID)
        return run.describe()

    return in_app(work)


def alert_retry_job(message_id: int) -> str:
    """Try one alert again once its wait is over (booked after a temporary failure)."""

    def work() -> str:
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            deliveries = deliver_alerts(db.session, utcnow(), only=[message_id])
        jobs = queue()
        if jobs is not None:
            _book_retries(jobs, deliveries)
        return "; ".join(d.describe() for d in deliveries)

    return in_app(work)


def _book_retries(jobs: Queue, deliveries: list[Delivery]) -> None:
    for delivery in deliveries:
        if delivery.outcome == DeliveryOutcome.RETRYING:
            message = db.session.get(AlertMessage, delivery.message_id)
            jobs.enqueue_in(
                max(message.next_attempt_at - utcnow(), timedelta(0)), alert_retry_job, message.id
            )


def schedule_daily_jobs(jobs: Queue) -> None:
    """Start the daily reminders, bill refreshes and alerts unless a run of each is already waiting."""
    if jobs.fetch_job(REMINDERS_JOB_ID) is None:
        jobs.enqueue(reminders_job, job_id=REMINDERS_JOB_ID)
    if jobs.fetch_job(ALERTS_JOB_ID) is None:
        jobs.enqueue(alerts_job, job_id=ALERTS_JOB_ID)
    if jobs.fetch_job(BILLS_DAY_JOB_ID) is None:
        jobs.enqueue(bills_day_job, job_id=BILLS_DAY_JOB_ID)
