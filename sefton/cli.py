"""Command-line tools: `flask --app app demo | scale-demo | create-user | progress | send-mail | reminders`."""
import csv
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from . import dates, demo
from .accounts import manage, name_problem, passwords
from .extensions import db
from .figures import progress
from .models import ROLES, Organisation, Review, User
from .notifications import digests, mail
from .plan import purge_uploads

COLUMNS = ["Section", "Number of actions", "Number of sub-actions", "Green", "Grey (not yet due)", "Red"]


def init_app(app):
    app.cli.add_command(demo_command)
    app.cli.add_command(create_user)
    app.cli.add_command(progress_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(reminders_command)
    app.cli.add_command(scale_demo_command)


@click.command("demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Wipe a database that has real (non-demo) accounts.")
def demo_command(force):
    """Load the Sefton demo, replacing what the database holds."""
    try:
        demo.load(force=force)
    except demo.DemoRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Demo loaded. Sign in with any demo account, password {demo.PASSWORD}.")


@click.command("scale-demo")
@with_appcontext
@click.option("--factor", type=click.IntRange(1, 200), default=40, show_default=True,
              help="How many times the deck's plan (every count of the progress table times this).")
@click.option("--users", type=click.IntRange(0, 20000), default=0, help="Bring the accounts up to this many (invented).")
@click.option("--force", is_flag=True, help="Wipe a database that has real (non-demo) accounts.")
def scale_demo_command(factor, users, force):
    """Load the demo, then copy its plan until it is FACTOR times the deck's (for benchmarks)."""
    try:
        demo.load(force=force)
    except demo.DemoRefused as exc:
        raise click.ClickException(str(exc)) from None
    from .demo import scale

    scale.build(factor, users=users)
    db.session.commit()
    review = find_review(None)
    total = progress.by_section(review.id, dates.today()).total
    click.echo(f"Demo loaded and scaled {factor} times: {total.sub_actions} sub-actions in "
               f"{len(progress.by_section(review.id, dates.today()).rows)} sections; green {total.green}, "
               f"grey {total.grey}, red {total.red} as at {dates.format_date(dates.today())}.")


@click.command("create-user")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice(ROLES), prompt=True)
@click.option("--org", "org_code", default="", help="Organisation code (required for org users).")
@click.password_option(help="Prompted for, never echoed.")
def create_user(email, name, role, org_code, password):
    """Add a user account."""
    try:
        email = manage.normalise_email(email)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if name_problem(name):
        raise click.ClickException(name_problem(name))
    if db.session.scalar(select(func.count(User.id)).where(func.lower(User.email) == email)):
        raise click.ClickException("An account with that email address already exists.")
    org = None
    if org_code:
        org = db.session.scalar(select(Organisation).where(Organisation.code == org_code))
        if org is None:
            raise click.ClickException(f"No organisation with code {org_code!r}.")
    if role == "org" and org is None:
        raise click.ClickException("An org user needs --org CODE.")
    found = passwords.problems(password, name=name, email=email)
    if found:
        raise click.ClickException("; ".join(found) + ".")
    user = User(email=email, name=name.strip(), role=role, organisation=org)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


@click.command("send-mail")
@with_appcontext
@click.option("--limit", default=500, show_default=True, help="Most messages to send in this run.")
def send_mail_command(limit):
    """Send the e-mails waiting in the outbox (run it from cron every few minutes)."""
    if not current_app.config.get("SEFTON_SMTP_URL"):
        raise click.ClickException("SEFTON_SMTP_URL is not set: the messages stay in the outbox.")
    sent, failed = mail.send_pending(limit)
    click.echo(f"Sent {sent}, failed {failed} (kept for a later try).")


def find_review(ref):
    """The review a command works on: --review CODE or id, else the first one."""
    if ref:
        review = db.session.scalar(select(Review).where(func.lower(Review.code) == ref.strip().lower()))
        if review is None and ref.strip().isdigit():
            review = db.session.get(Review, int(ref))
        if review is None:
            raise click.BadParameter(f"no review with short name or id {ref!r}", param_hint="--review")
        return review
    review = db.session.scalars(select(Review).order_by(Review.id)).first()
    if review is None:
        raise click.ClickException("The database holds no review; run `flask --app app demo` first.")
    return review


@click.command("progress")
@with_appcontext
@click.option("--as-at", "as_at", default=None, help="Date, e.g. 2019-04-01 or '4 July 2019'.")
@click.option("--org", "org_code", default=None, help="Only this organisation's slice.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text")
@click.option("--review", "review_ref", default=None, help="Review short name (e.g. CLAS-2018) or id; default: the first.")
def progress_command(as_at, org_code, fmt, review_ref):
    """Print the progress table (derived from the sub-actions, never typed)."""
    review = find_review(review_ref)
    try:
        day = dates.parse(as_at) if as_at else dates.today()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--as-at") from None
    org_id = None
    if org_code:
        org = db.session.scalar(select(Organisation).where(Organisation.code == org_code))
        if org is None:
            raise click.BadParameter(f"no organisation with code {org_code!r}", param_hint="--org")
        org_id = org.id
    table = progress.by_section(review.id, day, org_id=org_id)
    rows = [[r.label, r.actions, r.sub_actions, r.green, r.grey, r.red] for r in table.rows]
    t = table.total
    rows.append(["Total", t.actions, t.sub_actions, t.green, t.grey, t.red])
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return
    scope = f" for {org_code}" if org_code else ""
    fixed = " (fixed business date)" if current_app.config.get("SEFTON_TODAY") and not as_at else ""
    if day > dates.today():
        fixed = " (after today: a projection, if nothing more is done)"
    click.echo(f"Progress{scope} as at {dates.format_date(day)}{fixed}")
    widths = [max(len(str(x)) for x in col) for col in zip(COLUMNS, *rows)]
    for line in [COLUMNS, *rows]:
        click.echo("  ".join(str(v).rjust(w) if i else str(v).ljust(w) for i, (v, w) in enumerate(zip(line, widths))))


@click.command("reminders")
@with_appcontext
@click.option("--date", "day", default=None, help="Business date to run for (default: today), e.g. 2019-04-01.")
@click.option("--send/--no-send", default=True, help="Also send what the outbox holds (SEFTON_SMTP_URL).")
def reminders_command(day, send):
    """Write the day's reminder digests to the outbox (run daily from cron or a systemd timer)."""
    try:
        when = dates.parse(day) if day else dates.today()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from None
    result = digests.run(when)
    removed = purge_uploads()
    db.session.commit()
    if removed:
        click.echo(f"Removed {removed} uploaded plan file(s) older than a day.")
    if result.skipped:
        click.echo(f"No reminders for {dates.format_date(when)}: {result.skipped}.")
    else:
        click.echo(f"Reminders for {dates.format_date(when)}: {result.written} e-mail(s) written to the outbox.")
    if send and current_app.config.get("SEFTON_SMTP_URL"):
        sent, failed = mail.send_pending()
        click.echo(f"Sent {sent} e-mail(s), failed {failed} (kept for a later try).")
