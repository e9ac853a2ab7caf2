"""Command line: `advocacy …` (the same as `flask --app advocacy …`)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import click
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from rq import Worker
from sqlalchemy import select

from advocacy import folders
from advocacy.alerts.sending import send_alerts
from advocacy.alerts.service import UNCONFIRMED_DAYS, clear_sent_alerts, forget_unconfirmed_followers
from advocacy.audit import record
from advocacy.auth.service import EmailTaken, WeakPassword, create_user
from advocacy.bills.service import api_configured, refresh_states
from advocacy.bills.sync import BillCounts
from advocacy.caching import move_generation_on
from advocacy.campaigns.tallies import campaign_tallies, rebuild_tallies
from advocacy.clock import utcnow
from advocacy.doctor import doctor_command
from advocacy.extensions import db
from advocacy.inbound.commands import COMMANDS as INBOUND_COMMANDS
from advocacy.inbound.health import forget_inbound_log
from advocacy.inbound.mailbox import MAILBOX_JOB_ID, mailbox_job
from advocacy.jobs import queue
from advocacy.legislators.photos import fetch_state_photos
from advocacy.legislators.sync import StateOutcome, SyncCounts
from advocacy.letters.outbox import OutboxUnavailable, deliver_due, summarize
from advocacy.letters.render import InvalidTemplateFile
from advocacy.letters.replies import send_due_reminders
from advocacy.letters.service import forget_anonymous_drafts, load_letter_templates, purge_personal_details
from advocacy.models import Campaign
from advocacy.models.accounts import Role
from advocacy.rate_limits import forget_expired_limits
from advocacy.reportcards.imports import InvalidReportCardFile, parse_card_csv, save_figures
from advocacy.reportcards.loader import InvalidReportCardData, load_report_cards
from advocacy.reportcards.service import all_states, featured_framework
from advocacy.tasks import schedule_daily_jobs, sync_job


def migrate_database() -> None:
    config = AlembicConfig()
    config.set_main_option("script_location", str(folders.MIGRATIONS))
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table, drops the old one and renames the copy: with
            # foreign keys enforced, the drop would delete (ON DELETE CASCADE) or refuse the rows
            # that point at it. SQLite takes this only outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                alembic_command.upgrade(config, "head")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


@click.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    migrate_database()
    click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")


def _parse_states(values: tuple[str, ...]) -> list:
    states = all_states(db.session)
    if not values:
        return states
    known = {s.abbr: s for s in states}
    wanted = [v.lower() for value in values for v in value.replace(",", " ").split()]
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown state code {', '.join(u.upper() for u in unknown)}; "
            "use two-letter postal codes such as MO or DC",
            param_hint="--state",
        )
    return [known[w] for w in dict.fromkeys(wanted)]


def sync_and_report(states: list, source: str) -> list[StateOutcome]:
    outcomes = sync_job([s.abbr for s in states], source)
    total = SyncCounts()
    for outcome in outcomes:
        click.echo(outcome.describe())
        total = total + (outcome.counts or SyncCounts())
    failed = sum(1 for o in outcomes if o.counts is None)
    suffix = f" ({failed} failed)" if failed else ""
    click.echo(f"total: {total.describe()}{suffix}")
    return outcomes


@click.command("sync-legislators")
@click.option("--state", "state_codes", multiple=True, help="Postal code; repeat for several.")
@click.option("--source", default=None, help="Bulk CSV base URL or a folder of <abbr>.csv files.")
def sync_legislators_command(state_codes: tuple[str, ...], source: str | None) -> None:
    """Import lawmakers from Open States bulk CSV files, one transaction per state."""
    if not all_states(db.session):
        raise click.ClickException("the database has no states yet: run `advocacy seed` first")
    states = _parse_states(state_codes)
    outcomes = sync_and_report(states, source or current_app.config["OPENSTATES_URL"])
    if any(o.counts is None for o in outcomes):
        sys.exit(1)


@click.command("sync-bills")
@click.option("--state", "state_codes", multiple=True, help="Postal code; repeat for several.")
def sync_bills_command(state_codes: tuple[str, ...]) -> None:
    """Refresh each state's trafficking bills from Open States API v3 (needs an API key)."""
    if not api_configured(current_app.config):
        raise click.ClickException(
            "no Open States API key is set: get a free one at https://openstates.org/accounts/profile/ "
            "and set ADVOCACY_OPENSTATES_API_KEY (bills added by hand on /admin/bills need none)"
        )
    if not all_states(db.session):
        raise click.ClickException("the database has no states yet: run `advocacy seed` first")
    states = _parse_states(state_codes)
    outcomes = refresh_states(db.session, current_app.config, states, date.today())
    total = BillCounts()
    for outcome in outcomes:
        click.echo(outcome.describe())
        total = total + (outcome.counts or BillCounts())
    failed = sum(1 for o in outcomes if o.counts is None)
    click.echo(f"total: {total.describe()}" + (f" ({failed} failed)" if failed else ""))
    if failed:
        sys.exit(1)


