"""The `samenhang` command: Flask's own commands (run, shell, routes), Flask-Migrate's `db`,
and the commands of each area."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from flask_migrate.cli import db as migrate_commands
from sqlalchemy import text

from samenhang.app import create_app
from samenhang.extensions import db
from samenhang.ledger.cli import ledger_cli
from samenhang.voting.cli import tally_command


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """Samenhang: participation and resident budgets for Dutch neighbourhoods."""


cli.add_command(migrate_commands, "db")
cli.add_command(tally_command)
cli.add_command(ledger_cli)


@cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when demo data is already there.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Load demo municipalities, wijken and users (once) and print how to sign in."""
    from samenhang.demo import DEMO_PASSWORD, is_seeded, seed_demo
    from samenhang.mail import held_mail

    if is_seeded():
        if if_empty:
            click.echo("Demo data is already loaded.")
            return
        raise click.ClickException("Demo data is already loaded.")
    # The demo's made-up residents get no mail; printed, it would bury the accounts.
    with held_mail() as held:
        users = seed_demo()
    db.session.commit()
    base_url = current_app.config["BASE_URL"].rstrip("/")
    click.echo(f"Demo data loaded. Sign in at {base_url}/signin with:")
    for user in users:
        click.echo(f"  {user.role.value:12} {user.email:42} password: {DEMO_PASSWORD}")
    if held:
        click.echo(f"({len(held)} notification mail(s) to demo users were not sent.)")
    from samenhang.voting.demo import key_shares_path

    shares = key_shares_path()
    if shares.is_file():
        click.echo(f"{shares.read_text(encoding='utf-8').rstrip()}\n(kept in {shares})")


@cli.command("seed-load")
@click.option("--scale", type=float, default=1.0, show_default=True, help="1 is a full city.")
@click.option("--seed", type=int, default=18, show_default=True, help="Random seed.")
@with_appcontext
def seed_load_command(scale: float, seed: int) -> None:
    """Load a realistic city for benchmarks (see samenhang.loadseed): at scale 1, 50 wijken,
    10,000 initiatives, 200 rounds, 300,000 ballots and 100,000 ledger entries."""
    from samenhang.loadseed import AlreadyLoaded, seed_load
    from samenhang.mail import held_mail

    if scale <= 0 or scale > 10:
        raise click.BadParameter("between 0 and 10", param_hint="--scale")
    try:
        with held_mail():
            made = seed_load(scale, seed=seed, echo=click.echo)
    except AlreadyLoaded as exc:
        raise click.ClickException(f"The load city ({exc}) is already there.") from exc
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics: the planner would otherwise guess a few rows per table and
        # pass over the list indexes until autovacuum gets round to it.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    click.echo("Loaded: " + ", ".join(f"{count:,} {name}" for name, count in made.items()))


@cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", default="Beheerder", show_default=True)
@click.password_option()
@with_appcontext
def create_admin_command(email: str, display_name: str, password: str) -> None:
    """Create an administrator (or make an existing account one)."""
    from samenhang.accounts.services import create_admin
    from samenhang.errors import DomainError

    try:
        user = create_admin(email, password, display_name)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{user.email} is now an administrator.")


@cli.command("send-digests")
@with_appcontext
def send_digests_command() -> None:
    """Send the daily digest mail to everyone who chose it, now (see `jobs enqueue`)."""
    _run_daily("digests")


def _run_daily(name: str) -> None:
    """Run a daily routine in this process (cron without a worker; or by hand)."""
    from samenhang import daily

    try:
        lines = daily.run(name)
    except daily.Incomplete as exc:
        raise click.ClickException(f"{exc}. Run again later.") from exc
    for line in lines:
        click.echo(line)


@cli.command("stemdag-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--wijk", "wijk_slug", required=True, help="The wijk's slug, e.g. dapperbuurt.")
@click.option("--municipality", "municipality_slug", help="Needed when the slug is ambiguous.")
@click.option("--as", "email", help="The wijkmanager or admin who imports (default: an admin).")
@with_appcontext
def stemdag_import_command(
    path: str, wijk_slug: str, municipality_slug: str | None, email: str | None
) -> None:
    """Import a wijkstemdag round from a pabulib .pb (or .pb.gz) file and count it."""
    from samenhang.errors import DomainError
    from samenhang.voting.counting import import_pb_file

    try:
        round_ = import_pb_file(path, wijk_slug, municipality_slug, email)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Imported round {round_.id}: {round_.title} ({len(round_.projects)} projects).")


