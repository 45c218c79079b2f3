"""The ``hirebot`` command: serve, demo, db upgrade, nudges list|run, questions score."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings, SettingsError, load_settings, require

log = logging.getLogger("hirebot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hirebot", description="HireBot: second-round interview panels in Slack."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("serve", help="run the bot (HTTP on PORT, or Socket Mode with SLACK_APP_TOKEN)")
    demo = sub.add_parser("demo", help="the whole lifecycle against a built-in fake Slack")
    demo.add_argument("--quiet", action="store_true", help="print only the summary line")
    demo.add_argument(
        "--ats",
        choices=("ashby", "greenhouse"),
        help="a panel arriving from the ATS (a built-in fake) instead of the chat story",
    )
    demo.add_argument(
        "--platform",
        choices=("slack", "teams"),
        default="slack",
        help="which platform's transcript to play (default: slack)",
    )
    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply migrations to DATABASE_URL")
    nudges = sub.add_parser("nudges", help="the outbox of reminders and notices")
    nudges_sub = nudges.add_subparsers(dest="nudges_command", required=True, metavar="ACTION")
    as_of_help = "ISO 8601 instant to act as of, e.g. 2026-11-26T09:00:00Z (default: now)"
    listing = nudges_sub.add_parser("list", help="pending nudges with due times")
    listing.add_argument("--as-of", metavar="ISO8601", help=as_of_help)
    run = nudges_sub.add_parser("run", help="deliver every nudge due as of --as-of once, then exit")
    run.add_argument("--as-of", metavar="ISO8601", help=as_of_help)
    teams = sub.add_parser("teams", help="Microsoft Teams")
    teams_sub = teams.add_subparsers(dest="teams_command", required=True, metavar="ACTION")
    package = teams_sub.add_parser(
        "package",
        help="write the app package (manifest.json and icons) a Teams admin uploads",
        description="Writes a zip with teams/manifest.json (bot id TEAMS_APP_ID, the domain"
        " given) and its icons, ready for Teams admin center > Manage apps > Upload.",
    )
    package.add_argument("--domain", required=True, help="the public host HireBot is served on")
    package.add_argument("--out", type=Path, default=Path("hirebot-teams.zip"), metavar="FILE")
    package.add_argument("--app-id", help="the Teams app's own id (default: TEAMS_APP_ID)")
    package.add_argument("--version", dest="app_version", help="the app's version (x.y.z)")
    ats = sub.add_parser("ats", help="the applicant tracking system (HIREBOT_ATS)")
    ats_sub = ats.add_subparsers(dest="ats_command", required=True, metavar="ACTION")
    ats_sub.add_parser(
        "sync",
        help="pick up new, moved and cancelled interviews now (and do the ATS work due), then exit",
    )
    questions = sub.add_parser("questions", help="the question-overlap check")
    questions_sub = questions.add_subparsers(
        dest="questions_command", required=True, metavar="ACTION"
    )
    score = questions_sub.add_parser(
        "score",
        help="score two questions, or a CSV of pairs (columns a,b[,repeat])",
        description="Prints the score (0-1) and verdict for two questions; with --pairs,"
        " writes a,b,score,repeat_predicted to stdout and, when the file has a repeat column,"
        " precision/recall/F1/ROC AUC to stderr.",
    )
    score.add_argument("question", nargs="*", help='two questions: "<a>" "<b>"')
    score.add_argument("--pairs", type=Path, metavar="FILE.csv", help="CSV with columns a,b")
    score.add_argument(
        "--matcher",
        choices=("auto", "light", "semantic", "legacy"),
        help="override HIREBOT_QUESTION_MATCHER (legacy: the scorer before issue 14)",
    )
    return parser


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_format: str) -> None:
    """INFO and up to stderr, as text lines or (``HIREBOT_LOG_FORMAT=json``) one JSON object
    a line with ``time``, ``level``, ``logger`` and ``message`` (and ``exc_info``, when there
    is a traceback), for log pipelines that parse rather than grep."""
    handler = logging.StreamHandler()
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "{levelname}{name}{message}",
                style="{",
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    # Alembic announces each of its plugins at INFO on import: noise for every command.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            # The demo is self-contained: it reads no settings, so a stray one can't break it.
            configure_logging("text")
            if args.ats:
                from bot.demo.ats import run_ats_demo

                return asyncio.run(run_ats_demo(args.ats, quiet=args.quiet))
            from bot.demo import run_demo

            if args.platform == "teams":
                from bot.demo.teams import run_teams_demo

                return asyncio.run(run_teams_demo(quiet=args.quiet))
            return asyncio.run(run_demo(quiet=args.quiet))
        settings = load_settings()
        configure_logging(settings.log_format)
        if args.command == "serve":
            return _serve(settings)
        if args.command == "db":
            return asyncio.run(_db_upgrade(settings))
        if args.command == "nudges":
            return _nudges(settings, args.nudges_command, args.as_of)
        if args.command == "questions":
            return _questions_score(settings, args)
        if args.command == "teams":
            return _teams_package(settings, args)
        if args.command == "ats":
            return _ats_sync(settings)
    except SettingsError as exc:
        print(f"hirebot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


async def _db_upgrade(settings: Settings) -> int:
    from bot.db import Database

    db = Database(settings.database_url)
    try:
        await db.upgrade()
    except Exception as exc:
        print(f"hirebot: cannot upgrade the database at DATABASE_URL: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    print("database is up to date")
    return 0


def _nudges(settings: Settings, action: str, as_of_text: str | None) -> int:
    from bot import nudges_cli as commands

    try:
        as_of = commands.parse_as_of(as_of_text)
    except commands.UsageError as exc:
        print(f"hirebot: {exc}", file=sys.stderr)
        return 2
    if action == "run":
        if settings.teams_enabled:
            _require_teams(settings, "nudges run")
        else:
            require(settings, "SLACK_BOT_TOKEN", purpose="nudges run")
    run = commands.run_nudges if action == "run" else commands.list_nudges
    try:
        return asyncio.run(run(settings, as_of))
    except (SQLAlchemyError, OSError) as exc:
        reason = str(exc).splitlines()[0]
        print(
            f"hirebot: cannot use the outbox at DATABASE_URL ({reason});"
            " `hirebot db upgrade` creates it",
            file=sys.stderr,
        )
        return 1


def _teams_package(settings: Settings, args: argparse.Namespace) -> int:
    from bot.teams.package import PackageError, manifest_for, write_package

    require(settings, "TEAMS_APP_ID", purpose="teams package")
    assert settings.teams_app_id
    try:
        manifest = manifest_for(
            settings.teams_app_id, args.domain, app_id=args.app_id, version=args.app_version
        )
    except PackageError as exc:
        print(f"hirebot: {exc}", file=sys.stderr)
        return 2
    path = write_package(args.out, manifest)
    print(f"wrote {path}: upload it in Teams admin center (Teams apps > Manage apps > Upload)")
    return 0


def _questions_score(settings: Settings, args: argparse.Namespace) -> int:
    from bot.questions import matcher as matchers
    from bot.questions.score_cli import run

    try:
        if args.matcher:
            model = settings.question_model
            matcher = matchers.build(matchers.resolve(args.matcher, model), model)
        else:
            matcher = matchers.matcher_for(settings)
    except matchers.MatcherUnavailable as exc:
        print(f"hirebot: {exc}", file=sys.stderr)
        return 2
    return run(matcher, args.question, args.pairs)


def _require_teams(settings: Settings, purpose: str) -> None:
    require(settings, "TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID", purpose=purpose)


def _ats_sync(settings: Settings) -> int:
    if not settings.ats:
        raise SettingsError(
            "missing setting HIREBOT_ATS (ashby or greenhouse; required for ats sync)"
        )
    problem = settings.ats_problem()
    if problem:
        raise SettingsError(problem)
    if settings.teams_enabled:  # the ATS's people may be in Teams alone
        _require_teams(settings, "ats sync")
    else:
        require(settings, "SLACK_BOT_TOKEN", purpose="ats sync")

    async def run() -> int:
        from bot.clock import SystemClock
        from bot.db import Database
        from bot.services import build_services

        db = Database(settings.database_url)
        try:
            services = build_services(settings, SystemClock(settings.clock_offset), db)
            assert services.ats is not None
            try:
                report = await services.ats.sync()
                await services.pipeline.drain()
                await services.ats.drain()
            finally:
                await services.ats.connector.close()
                await services.slack.close()
        finally:
            await db.dispose()
        print(report)
        return 1 if report.problems else 0

    try:
        return asyncio.run(run())
    except (SQLAlchemyError, OSError) as exc:
        reason = str(exc).splitlines()[0]
        print(
            f"hirebot: cannot use the database at DATABASE_URL ({reason});"
            " `hirebot db upgrade` creates it",
            file=sys.stderr,
        )
        return 1


def _serve(settings: Settings) -> int:
    problem = settings.ats_problem()
    if problem:
        raise SettingsError(problem)
    slack_wanted = bool(settings.slack_bot_token or settings.slack_app_token)
    if settings.teams_enabled:
        _require_teams(settings, "Teams")
    if not settings.teams_enabled or slack_wanted:  # Teams alone needs no Slack settings
        if settings.slack_app_token:
            require(settings, "SLACK_BOT_TOKEN", purpose="serve")
        else:
            require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", purpose="serve")
    from bot.runtime import serve

    return asyncio.run(serve(settings))


if __name__ == "__main__":
    raise SystemExit(main())
