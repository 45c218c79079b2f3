"""Engine and sessions for SQLite (the embedded default) or PostgreSQL, and schema upgrades."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, InvalidatePoolError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 10_000


def async_url(url: str) -> str:
    """Pick the async driver for a contract URL (``sqlite:///…`` or ``postgresql://…``)."""
    if url.startswith("sqlite://") and "+" not in url.split("://")[0]:
        return "sqlite+aiosqlite://" + url.removeprefix("sqlite://")
    match = re.match(r"postgres(?:ql)?://", url)
    if match:
        return "postgresql+asyncpg://" + url[match.end() :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class DatabaseUnavailable(RuntimeError):
    """The database cannot store anything right now (gone, read-only, unreachable)."""


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database is out of reach, rather than a bug: people are then
    told to try again shortly, and the log gets one line instead of a traceback."""
    if isinstance(exc, DatabaseUnavailable | OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, ConnectionError | TimeoutError | asyncio.TimeoutError) or (
        type(exc).__module__.startswith("asyncpg") and "Connection" in type(exc).__name__
    )


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (None for PostgreSQL and in-memory databases)."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while the single writer commits; the busy timeout makes a second
    # writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _reset(dbapi_connection: Any, _record: ConnectionPoolEntry, state: PoolResetState) -> None:
    """What the pool does to a connection checked back in: roll back a transaction left open
    (an error, a cancelled task), and nothing otherwise.

    SQLAlchemy's default rolls back unconditionally; on SQLite that is one more trip to
    aiosqlite's thread per session, after a commit that already ended the transaction.
    ``in_transaction`` is SQLite's own flag (``sqlite3_get_autocommit``); asyncpg's adapter
    knows whether it started a transaction and skips the call itself when it did not.
    """
    if not state.asyncio_safe:
        return
    driver = getattr(dbapi_connection, "_connection", None)
    if getattr(driver, "in_transaction", True) is False:
        return
    dbapi_connection.rollback()


#: A pooled PostgreSQL connection idle longer than this is pinged before it is used again.
PING_AFTER_IDLE_SECONDS = 2.0


def _note_idle(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    """Pessimistic disconnect handling, for connections that sat idle: a server restart or an
    idle timeout (a proxy, ``idle_session_timeout``) leaves them dead, and the ping replaces
    them (the pool retries with a fresh connection) before a query fails on one.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: one more round trip per session,
    about a fifth of a small read's cost. A connection back in the pool for less than
    ``PING_AFTER_IDLE_SECONDS`` was just working; if the server went away since, the first
    query fails as a disconnect, which invalidates the whole pool, as a failed ping would.
    """
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as exc:
        if dialect.is_disconnect(exc, dbapi_connection, None):
            raise InvalidatePoolError() from exc
        raise


class Database:
    """One engine per process, with a session factory for the services."""

    def __init__(
        self, url: str, *, echo: bool = False, connect_args: dict[str, Any] | None = None
    ) -> None:
        self.url = async_url(url)
        # The pool's own reset is the rollback below (``_reset``), skipped when there is no
        # transaction to end: a session that committed does not pay a second round trip.
        kwargs: dict[str, Any] = {
            "echo": echo,
            "connect_args": connect_args or {},
            "pool_reset_on_return": None,
        }
        if not is_sqlite(self.url):
            kwargs.update(pool_size=10, max_overflow=10)
        elif self.url.startswith("sqlite+aiosqlite"):
            from bot.sqlite_driver import DBAPI

            kwargs["module"] = DBAPI  # one trip to aiosqlite's thread per statement
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if is_sqlite(self.url):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(self.engine.sync_engine, "reset", _reset)
        if not is_sqlite(self.url):
            dialect = self.engine.dialect
            event.listen(self.engine.sync_engine, "checkin", _note_idle)
            event.listen(
                self.engine.sync_engine,
                "checkout",
                lambda conn, record, _proxy: _ping_if_idle(dialect, conn, record),
            )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._file = sqlite_file(self.url)
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file in use

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed on success, rolled back on error.

        Raises ``DatabaseUnavailable`` when a SQLite file was deleted or replaced under the
        running process: its open connections would otherwise keep "saving" into an unlinked
        file that vanishes on restart.
        """
        self.check_file()
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def write_session(self) -> AsyncIterator[AsyncSession]:
        """A session for a read-check-write change, exclusive on both databases.

        SQLite takes its single write lock up front (``BEGIN IMMEDIATE``), so two changes cannot
        both read the state before either writes; PostgreSQL callers lock the panel's row
        (``SELECT … FOR UPDATE``) instead, which serialises changes to one panel only.
        """
        async with self.session() as session:
            if self.dialect == "sqlite":
                connection = await session.connection()
                await connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    def check_file(self) -> None:
        """For SQLite: the file is still there, and still the one this process opened."""
        if self._file is None:
            return
        try:
            stat = os.stat(self._file)
        except OSError as exc:
            raise DatabaseUnavailable(f"the database file {self._file} is gone") from exc
        identity = (stat.st_dev, stat.st_ino)
        if self._identity is None:
            self._identity = identity
        elif identity != self._identity:
            raise DatabaseUnavailable(f"the database file {self._file} was replaced")

    async def health(self) -> str | None:
        """None when the schema is there and a write goes through (rolled back, so it changes
        nothing); otherwise one line saying what is wrong."""
        try:
            self.check_file()
            async with self.engine.connect() as conn:
                version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
                if not version:
                    return "the schema is missing"
                await conn.execute(
                    text("UPDATE alembic_version SET version_num = version_num")
                )  # takes the write lock: fails on a read-only file or a read-only replica
                await conn.rollback()
            return None
        except Exception as exc:
            return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]

    async def ping(self) -> bool:
        return await self.health() is None

    async def upgrade(self, revision: str = "head") -> None:
        """Apply Alembic migrations on this engine's connection."""
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_upgrade, revision)
        self._identity = None
        self.check_file()  # the file the schema was just written to is the one to keep using

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _run_upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)