@cli.command("expire-vouchers")
@with_appcontext
def expire_vouchers_command() -> None:
    """Return the value of expired, unspent voucher codes to their pots, now."""
    _run_daily("expire-vouchers")


@cli.group("budgets", cls=AppGroup)
def budgets_group() -> None:
    """The buurtbegroting."""


@budgets_group.command("remind")
def budgets_remind_command() -> None:
    """E-mail wijkmanagers about offers on public tasks they have to answer, now."""
    _run_daily("budget-reminders")


# --- buurtcontract ------------------------------------------------------------------------


@cli.group("contracts")
def contracts_group() -> None:
    """The buurtcontract."""


@contracts_group.command("remind")
@with_appcontext
def contracts_remind_command() -> None:
    """Remind parties of commitments due soon and send followers their monthly digest, now."""
    _run_daily("contract-reminders")


# --- campaigns ----------------------------------------------------------------------------


@cli.group("campaigns")
def campaigns_group() -> None:
    """Crowdfunding campaigns: the daily jobs."""


@campaigns_group.command("close-due")
@with_appcontext
def close_due_campaigns_command() -> None:
    """Close campaigns past their deadline; refund online gifts of those that failed, now."""
    _run_daily("campaigns")


@campaigns_group.command("remind-tasks")
@with_appcontext
def remind_tasks_command() -> None:
    """Mail everyone who signed up for a task tomorrow, now."""
    _run_daily("campaign-reminders")


# --- jobs ---------------------------------------------------------------------------------


@cli.group("jobs")
def jobs_group() -> None:
    """Background jobs: the daily routines for cron (see docs/deploy.md, Jobs)."""


@jobs_group.command("enqueue")
@click.argument("names", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every daily routine.")
@with_appcontext
def jobs_enqueue_command(names: tuple[str, ...], everything: bool) -> None:
    """Queue daily routines for the worker (with REDIS_URL), else run them now. Names:
    see `samenhang jobs list`."""
    from samenhang import daily

    chosen = list(daily.ROUTINES) if everything else list(names)
    unknown = [name for name in chosen if name not in daily.ROUTINES]
    if unknown or not chosen:
        raise click.UsageError(
            f"Name one or more of: {', '.join(daily.ROUTINES)} (or --all)."
            + (f" Unknown: {', '.join(unknown)}." if unknown else "")
        )
    failed = []
    for name in chosen:
        try:
            lines = daily.enqueue(name)
        except daily.Incomplete as exc:
            failed.append(name)
            click.echo(f"{name}: {exc}", err=True)
            continue
        if lines is None:
            click.echo(f"{name}: queued.")
        for line in lines or []:
            click.echo(f"{name}: {line}")
    if failed:
        raise click.ClickException(f"Not all done: {', '.join(failed)}. Run again later.")


@jobs_group.command("list")
def jobs_list_command() -> None:
    """The daily routines `jobs enqueue` knows."""
    from samenhang import daily

    for name, work in daily.ROUTINES.items():
        click.echo(f"{name}: {(work.__doc__ or '').strip()}")


def main() -> None:
    cli(prog_name="samenhang")


@cli.command("serve")
@click.option("--bind", help="Address and port (default 127.0.0.1:8000, or SAMENHANG_BIND).")
@click.option("--workers", type=int, help="Processes (default: CPUs + 1).")
@click.option("--threads", type=int, help="Threads per process (default 4).")
def serve_command(bind: str | None, workers: int | None, threads: int | None) -> None:
    """Serve the app with gunicorn, sized by the machine: see docs/deploy.md."""
    from samenhang.serving import serve

    serve(bind=bind, workers=workers, threads=threads)


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, cron).")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run jobs from the queue (RQ on REDIS_URL): counts, letters, e-mail. See docs/deploy.md."""
    from samenhang import jobs

    if not jobs.queued():
        raise click.ClickException("REDIS_URL is not set: jobs run in the app itself, no worker.")
    worker = jobs.make_worker()
    # Each job runs in a forked child: it must not share the parent's database connections.
    db.engine.dispose()
    worker.work(burst=burst, with_scheduler=True)