@click.command("fetch-photos")
@click.option("--state", "state_codes", multiple=True, help="Postal code; repeat for several.")
def fetch_photos_command(state_codes: tuple[str, ...]) -> None:
    """Fetch the lawmakers' photos this site does not have yet; pages never fetch one themselves."""
    abbrs = [state.abbr for state in _parse_states(state_codes)] if state_codes else []
    try:
        counts = fetch_state_photos(db.session, current_app.config, abbrs)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"photos: {counts.describe()}")


@click.command("seed")
@click.option("--skip-legislators", is_flag=True, help="Load report cards and templates only.")
def seed_command(skip_legislators: bool) -> None:
    """Load report cards, letter templates and lawmakers; running it again duplicates nothing."""
    migrate_database()
    try:
        counts = load_report_cards(db.session)
        framework = featured_framework(db.session)
        templates = load_letter_templates(
            db.session, Path(current_app.config["LETTER_TEMPLATES_DIR"]), framework
        )
    except (InvalidReportCardData, InvalidTemplateFile) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(counts.describe())
    click.echo(templates.describe())
    if skip_legislators:
        return
    source = current_app.config["OPENSTATES_URL"]
    click.echo(f"lawmakers from {source}")
    outcomes = sync_and_report(all_states(db.session), source)
    failed = [o for o in outcomes if o.counts is None]
    if failed:
        click.echo(
            f"warning: lawmakers for {len(failed)} of {len(outcomes)} states could not be loaded "
            "(see above). Report cards and letter templates are ready; run "
            "`advocacy sync-legislators` again when the source is reachable.",
            err=True,
        )


@click.command("import-reportcards")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change; write nothing.")
def import_reportcards_command(path: Path, dry_run: bool) -> None:
    """Import report cards from a CSV file (year,state,source,grade,total_score,…,area_1…area_6)."""
    try:
        rows = parse_card_csv(db.session, path.read_bytes())
    except InvalidReportCardFile as error:
        for line in error.errors:
            click.echo(f"{path.name}: {line}", err=True)
        raise click.ClickException(f"nothing was imported: {len(error.errors)} problem(s)") from error
    counts = save_figures(db.session, rows, None, "reportcard.import", origin="command line")
    if dry_run:
        db.session.rollback()
        click.echo(f"dry run, nothing was written: would be {counts.describe()}")
        return
    db.session.commit()
    click.echo(counts.describe())


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Ask writers, once, whether the lawmaker answered a letter sent some weeks ago."""
    config = current_app.config
    # Links in the emails point at the public site, not at this process.
    with current_app.test_request_context(base_url=config["BASE_URL"]):
        counts = send_due_reminders(db.session, config["SECRET_KEY"], int(config["REMINDER_DAYS"]))
    db.session.commit()
    click.echo(counts.describe())


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run background jobs from the Redis queue in ADVOCACY_REDIS_URL: syncs, sends, daily reminders."""
    jobs = queue()
    if jobs is None:
        raise click.ClickException(
            "ADVOCACY_REDIS_URL is not set: without Redis, jobs run inline and need no worker"
        )
    schedule_daily_jobs(jobs)
    if current_app.config["INBOUND_IMAP_URL"] and jobs.fetch_job(MAILBOX_JOB_ID) is None:
        jobs.enqueue(mailbox_job, job_id=MAILBOX_JOB_ID)  # then every minute
    Worker([jobs], connection=jobs.connection).work(burst=burst, with_scheduler=True)


@click.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None, help="Override the retention period.")
def purge_command(days: int | None) -> None:
    """Remove writers' personal details from letters older than the retention period."""
    keep = days if days is not None else int(current_app.config["LETTER_RETENTION_DAYS"])
    cutoff = utcnow() - timedelta(days=keep)
    purged = purge_personal_details(db.session, cutoff)
    cleared = clear_sent_alerts(db.session, cutoff)
    follow_cutoff = utcnow() - timedelta(days=UNCONFIRMED_DAYS)
    unconfirmed = forget_unconfirmed_followers(db.session, follow_cutoff)
    draft_cutoff = utcnow() - timedelta(days=int(current_app.config["ANONYMOUS_DRAFT_DAYS"]))
    forgotten = forget_anonymous_drafts(db.session, draft_cutoff)
    mail_cutoff = utcnow() - timedelta(days=int(current_app.config["INBOUND_LOG_DAYS"]))
    dropped = forget_inbound_log(db.session, mail_cutoff)
    expired = forget_expired_limits(db.session)
    db.session.commit()
    click.echo(f"removed personal details from {purged} letter(s) written before {cutoff:%Y-%m-%d}")
    click.echo(f"cleared the text of {cleared} bill alert(s) made before {cutoff:%Y-%m-%d}")
    click.echo(f"deleted {unconfirmed} request(s) to follow bills not confirmed by {follow_cutoff:%Y-%m-%d}")
    click.echo(f"deleted {forgotten} unsent draft(s) saved without an account before {draft_cutoff:%Y-%m-%d}")
    click.echo(f"forgot {dropped} inbound message outcome(s) received before {mail_cutoff:%Y-%m-%d}")
    click.echo(f"forgot {expired} rate-limit count(s) whose window is over")


@click.command("recount-campaigns")
@click.argument("slugs", nargs=-1)
def recount_campaigns_command(slugs: tuple[str, ...]) -> None:
    """Count campaigns' figures afresh from their letters: every campaign, or the ones named."""
    query = select(Campaign).order_by(Campaign.slug)
    if slugs:
        query = query.where(Campaign.slug.in_(slugs))
    campaigns = db.session.scalars(query).all()
    unknown = sorted(set(slugs) - {c.slug for c in campaigns})
    if unknown:
        raise click.BadParameter(f"no campaign has the address {', '.join(unknown)}", param_hint="SLUGS")
    for campaign in campaigns:
        rebuild_tallies(db.session, campaign.id)
        db.session.commit()
        letters = sum(campaign_tallies(db.session, campaign.id).get("status", {}).values())
        click.echo(f"{campaign.slug}: {letters} letters counted")


@click.command("clear-cache")
def clear_cache_command() -> None:
    """Stop serving every cached page, in every process: after a database restore, for example."""
    move_generation_on(current_app._get_current_object())
    click.echo("cached pages: cleared")


@click.command("send-outbox")
def send_outbox_command() -> None:
    """Send the confirmed letters that are due, and retry failed attempts whose wait is over.

    A site without a mail server has nothing to send: that is said, and the command succeeds, so
    that a crontab line set up before the mail server reports no error every few minutes.
    """
    try:
        deliveries = deliver_due(db.session, utcnow())
    except OutboxUnavailable as error:
        click.echo(f"nothing sent: {error}")
        return
    for delivery in deliveries:
        click.echo(delivery.describe())
    click.echo(summarize(deliveries))


@click.command("send-alerts")
def send_alerts_command() -> None:
    """Email each follower whose bills moved (at most once a day), and retry alerts that are due.

    For cron on a site without Redis; with Redis the worker does it every day. Safe to run often:
    a follower gets one alert a day at most, and each alert goes once.
    """
    run = send_alerts(db.session, utcnow().date(), utcnow())
    for delivery in run.deliveries:
        click.echo(delivery.describe())
    click.echo(run.describe())


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.CITIZEN.value, show_default=True
)
def create_user_command(email: str, role: str) -> None:
    """Create a confirmed account; the password is asked twice, or read from stdin when piped."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        validate_email(email, check_deliverability=False)
        user = create_user(db.session, email, password, role, confirmed=True)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    except (WeakPassword, EmailTaken) as error:
        raise click.ClickException(str(error)) from error
    record(
        db.session,
        None,
        "user.create",
        "user",
        str(user.id),
        after={"email": user.email, "role": role},
        origin="command line",
    )
    db.session.commit()
    click.echo(f"created {user.email} ({role})")


def register(app: Flask) -> None:
    for cmd in (
        init_db_command,
        seed_command,
        sync_legislators_command,
        sync_bills_command,
        fetch_photos_command,
        purge_command,
        create_user_command,
        import_reportcards_command,
        worker_command,
        send_reminders_command,
        send_outbox_command,
        send_alerts_command,
        recount_campaigns_command,
        clear_cache_command,
        doctor_command,
        *INBOUND_COMMANDS,
    ):
        app.cli.add_command(cmd)
